// One consumer order: summary (buyer and payer as the server masks them), the state timeline,
// the lines with their mode, warehouse, shipment and routing note, the tax breakdown per line
// with the rule rows used, the three documents and the declaration list side by side with the
// result of each check, customs' receipts, cancel, and the return request form.

import { getJson, postJson } from '../api';
import { formatTime, h, replaceChildren } from '../dom';
import { describeError } from '../form';
import { lang, t, tDynamic } from '../i18n';
import { parseQty } from '../inventory';
import { badge, clearFieldErrors, field, fmtInt, messageBox, recordCode, setFieldError, showApiError, type MessageBox } from '../kit';
import {
  CANCELLABLE, CHECK_DOCS, RETURNABLE, itemsOf, modeLabel, money, ruleOf, ruleValue, validity,
  type DeclarationDocs, type Doc, type DocCheck, type Order, type OrderReturn, type RuleRef, type RuleRow, type TaxLine, type TaxQuote, type TimelineEvent,
} from '../orders';
import { href, navigate } from '../router';
import { orderStateBadge } from './order-list';
import { ordersTabs } from './orders';

const fact = (label: string, value: Node | string | null | undefined, testid?: string) =>
  [h('dt', {}, label), h('dd', { testid: testid ?? null }, value ?? '—')];

