// Stock card of one SKU: the opening balance, then every movement with its signed quantity and
// the running balance, oldest first, in pages fetched with "More" (keyset paging on the
// movement id). Filters: warehouse, owner and a date range.

import { getJson } from '../api';
import { formatTime, h, replaceChildren } from '../dom';
import { describeError } from '../form';
import { lang, t, tDynamic } from '../i18n';
import { lotLabel, type CardLine, type Place, type StockCard } from '../inventory';
import { field, fmtInt, pageOf, recordCode, recordPicker } from '../kit';
import { href, navigate } from '../router';
import { inventoryTabs } from './inventory';
import { stateBadge } from './stock';

export const CARD_PAGE = 50;

/** Where stock was or went: the bin (and its warehouse unless the card shows one warehouse) and the state. */
function placeLabel(p: Place | null, warehouseId: number | null): HTMLElement {
  if (!p) return h('span', { class: 'muted' }, '—');
  return h('span', { class: 'place' },
    p.warehouse_id !== warehouseId ? [recordCode('warehouses', p.warehouse_id), ' / '] : null,
    recordCode('bins', p.bin_id), ' ', stateBadge(p.state));
}

export function renderStockCard(skuId: string, query: URLSearchParams): HTMLElement {
  const { limit } = pageOf(query, CARD_PAGE);
  const warehouseId = Number(query.get('warehouse_id')) || null;
  const ownerValue = query.get('owner') ?? '';
  const fromValue = query.get('from') ?? '';
  const toValue = query.get('to') ?? '';

  const warehouse = recordPicker({ path: 'warehouses', id: 'card-warehouse', testid: 'card-filter-warehouse', value: warehouseId, empty: t('list.any') });
  const owner = h('input', { type: 'text', id: 'card-owner', testid: 'card-filter-owner', value: ownerValue, placeholder: t('inv.ownerHint'), autocomplete: 'off' });
  const from = h('input', { type: 'date', id: 'card-from', testid: 'card-filter-from', value: fromValue });
  const to = h('input', { type: 'date', id: 'card-to', testid: 'card-filter-to', value: toValue });
  const params = () => ({
    warehouse_id: warehouse.value(), owner: owner.value.trim() || null, from: from.value || null, to: to.value || null,
    limit: limit !== CARD_PAGE ? limit : null,
  });
  const go = () => navigate(href(['inventory', 'skus', skuId], params()));
  const toolbar = h('form', { class: 'toolbar filters', testid: 'card-filters' },
    field('warehouse_id', t('po.warehouse'), warehouse.element, { input: warehouse.select }),
    field('owner', t('inv.owner'), owner),
    field('from', t('inv.from'), from),
    field('to', t('inv.to'), to),
    h('div', { class: 'toolbar-actions' }, h('button', { type: 'submit', class: 'btn primary', testid: 'card-filter' }, t('ranking.show'))));
  toolbar.addEventListener('submit', (ev) => { ev.preventDefault(); go(); });
  warehouse.select.addEventListener('change', go);

  const opening = h('strong', { testid: 'card-opening', 'data-value': '' }, '…');
  const closing = h('strong', { testid: 'card-closing', 'data-value': '' }, '…');
  const tbody = h('tbody', {});
  const cols = ['inv.at', 'inv.reason', 'inv.fromPlace', 'inv.toPlace', 'inv.lot', 'inv.owner', 'inv.change', 'inv.balance', 'inv.reference', 'inv.by'] as const;
  const table = h('table', { class: 'list card-table', testid: 'card-table' },
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c === 'inv.change' || c === 'inv.balance' ? 'num' : null }, t(c))))),
    tbody);
  const box = h('div', { class: 'table-box', testid: 'card-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('list.loading')));
  const more = h('button', { type: 'button', class: 'btn', testid: 'card-more', hidden: true }, t('inv.more'));
  const count = h('span', { class: 'range', testid: 'card-count' });
  let loaded = 0;
  let nextAfter: number | null = null;

  const row = (m: CardLine) => h('tr', {
    testid: 'card-row', 'data-id': m.id, 'data-reason': m.reason, 'data-signed': m.signed_quantity, 'data-running': m.running_balance,
  },
    h('td', { 'data-label': t(cols[0]), class: 'nowrap' }, formatTime(m.at, lang())),
    h('td', { 'data-label': t(cols[1]) }, h('span', { class: 'reason' }, tDynamic(`reason.${m.reason}`, m.reason))),
    h('td', { 'data-label': t(cols[2]) }, placeLabel(m.from, warehouseId)),
    h('td', { 'data-label': t(cols[3]) }, placeLabel(m.to, warehouseId)),
    h('td', { 'data-label': t(cols[4]) }, m.lot_id ? lotLabel(m.lot_id) : '—'),
    h('td', { 'data-label': t(cols[5]) }, m.owner),
    h('td', { 'data-label': t(cols[6]), class: `num ${m.signed_quantity > 0 ? 'gain' : m.signed_quantity < 0 ? 'loss' : 'muted'}`, testid: 'card-signed' },
      m.signed_quantity > 0 ? `+${fmtInt(m.signed_quantity)}` : fmtInt(m.signed_quantity)),
    h('td', { 'data-label': t(cols[7]), class: 'num strong', testid: 'card-running' }, fmtInt(m.running_balance)),
    h('td', { 'data-label': t(cols[8]) }, m.ref_type ? `${m.ref_type} ${m.ref_id ?? ''}`.trim() : '—', m.note ? h('div', { class: 'muted small' }, m.note) : null),
    h('td', { 'data-label': t(cols[9]) }, [m.device ? t('inv.device', { device: m.device }) : '', m.actor ?? ''].filter(Boolean).join(' · ') || '—'));

  async function load(afterId: number): Promise<void> {
    box.setAttribute('aria-busy', 'true');
    more.disabled = true;
    try {
      const card = await getJson<StockCard>(`/skus/${encodeURIComponent(skuId)}/stock-card`, {
        // Dates: from the start of `from` through the end of `to` (UTC).
        warehouse_id: warehouseId, owner: ownerValue, from: fromValue, to: toValue, after_id: afterId || null, limit,
      });
      const items = card.items ?? [];
      if (!afterId) {
        opening.textContent = fmtInt(card.opening_balance ?? 0);
        opening.setAttribute('data-value', String(card.opening_balance ?? 0));
        closing.textContent = fmtInt(card.opening_balance ?? 0);
        closing.setAttribute('data-value', String(card.opening_balance ?? 0));
        replaceChildren(box, table, items.length ? null : h('p', { class: 'empty', testid: 'list-empty' }, t('inv.noMovements')));
      }
      tbody.append(...items.map(row));
      loaded += items.length;
      if (items.length) {
        const last = items[items.length - 1];
        closing.textContent = fmtInt(last.running_balance);
        closing.setAttribute('data-value', String(last.running_balance));
      }
      nextAfter = card.next_after_id ?? null;
      more.hidden = !nextAfter;
      count.textContent = t('inv.movementsShown', { n: loaded });
      count.setAttribute('data-count', String(loaded));
    } catch (err) {
      const msg = h('p', { class: 'form-message error', role: 'alert', testid: 'list-error' }, describeError(err));
      if (!afterId) replaceChildren(box, msg); else box.append(msg);
    } finally {
      more.disabled = false;
      box.setAttribute('aria-busy', 'false');
    }
  }
  more.addEventListener('click', () => { if (nextAfter) void load(nextAfter); });
  void load(0);

  return h('section', { class: 'page inv-page', testid: 'page-stock-card', 'data-sku-id': skuId },
    inventoryTabs('stock', new URLSearchParams({ sku_id: skuId, ...(warehouseId ? { warehouse_id: String(warehouseId) } : {}), ...(ownerValue ? { owner: ownerValue } : {}) })),
    h('a', { class: 'back', href: href(['inventory'], { sku_id: skuId, warehouse_id: warehouseId, owner: ownerValue }), testid: 'back-to-stock' }, `‹ ${t('inv.backToStock')}`),
    h('div', { class: 'page-head' },
      h('h1', {}, t('inv.cardTitle'), ' ', h('span', { class: 'code', testid: 'card-sku' }, recordCode('skus', Number(skuId), true)))),
    h('div', { class: 'panel' }, toolbar),
    h('div', { class: 'card-figures' },
      h('div', { class: 'stat' }, h('span', { class: 'muted small' }, t('inv.opening')), opening),
      h('div', { class: 'stat' }, h('span', { class: 'muted small' }, t('inv.closing')), closing)),
    box,
    h('nav', { class: 'pager', 'aria-label': 'pagination' }, count, more));
}
