// Purchase orders: filters (supplier, status), paging, newest first.

import { getJson, type Page } from '../api';
import { h, replaceChildren } from '../dom';
import { describeError } from '../form';
import { t } from '../i18n';
import { badge, field, fmtMoney, recordCode, recordPicker } from '../kit';
import { PO_STATUSES, type PurchaseOrder } from '../procurement';
import { href, navigate } from '../router';
import { PAGE_SIZE } from './list';
import { procurementTabs } from './procurement';

export function renderPoList(query: URLSearchParams): HTMLElement {
  const supplierId = Number(query.get('supplier_id')) || null;
  const status = query.get('status') ?? '';
  const offset = Math.max(0, Number.parseInt(query.get('offset') ?? '0', 10) || 0);
  const limit = Math.min(200, Math.max(1, Number.parseInt(query.get('limit') ?? String(PAGE_SIZE), 10) || PAGE_SIZE));

  const supplier = recordPicker({ path: 'suppliers', id: 'po-filter-supplier', testid: 'filter-supplier', value: supplierId, empty: t('list.any') });
  const statusSel = h('select', { id: 'po-filter-status', testid: 'filter-status' },
    h('option', { value: '' }, t('list.any')),
    PO_STATUSES.map((s) => h('option', { value: s }, t(`po.${s}` as 'po.draft'))));
  statusSel.value = status;
  const params = (o: number) => ({ supplier_id: supplier.value(), status: statusSel.value, offset: o || null, limit: limit !== PAGE_SIZE ? limit : null });
  const toolbar = h('form', { class: 'toolbar filters', testid: 'po-toolbar' },
    field('supplier_id', t('scores.supplier'), supplier.element, { input: supplier.select }),
    field('status', t('list.status'), statusSel),
    h('div', { class: 'toolbar-actions' },
      h('button', { type: 'submit', class: 'btn', testid: 'po-filter' }, t('list.searchBtn')),
      h('a', { class: 'btn ghost', href: href(['procurement']), testid: 'list-reset' }, t('list.reset'))));
  toolbar.addEventListener('submit', (ev) => { ev.preventDefault(); navigate(href(['procurement'], params(0))); });
  statusSel.addEventListener('change', () => navigate(href(['procurement'], params(0))));
  supplier.select.addEventListener('change', () => navigate(href(['procurement'], params(0))));

  const box = h('div', { class: 'table-box', testid: 'po-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('list.loading')));
  const range = h('span', { class: 'range', testid: 'list-total' });
  const prev = h('button', { type: 'button', class: 'btn', testid: 'page-prev', disabled: true }, `‹ ${t('list.prev')}`);
  const next = h('button', { type: 'button', class: 'btn', testid: 'page-next', disabled: true }, `${t('list.next')} ›`);
  prev.addEventListener('click', () => navigate(href(['procurement'], { ...params(Math.max(0, offset - limit)), supplier_id: supplierId, status })));
  next.addEventListener('click', () => navigate(href(['procurement'], { ...params(offset + limit), supplier_id: supplierId, status })));

  void (async () => {
    try {
      const data = await getJson<Page<PurchaseOrder>>('/purchase-orders', { supplier_id: supplierId, status, limit, offset });
      const items = data.items ?? [];
      const total = typeof data.total === 'number' ? data.total : items.length;
      const cols = ['po.code', 'scores.supplier', 'po.warehouse', 'po.mode', 'list.status', 'po.orderDate', 'po.expectedDate', 'po.total'] as const;
      replaceChildren(box, items.length ? h('table', { class: 'list', testid: 'po-table' },
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
        h('tbody', {}, items.map((po) => {
          const link = href(['procurement', 'orders', po.id]);
          const row = h('tr', { testid: 'po-row', 'data-id': po.id, 'data-code': po.code, 'data-status': po.status },
            h('td', { 'data-label': t(cols[0]) }, h('a', { href: link, testid: 'row-link' }, po.code)),
            h('td', { 'data-label': t(cols[1]) }, recordCode('suppliers', po.supplier_id)),
            h('td', { 'data-label': t(cols[2]) }, recordCode('warehouses', po.warehouse_id)),
            h('td', { 'data-label': t(cols[3]) }, t(`mode.${po.transport_mode}` as 'mode.sea')),
            h('td', { 'data-label': t(cols[4]) }, badge('po', po.status, 'po-status')),
            h('td', { 'data-label': t(cols[5]), class: 'nowrap' }, po.order_date ?? ''),
            h('td', { 'data-label': t(cols[6]), class: 'nowrap' }, po.expected_date ?? ''),
            h('td', { 'data-label': t(cols[7]), class: 'num nowrap' }, fmtMoney(po.total, po.currency)));
          row.addEventListener('click', (ev) => { if (!(ev.target as Element).closest('a')) navigate(link); });
          return row;
        }))) : h('p', { class: 'empty', testid: 'list-empty' }, t('list.empty')));
      range.textContent = items.length ? t('list.range', { from: offset + 1, to: offset + items.length, total }) : t('list.rangeEmpty', { total });
      range.setAttribute('data-total', String(total));
      prev.disabled = offset <= 0;
      next.disabled = offset + items.length >= total;
    } catch (err) {
      replaceChildren(box, h('p', { class: 'form-message error', role: 'alert', testid: 'list-error' }, describeError(err)));
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  })();

  return h('section', { class: 'page proc-page', testid: 'page-po-list' },
    procurementTabs('orders'),
    h('div', { class: 'page-head' },
      h('h1', {}, t('po.title')),
      h('div', { class: 'page-actions' },
        h('a', { class: 'btn primary', href: href(['procurement', 'orders', 'new']), testid: 'po-new' }, `+ ${t('po.new')}`))),
    h('div', { class: 'panel' }, toolbar),
    box,
    h('nav', { class: 'pager', 'aria-label': 'pagination' }, prev, range, next));
}