export function renderOrderDetail(id: string): HTMLElement {
  const path = `/orders/${encodeURIComponent(id)}`;
  const body = h('div', { class: 'order-body', testid: 'order-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('list.loading')));
  const page = h('section', { class: 'page ord-page', testid: 'page-order-detail' },
    ordersTabs('orders'),
    h('a', { class: 'back', href: href(['orders']), testid: 'back-to-list' }, `‹ ${t('detail.back')}`),
    body);

  async function load(notice?: string): Promise<void> {
    body.setAttribute('aria-busy', 'true');
    try {
      const order = await getJson<Order>(path);
      show(order, notice);
    } catch (err) {
      replaceChildren(body, h('p', { class: 'form-message error', role: 'alert', testid: 'detail-error' }, describeError(err)));
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
  }

  function show(order: Order, notice?: string): void {
    const msg = messageBox('order-message');
    if (notice) msg.show(notice, 'ok');
    const addr = order.address ?? {};
    const summary = h('dl', { class: 'summary', testid: 'order-summary' },
      fact(t('ord.channel'), recordCode('channels', order.channel_id, true)),
      fact(t('ord.date'), order.order_date),
      fact(t('ord.customsChannel'), order.customs_channel ? tDynamic(`customsChannel.${order.customs_channel}`, order.customs_channel) : '—', 'order-customs-channel'),
      fact(t('ord.policy'), order.policy ? tDynamic(`policy.${order.policy}`, order.policy) : '—'),
      fact(t('ord.buyer'), order.buyer?.name, 'order-buyer'),
      fact(t('ord.idNumber'), h('span', { class: 'masked' }, `${tDynamic(`idType.${order.buyer?.id_type ?? ''}`, order.buyer?.id_type ?? '')} ${order.buyer?.id_number ?? '—'}`), 'order-buyer-id'),
      fact(t('ord.phone'), order.buyer?.phone, 'order-buyer-phone'),
      fact(t('ord.consignee'), [addr.consignee, addr.phone ? ` · ${addr.phone}` : ''].filter(Boolean).join('') || '—'),
      fact(t('ord.address'), [addr.province, addr.city, addr.district, addr.street].filter(Boolean).join(' ') || '—'),
      fact(t('ord.payment'), order.payment ? `${order.payment.payment_no ?? ''} · ${order.payment.payer_name ?? ''} ${order.payment.payer_id_number ?? ''}` : '—', 'order-payer'),
      order.reason ? fact(t('ord.reason'), order.reason, 'order-reason') : null);
    const totals = h('dl', { class: 'summary totals', testid: 'order-totals' },
      fact(t('ord.goods'), money(order.goods), 'order-goods'),
      fact(t('ord.freight'), money(order.freight)),
      fact(t('ord.insurance'), money(order.insurance)),
      fact(t('ord.discount'), money(order.discount)),
      fact(t('ord.tax'), money(order.tax), 'order-tax'),
      fact(t('ord.paid'), h('strong', {}, money(order.paid)), 'order-paid'));

    const canCancel = CANCELLABLE.includes(order.state);
    const timeline = h('div', { class: 'panel', testid: 'timeline', 'aria-busy': 'true' }, h('h2', {}, t('ord.timeline')), h('p', { class: 'muted' }, t('list.loading')));
    const tax = h('div', { class: 'panel', testid: 'tax-panel', 'aria-busy': 'true' }, h('h2', {}, t('ord.taxTitle')), h('p', { class: 'muted' }, t('list.loading')));
    const docs = h('div', { class: 'docs', testid: 'documents', 'aria-busy': 'true' }, h('h2', {}, t('ord.docsTitle')), h('p', { class: 'muted' }, t('list.loading')));
    const returns = h('div', { class: 'panel', testid: 'order-returns', 'aria-busy': 'true' }, h('h2', {}, t('ord.returnsTitle')));

    replaceChildren(body,
      h('div', { class: 'page-head' },
        h('h1', {}, h('span', { class: 'code', testid: 'order-no' }, order.channel_order_no || `#${order.id}`), ' ',
          h('span', { class: 'muted' }, `#${order.id}`), ' ', orderStateBadge(order.state))),
      msg.element,
      h('div', { class: 'detail-grid wide-side' },
        h('div', { class: 'detail-main' },
          h('div', { class: 'panel' }, h('h2', {}, t('ord.summary')), summary),
          timeline),
        h('div', { class: 'side' },
          h('div', { class: 'panel' }, h('h2', {}, t('ord.totals')), totals),
          canCancel ? cancelPanel(order, msg) : null)),
      linesPanel(order),
      tax,
      docs,
      returns);

    void loadTimeline(timeline);
    void loadTax(tax, order);
    void loadDocuments(docs);
    void loadReturns(returns, order);
  }

  // ---- lines ----------------------------------------------------------------------------------

  function linesPanel(order: Order): HTMLElement {
    const cols = ['po.line', 'risk.sku', 'po.quantity', 'po.unitPrice', 'ord.discount', 'ord.mode', 'po.warehouse', 'ord.shipment', 'ord.routeNote', 'ord.returned'] as const;
    return h('div', { class: 'panel' }, h('h2', {}, t('po.lines')), h('div', { class: 'table-box' }, h('table', { class: 'list', testid: 'order-lines' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c === 'po.quantity' || c === 'po.unitPrice' || c === 'ord.discount' ? 'num' : null }, t(c))))),
      h('tbody', {}, (order.lines ?? []).map((l) => h('tr', {
        testid: 'order-line', 'data-line': l.line_no, 'data-mode': l.mode ?? '', 'data-warehouse-id': l.warehouse_id ?? '', 'data-shipment': l.shipment_ref ?? '',
      },
        h('td', { 'data-label': t(cols[0]) }, String(l.line_no)),
        h('td', { 'data-label': t(cols[1]) }, l.sku_code ?? recordCode('skus', l.sku_id)),
        h('td', { 'data-label': t(cols[2]), class: 'num' }, fmtInt(l.quantity)),
        h('td', { 'data-label': t(cols[3]), class: 'num' }, money(l.unit_price)),
        h('td', { 'data-label': t(cols[4]), class: 'num' }, money(l.discount)),
        h('td', { 'data-label': t(cols[5]) }, modeLabel(l.mode)),
        h('td', { 'data-label': t(cols[6]) }, l.warehouse_id ? recordCode('warehouses', l.warehouse_id) : '—'),
        h('td', { 'data-label': t(cols[7]), class: 'nowrap' }, l.shipment_ref || '—'),
        h('td', { 'data-label': t(cols[8]), class: 'route-note', testid: 'route-note' }, l.route_note || '—'),
        h('td', { 'data-label': t(cols[9]), class: 'num' }, fmtInt(l.returned_quantity ?? 0))))))));
  }

  // ---- cancel ---------------------------------------------------------------------------------

  function cancelPanel(order: Order, msg: MessageBox): HTMLElement {
    const reason = h('input', { type: 'text', id: 'cancel-reason', testid: 'cancel-reason', autocomplete: 'off', maxlength: 200 });
    const button = h('button', { type: 'submit', class: 'btn danger', testid: 'order-cancel' }, t('ord.cancel'));
    const form = h('form', { class: 'cancel-form', testid: 'cancel-form', novalidate: true },
      field('reason', t('ord.cancelReason'), reason), h('div', { class: 'form-actions' }, button));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      if (!reason.value.trim()) {
        setFieldError(form, 'reason', t('form.required'));
        return;
      }
      if (!window.confirm(t('ord.cancelConfirm', { no: order.channel_order_no }))) return;
      button.disabled = true;
      try {
        await postJson<Order>(`${path}/cancel`, { reason: reason.value.trim() });
        await load(t('ord.cancelledOk', { no: order.channel_order_no }));
      } catch (err) {
        showApiError(form, msg, err);
        button.disabled = false;
      }
    });
    return h('div', { class: 'panel', testid: 'cancel-panel' }, h('h2', {}, t('ord.cancelTitle')), h('p', { class: 'muted small' }, t('ord.cancelLead')), form);
  }

  // ---- timeline -------------------------------------------------------------------------------

  async function loadTimeline(box: HTMLElement): Promise<void> {
    try {
      const events = itemsOf<TimelineEvent>(await getJson<unknown>(`${path}/timeline`));
      replaceChildren(box, h('h2', {}, t('ord.timeline')), events.length ? h('ol', { class: 'timeline' }, events.map((e) => h('li', {
        testid: 'timeline-entry', 'data-state': e.state,
      },
        h('div', { class: 'event-head' }, e.state === 'note' ? h('span', { class: 'event-type' }, t('ord.note')) : orderStateBadge(e.state, 'timeline-state'),
          h('time', { datetime: e.at }, formatTime(e.at, lang()))),
        e.detail ? h('p', { class: 'small timeline-detail' }, e.detail) : null))) : h('p', { class: 'empty' }, t('ord.noEvents')));
    } catch (err) {
      replaceChildren(box, h('h2', {}, t('ord.timeline')), h('p', { class: 'form-message error', role: 'alert' }, describeError(err)));
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  }

  // ---- tax ------------------------------------------------------------------------------------

  async function loadTax(box: HTMLElement, order: Order): Promise<void> {
    try {
      const quote = await getJson<TaxQuote>(`${path}/tax`);
      replaceChildren(box, h('h2', {}, t('ord.taxTitle')), await taxBreakdown(quote, order));
    } catch (err) {
      replaceChildren(box, h('h2', {}, t('ord.taxTitle')), h('p', { class: 'form-message error', role: 'alert' }, describeError(err)));
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  }

  async function loadDocuments(box: HTMLElement): Promise<void> {
    try {
      const data = await getJson<{ declarations?: DeclarationDocs[] }>(`${path}/documents`);
      const decls = data.declarations ?? [];
      replaceChildren(box, h('h2', {}, t('ord.docsTitle')), decls.length ? decls.map(declarationDocs) : h('p', { class: 'panel empty', testid: 'no-declarations' }, t('ord.noDeclarations')));
    } catch (err) {
      replaceChildren(box, h('h2', {}, t('ord.docsTitle')), h('p', { class: 'form-message error', role: 'alert' }, describeError(err)));
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  }

  // ---- returns --------------------------------------------------------------------------------

  async function loadReturns(box: HTMLElement, order: Order): Promise<void> {
    const form = RETURNABLE.includes(order.state) ? returnForm(order) : null;
    try {
      const items = itemsOf<OrderReturn>(await getJson<unknown>('/returns', { order_id: order.id }));
      replaceChildren(box, h('h2', {}, t('ord.returnsTitle')),
        items.length ? returnsTable(items) : h('p', { class: 'empty', testid: 'no-returns' }, t('ord.noReturns')),
        form);
    } catch (err) {
      replaceChildren(box, h('h2', {}, t('ord.returnsTitle')), h('p', { class: 'form-message error', role: 'alert' }, describeError(err)), form);
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  }

  function returnForm(order: Order): HTMLElement {
    const msg = messageBox('return-message');
    const reason = h('input', { type: 'text', id: 'return-reason', testid: 'return-reason', autocomplete: 'off', maxlength: 200 });
    const qtys = (order.lines ?? []).map((l) => {
      const left = l.quantity - (l.returned_quantity ?? 0);
      const input = h('input', {
        type: 'text', inputmode: 'numeric', class: 'num short', id: `return-qty-${l.line_no}`, testid: `return-qty-${l.line_no}`, autocomplete: 'off',
        placeholder: '0', disabled: left <= 0 || l.mode === 'backorder',
      });
      return { line: l, left, input };
    });
    const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'return-submit' }, t('ord.requestReturn'));
    const form = h('form', { class: 'return-form', testid: 'return-form', novalidate: true },
      h('table', { class: 'list compact' },
        h('thead', {}, h('tr', {}, h('th', {}, t('po.line')), h('th', {}, t('risk.sku')), h('th', { class: 'num' }, t('ord.returnable')), h('th', {}, t('ord.returnQty')))),
        h('tbody', {}, qtys.map((q) => h('tr', {},
          h('td', { 'data-label': t('po.line') }, String(q.line.line_no)),
          h('td', { 'data-label': t('risk.sku') }, q.line.sku_code ?? recordCode('skus', q.line.sku_id)),
          h('td', { 'data-label': t('ord.returnable'), class: 'num' }, fmtInt(Math.max(0, q.left))),
          h('td', { 'data-label': t('ord.returnQty') }, h('div', { class: 'field', 'data-field': `lines.${q.line.line_no}.quantity` }, q.input, h('div', { class: 'field-error', hidden: true }))))))),
      h('div', { class: 'form-grid' }, field('reason', t('ord.returnReason'), reason, { required: true, wide: true })),
      h('div', { class: 'form-actions' }, submit),
      msg.element);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      msg.hide();
      const lines: { line_no: number; quantity: number }[] = [];
      let bad = false;
      for (const q of qtys) {
        const text = q.input.value.trim();
        if (!text || q.input.disabled) continue;
        const n = parseQty(text, false);
        if (n === null || n < 0 || n > q.left) {
          setFieldError(form, `lines.${q.line.line_no}.quantity`, t('ord.returnQtyInvalid', { max: q.left }));
          bad = true;
        } else if (n > 0) {
          lines.push({ line_no: q.line.line_no, quantity: n });
        }
      }
      if (!reason.value.trim()) { setFieldError(form, 'reason', t('form.required')); bad = true; }
      if (!bad && !lines.length) { msg.show(t('ord.returnNothing'), 'error'); return; }
      if (bad) { msg.show(t('form.fixErrors'), 'error'); return; }
      submit.disabled = true;
      try {
        const r = await postJson<OrderReturn>(`${path}/returns`, { reason: reason.value.trim(), lines });
        navigate(href(['orders', 'returns', r.id]));
      } catch (err) {
        const rule = ruleOf(err);
        if (rule) msg.show(`${tDynamic(`rule.${rule}`, rule)}: ${describeError(err)}`, 'error');
        else showApiError(form, msg, err);
        submit.disabled = false;
      }
    });
    return h('div', { class: 'return-request', testid: 'return-request' }, h('h3', {}, t('ord.returnTitle')), h('p', { class: 'muted small' }, t('ord.returnLead')), form);
  }

  void load();
  return page;
}

