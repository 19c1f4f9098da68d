// Returns: the list (by order) and one return with its lines (value and tax reversed, lot and
// expiry found at re-inspection, outcome reshelved / quarantined) and the receive form: per line
// the lot, the expiry date and the bin the goods go to.

import { getJson, postJson, type Entity, type Page } from '../api';
import { formatTime, h, replaceChildren } from '../dom';
import { describeError } from '../form';
import { lang, t, tDynamic } from '../i18n';
import { badge, boxError, clearFieldErrors, field, fmtInt, loadingBox, messageBox, recordCode, setFieldError, showApiError } from '../kit';
import { itemsOf, money, ruleOf, type Order, type OrderLine, type OrderReturn, type ReturnLine } from '../orders';
import { href, navigate } from '../router';
import { returnsTable } from './order-detail';
import { ordersTabs } from './orders';

export function renderReturns(query: URLSearchParams): HTMLElement {
  const orderId = Number(query.get('order_id')) || null;
  const order = h('input', { type: 'text', inputmode: 'numeric', id: 'ret-filter-order', testid: 'filter-order', value: orderId ?? '', autocomplete: 'off' });
  const toolbar = h('form', { class: 'toolbar filters', testid: 'return-filters' },
    field('order_id', t('ord.orderId'), order),
    h('div', { class: 'toolbar-actions' },
      h('button', { type: 'submit', class: 'btn primary', testid: 'return-filter' }, t('ranking.show')),
      h('a', { class: 'btn ghost', href: href(['orders', 'returns']), testid: 'list-reset' }, t('list.reset'))));
  toolbar.addEventListener('submit', (ev) => {
    ev.preventDefault();
    navigate(href(['orders', 'returns'], { order_id: order.value.trim() || null }));
  });
  const box = loadingBox('returns-body');
  void (async () => {
    try {
      const items = itemsOf<OrderReturn>(await getJson<unknown>('/returns', { order_id: orderId }));
      replaceChildren(box, items.length ? returnsTable(items) : h('p', { class: 'empty', testid: 'list-empty' }, t('ord.noReturns')));
    } catch (err) {
      boxError(box, err);
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  })();
  return h('section', { class: 'page ord-page', testid: 'page-returns' },
    ordersTabs('returns'),
    h('div', { class: 'page-head' }, h('h1', {}, t('ord.returnsTitle'))),
    h('p', { class: 'muted lead' }, t('ord.returnsLead')),
    h('div', { class: 'panel' }, toolbar),
    box);
}

export function renderReturnDetail(id: string): HTMLElement {
  const path = `/returns/${encodeURIComponent(id)}`;
  const body = h('div', { class: 'return-body', testid: 'return-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('list.loading')));

  async function load(notice?: string): Promise<void> {
    body.setAttribute('aria-busy', 'true');
    try {
      const r = await getJson<OrderReturn>(path);
      const order = await getJson<Order>(`/orders/${r.order_id}`).catch(() => null);
      show(r, order, notice);
    } catch (err) {
      replaceChildren(body, h('p', { class: 'form-message error', role: 'alert', testid: 'detail-error' }, describeError(err)));
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
  }

  const orderLineOf = (order: Order | null, l: ReturnLine): OrderLine | undefined =>
    order?.lines?.find((x) => (l.line_no !== undefined && x.line_no === l.line_no) || (l.order_line_id !== undefined && x.id === l.order_line_id));

  function show(r: OrderReturn, order: Order | null, notice?: string): void {
    const msg = messageBox('return-message');
    if (notice) msg.show(notice, 'ok');
    const summary = h('dl', { class: 'summary', testid: 'return-summary' },
      h('dt', {}, t('ord.order')), h('dd', {}, h('a', { href: href(['orders', r.order_id]) }, order?.channel_order_no ?? `#${r.order_id}`)),
      h('dt', {}, t('ord.returnReason')), h('dd', {}, r.reason || '—'),
      h('dt', {}, t('ord.requested')), h('dd', {}, formatTime(r.requested_at, lang()) || '—'),
      h('dt', {}, t('ord.applyBy')), h('dd', {}, r.apply_by ?? '—'),
      h('dt', {}, t('ord.arriveBy')), h('dd', { testid: 'return-arrive-by' }, r.arrive_by ?? '—'),
      r.received_at ? [h('dt', {}, t('ord.receivedAt')), h('dd', {}, formatTime(r.received_at, lang()))] : null);
    const cols = ['po.line', 'risk.sku', 'po.quantity', 'ord.value', 'ord.taxReversed', 'inv.lot', 'inv.expiry', 'ord.outcome'] as const;
    const lines = h('div', { class: 'table-box' }, h('table', { class: 'list', testid: 'return-lines' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
      h('tbody', {}, (r.lines ?? []).map((l) => {
        const ol = orderLineOf(order, l);
        return h('tr', { testid: 'return-line', 'data-line': l.line_no ?? ol?.line_no ?? '', 'data-quantity': l.quantity, 'data-outcome': l.outcome ?? '' },
          h('td', { 'data-label': t(cols[0]) }, String(l.line_no ?? ol?.line_no ?? l.order_line_id ?? '')),
          h('td', { 'data-label': t(cols[1]) }, ol?.sku_code ?? (l.sku_id || ol?.sku_id ? recordCode('skus', l.sku_id ?? ol?.sku_id) : '—')),
          h('td', { 'data-label': t(cols[2]), class: 'num' }, fmtInt(l.quantity)),
          h('td', { 'data-label': t(cols[3]), class: 'num' }, money(l.value)),
          h('td', { 'data-label': t(cols[4]), class: 'num' }, money(l.tax)),
          h('td', { 'data-label': t(cols[5]) }, l.lot_number || '—'),
          h('td', { 'data-label': t(cols[6]) }, l.expiry_date || '—'),
          h('td', { 'data-label': t(cols[7]) }, l.outcome ? badge('outcome', l.outcome, 'return-outcome') : '—'));
      }))));
    replaceChildren(body,
      h('div', { class: 'page-head' }, h('h1', {}, t('ord.returnNo', { id: r.id }), ' ', badge('returnState', r.state, 'return-state'))),
      msg.element,
      h('div', { class: 'panel' }, summary),
      h('div', { class: 'panel' }, h('h2', {}, t('po.lines')), lines),
      r.state === 'requested' ? receiveForm(r, order) : null);
  }

  function receiveForm(r: OrderReturn, order: Order | null): HTMLElement {
    const msg = messageBox('receive-message');
    const rows = (r.lines ?? []).map((l) => {
      const ol = orderLineOf(order, l);
      const lineNo = l.line_no ?? ol?.line_no ?? 0;
      const lot = h('input', { type: 'text', id: `rcv-lot-${lineNo}`, testid: `receive-lot-${lineNo}`, autocomplete: 'off', maxlength: 20 });
      const expiry = h('input', { type: 'date', id: `rcv-expiry-${lineNo}`, testid: `receive-expiry-${lineNo}` });
      const bin = h('select', { id: `rcv-bin-${lineNo}`, testid: `receive-bin-${lineNo}` }, h('option', { value: '' }, t('picker.choose')));
      if (ol?.warehouse_id) {
        void getJson<Page<Entity>>(`/warehouses/${ol.warehouse_id}/bins`, { limit: 500 }).then((bins) => {
          const items = bins.items ?? [];
          // Quarantine bins first: returned goods are inspected before they are shelved again.
          items.sort((a, b) => Number(b.kind === 'quarantine') - Number(a.kind === 'quarantine') || a.code.localeCompare(b.code));
          bin.append(...items.map((b) => h('option', { value: b.id, 'data-code': b.code }, `${b.code} · ${tDynamic(`opt.kind.${String(b.kind)}`, String(b.kind ?? ''))}`)));
        }).catch(() => undefined);
      }
      return { lineNo, lot, expiry, bin, line: l };
    });
    const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'receive-submit' }, t('ord.receiveReturn'));
    const form = h('form', { class: 'receive-form', testid: 'return-receive-form', novalidate: true },
      rows.map((x) => h('fieldset', { class: 'form-group' },
        h('legend', {}, t('ord.receiveLine', { n: x.lineNo, q: x.line.quantity })),
        h('div', { class: 'form-grid' },
          field(`lines.${x.lineNo}.lot_number`, t('inv.lotNumber'), x.lot, { required: true }),
          field(`lines.${x.lineNo}.expiry_date`, t('inv.expiry'), x.expiry, { required: true }),
          field(`lines.${x.lineNo}.bin_id`, t('inv.bin'), x.bin, { required: true })))),
      h('div', { class: 'form-actions' }, submit),
      msg.element);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      msg.hide();
      let bad = false;
      for (const x of rows) {
        if (!x.lot.value.trim()) { setFieldError(form, `lines.${x.lineNo}.lot_number`, t('form.required')); bad = true; }
        if (!x.expiry.value) { setFieldError(form, `lines.${x.lineNo}.expiry_date`, t('form.required')); bad = true; }
        if (!x.bin.value) { setFieldError(form, `lines.${x.lineNo}.bin_id`, t('form.required')); bad = true; }
      }
      if (bad) { msg.show(t('form.fixErrors'), 'error'); return; }
      submit.disabled = true;
      try {
        await postJson<OrderReturn>(`${path}/receive`, {
          lines: rows.map((x) => ({ line_no: x.lineNo, lot_number: x.lot.value.trim(), expiry_date: x.expiry.value, bin_id: Number(x.bin.value) })),
        });
        await load(t('ord.returnReceivedOk'));
      } catch (err) {
        const rule = ruleOf(err);
        if (rule) msg.show(`${tDynamic(`rule.${rule}`, rule)}: ${describeError(err)}`, 'error');
        else showApiError(form, msg, err);
        submit.disabled = false;
      }
    });
    return h('div', { class: 'panel', testid: 'return-receive' }, h('h2', {}, t('ord.receiveTitle')), h('p', { class: 'muted small' }, t('ord.receiveLead')), form);
  }

  void load();
  return h('section', { class: 'page ord-page', testid: 'page-return-detail' },
    ordersTabs('returns'),
    h('a', { class: 'back', href: href(['orders', 'returns']), testid: 'back-to-list' }, `‹ ${t('detail.back')}`),
    body);
}