export function returnsTable(items: OrderReturn[]): HTMLElement {
  const cols = ['ord.return', 'ord.order', 'inv.state', 'ord.requested', 'ord.arriveBy', 'ord.units'] as const;
  return h('div', { class: 'table-box' }, h('table', { class: 'list', testid: 'returns-table' },
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
    h('tbody', {}, items.map((r) => h('tr', { testid: 'return-row', 'data-id': r.id, 'data-state': r.state, 'data-order-id': r.order_id },
      h('td', { 'data-label': t(cols[0]) }, h('a', { href: href(['orders', 'returns', r.id]), testid: 'return-link' }, `#${r.id}`)),
      h('td', { 'data-label': t(cols[1]) }, h('a', { href: href(['orders', r.order_id]) }, `#${r.order_id}`)),
      h('td', { 'data-label': t(cols[2]) }, badge('returnState', r.state, 'return-state')),
      h('td', { 'data-label': t(cols[3]), class: 'nowrap' }, formatTime(r.requested_at, lang()) || '—'),
      h('td', { 'data-label': t(cols[4]), class: 'nowrap' }, r.arrive_by ?? '—'),
      h('td', { 'data-label': t(cols[5]), class: 'num' }, fmtInt((r.lines ?? []).reduce((s, l) => s + (l.quantity ?? 0), 0))))))));
}

// ---- tax breakdown (shared with the quote calculator) ------------------------------------------

let rulesCache: Promise<Map<number, RuleRow>> | null = null;
function rulesById(): Promise<Map<number, RuleRow>> {
  if (!rulesCache) {
    rulesCache = getJson<unknown>('/customs/rules').then((d) => new Map(itemsOf<RuleRow>(d).map((r) => [r.id, r])))
      .catch(() => { rulesCache = null; return new Map(); });
  }
  return rulesCache;
}

function ruleItem(ref: number | RuleRef, known: Map<number, RuleRow>): HTMLElement {
  const r: RuleRef | undefined = typeof ref === 'number' ? known.get(ref) : ref;
  const id = typeof ref === 'number' ? ref : ref.id;
  if (!r) return h('li', { testid: 'rule-used', 'data-rule-id': id }, `#${id}`);
  return h('li', { testid: 'rule-used', 'data-rule-id': id, 'data-kind': r.kind ?? '' },
    h('span', { class: 'rule-kind' }, r.kind ? tDynamic(`ruleKind.${r.kind}`, r.kind) : `#${id}`),
    r.key ? ` [${r.key}]` : '', ` ${ruleValue(r)}`,
    h('span', { class: 'muted small' }, ` · ${validity(r.valid_from, r.valid_to)}${r.source ? ` · ${r.source}` : ''}`));
}

/** Per-line breakdown (dutiable, tariff, CT, VAT with their rates, rules used) and the totals. */
export async function taxBreakdown(quote: TaxQuote, order?: Order): Promise<HTMLElement> {
  const needsRules = quote.lines.some((l) => (l.rules_used ?? []).some((r) => typeof r === 'number'));
  const known = needsRules ? await rulesById() : new Map<number, RuleRow>();
  for (const r of quote.rules ?? []) known.set(r.id, r as RuleRow);
  const lineName = (l: TaxLine, i: number) => {
    const ref = l.line_no ?? l.ref ?? String(i + 1);
    const match = order?.lines?.find((x) => String(x.line_no) === String(ref) || String(x.id) === String(ref));
    return match ? `${match.line_no} · ${match.sku_code ?? ''}` : String(ref);
  };
  const rate = (r?: string) => (r === undefined || r === null || r === '' ? '' : ` × ${r}`);
  const cols = ['po.line', 'ord.dutiable', 'ord.tariff', 'ord.ct', 'ord.vat', 'ord.lineTax', 'ord.rulesUsed'] as const;
  const total = quote.total_tax ?? quote.total;
  return h('div', { class: 'tax-breakdown', testid: 'tax-breakdown', 'data-channel': quote.channel },
    h('p', { class: 'tax-channel' },
      h('span', { class: `badge channel-${quote.channel}`, testid: 'tax-channel', 'data-value': quote.channel }, tDynamic(`customsChannel.${quote.channel}`, quote.channel)),
      quote.tax_share ? h('span', { class: 'muted small', testid: 'tax-share' }, ` ${t('ord.taxShare', { share: quote.tax_share })}`) : null),
    (quote.reasons ?? []).length ? h('ul', { class: 'form-message error plain-list', testid: 'tax-reasons' }, (quote.reasons ?? []).map((r) => h('li', { testid: 'tax-reason' }, r))) : null,
    h('div', { class: 'table-box' }, h('table', { class: 'list tax-table', testid: 'tax-table' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c === 'ord.rulesUsed' || c === 'po.line' ? null : 'num' }, t(c))))),
      h('tbody', {}, quote.lines.map((l, i) => h('tr', {
        testid: 'tax-line', 'data-ref': l.line_no ?? l.ref ?? i + 1, 'data-dutiable': l.dutiable ?? '', 'data-tariff': l.tariff ?? '',
        'data-ct': l.consumption_tax ?? '', 'data-vat': l.vat ?? '', 'data-total': l.total ?? l.total_tax ?? '',
      },
        h('td', { 'data-label': t(cols[0]) }, lineName(l, i)),
        h('td', { 'data-label': t(cols[1]), class: 'num' }, money(l.dutiable), l.unit_price ? h('div', { class: 'muted small' }, t('ord.unitPrice', { p: l.unit_price })) : null),
        h('td', { 'data-label': t(cols[2]), class: 'num' }, money(l.tariff), h('div', { class: 'muted small' }, rate(l.tariff_rate))),
        h('td', { 'data-label': t(cols[3]), class: 'num' }, money(l.consumption_tax), h('div', { class: 'muted small' }, rate(l.consumption_tax_rate))),
        h('td', { 'data-label': t(cols[4]), class: 'num' }, money(l.vat), h('div', { class: 'muted small' }, rate(l.vat_rate))),
        h('td', { 'data-label': t(cols[5]), class: 'num strong' }, money(l.total ?? l.total_tax)),
        h('td', { 'data-label': t(cols[6]), class: 'rules-cell' },
          h('ul', { class: 'plain-list compact' }, (l.rules_used ?? []).map((r) => ruleItem(r, known))),
          (l.notes ?? []).length ? h('ul', { class: 'plain-list compact muted small' }, (l.notes ?? []).map((n) => h('li', { testid: 'tax-note' }, n))) : null)))),
      h('tfoot', {}, h('tr', { class: 'total-row', testid: 'tax-totals' },
        h('th', { scope: 'row' }, t('po.total')),
        h('td', { class: 'num', 'data-label': t(cols[1]) }, money(quote.dutiable)),
        h('td', { class: 'num', 'data-label': t(cols[2]) }, money(quote.tariff)),
        h('td', { class: 'num', 'data-label': t(cols[3]) }, money(quote.consumption_tax)),
        h('td', { class: 'num', 'data-label': t(cols[4]) }, money(quote.vat)),
        h('td', { class: 'num strong', 'data-label': t(cols[5]), testid: 'tax-total', 'data-value': total ?? '' }, money(total)),
        h('td', {}))))));
}

// ---- the three documents and the declaration list ----------------------------------------------

const DOC_KINDS = ['order', 'payment', 'waybill', 'list'] as const;
const DOC_FIELD_ORDER = [
  'list_no', 'order_no', 'payment_no', 'waybill_no', 'trade_mode', 'ems_no', 'buyer', 'payer', 'buyer_phone', 'consignee',
  'weight_g', 'goods', 'freight', 'insurance', 'discount', 'tax', 'paid', 'amount',
];
const PERSON_FIELD_ORDER = ['name', 'id_type', 'id_number'];

function docValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A document as label/value rows; nested objects (buyer, payer) flattened, lines as a small table. */
function docBody(doc: Doc | undefined): HTMLElement {
  if (!doc) return h('p', { class: 'empty', testid: 'doc-missing' }, t('ord.docMissing'));
  const rows: HTMLElement[] = [];
  let lines: Record<string, unknown>[] | null = null;
  // The server's JSON objects come with their keys sorted; show the documents' fields in the
  // order a customs officer reads them (numbers, parties, amounts), anything else after.
  const rank = (k: string) => { const i = DOC_FIELD_ORDER.indexOf(k); return i < 0 ? DOC_FIELD_ORDER.length : i; };
  const entries = Object.entries(doc).sort(([a], [b]) => rank(a) - rank(b));
  for (const [k, v] of entries) {
    if (Array.isArray(v)) {
      if (k === 'lines') lines = v as Record<string, unknown>[];
      continue;
    }
    if (v && typeof v === 'object') {
      const person = Object.entries(v as Record<string, unknown>)
        .sort(([a], [b]) => (PERSON_FIELD_ORDER.indexOf(a) + 99) % 99 - (PERSON_FIELD_ORDER.indexOf(b) + 99) % 99);
      for (const [k2, v2] of person) {
        rows.push(h('dt', {}, `${tDynamic(`doc.${k}`, k)} · ${tDynamic(`doc.${k2}`, k2)}`), h('dd', { 'data-key': `${k}.${k2}` }, docValue(v2)));
      }
    } else {
      rows.push(h('dt', {}, tDynamic(`doc.${k}`, k)), h('dd', { 'data-key': k }, docValue(v)));
    }
  }
  // Lines as a short list: "SKU × qty" then the other fields.
  let linesList: HTMLElement | null = null;
  if (lines && lines.length) {
    linesList = h('ol', { class: 'doc-lines', testid: 'doc-lines' }, lines.map((l) => h('li', {},
      h('strong', {}, `${docValue(l.sku_code ?? l.name)} × ${docValue(l.quantity)}`),
      h('div', { class: 'muted' }, Object.entries(l).filter(([k]) => k !== 'sku_code' && k !== 'quantity')
        .map(([k, v]) => `${tDynamic(`doc.${k}`, k)} ${docValue(v)}`).join(' · ')))));
  }
  return h('div', {}, h('dl', { class: 'summary doc-fields' }, rows), linesList);
}

function declarationDocs(d: DeclarationDocs): HTMLElement {
  const checks = d.checks ?? [];
  const failedDocs = new Set<string>();
  for (const c of checks) if (!c.passed) for (const k of CHECK_DOCS[c.check] ?? []) failedDocs.add(k);
  const failed = checks.filter((c) => !c.passed).length;
  return h('div', { class: 'panel declaration', testid: 'declaration', 'data-list-no': d.list_no, 'data-state': d.state, 'data-failed': failed },
    h('div', { class: 'declaration-head' },
      h('h3', {}, h('span', { class: 'code' }, d.list_no), ' ', badge('declState', d.state, 'declaration-state')),
      h('span', { class: 'muted small' }, [d.shipment_ref, d.signing_key ? t('ord.signingKey', { key: d.signing_key }) : ''].filter(Boolean).join(' · ')),
      d.reason ? h('p', { class: 'form-message error', testid: 'declaration-reason' }, d.reason) : null),
    h('div', { class: 'doc-grid', testid: 'doc-grid' }, DOC_KINDS.map((k) => h('section', {
      class: `doc${failedDocs.has(k) ? ' doc-failed' : ''}`, testid: `doc-${k}`, 'data-failed': failedDocs.has(k) ? 'true' : 'false',
    },
      h('h4', {}, t(`ord.doc.${k}` as 'ord.doc.order')),
      docBody(d[k])))),
    checksTable(checks),
    receiptsList(d));
}

function checksTable(checks: DocCheck[]): HTMLElement {
  const cols = ['ord.check', 'ord.result', 'ord.checkDetail'] as const;
  return h('div', { class: 'checks' },
    h('h4', {}, t('ord.checksTitle')),
    checks.length ? h('table', { class: 'list checks-table', testid: 'checks-table' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
      h('tbody', {}, checks.map((c) => h('tr', {
        testid: 'doc-check', 'data-check': c.check, 'data-passed': c.passed ? 'true' : 'false', class: c.passed ? 'check-passed' : 'check-failed',
      },
        h('td', { 'data-label': t(cols[0]) }, tDynamic(`check.${c.check}`, c.check), h('div', { class: 'muted small' }, (CHECK_DOCS[c.check] ?? []).map((k) => t(`ord.doc.${k}` as 'ord.doc.order')).join(' ↔ '))),
        h('td', { 'data-label': t(cols[1]) }, h('span', { class: `badge check-${c.passed ? 'passed' : 'failed'}`, testid: 'check-result' }, c.passed ? `✓ ${t('ord.passed')}` : `✗ ${t('ord.failed')}`)),
        h('td', { 'data-label': t(cols[2]), class: 'check-detail' }, c.detail || '—'))))) : h('p', { class: 'empty' }, t('ord.noChecks')));
}

function receiptsList(d: DeclarationDocs): HTMLElement {
  const receipts = d.receipts ?? [];
  return h('div', { class: 'receipts', testid: 'receipts' },
    h('h4', {}, t('ord.receipts')),
    receipts.length ? h('ol', { class: 'plain-list' }, receipts.map((r) => h('li', { testid: 'receipt', 'data-kind': r.kind },
      badge('receiptKind', r.kind), ' ', h('time', { datetime: r.at, class: 'muted small' }, formatTime(r.at, lang())),
      ` · ${r.receipt_id}`, r.reason ? h('span', {}, ` — ${r.reason}`) : null))) : h('p', { class: 'empty small' }, t('ord.noReceipts')));
}
