// Parcels: the list (warehouse, order and state filters, paging, newest first) and one parcel
// with its SSCC, contents and the shipping handover (carrier, waybill no.).

import { getJson, postJson, type Entity, type Page } from '../api';
import { formatTime, h, replaceChildren } from '../dom';
import { describeError } from '../form';
import { lang, t, tDynamic } from '../i18n';
import { lotLabel } from '../inventory';
import { badge, boxError, clearFieldErrors, field, fmtInt, loadingBox, messageBox, pageOf, pager, recordCode, recordPicker, setFieldError, showApiError } from '../kit';
import { href, navigate } from '../router';
import { keyPerBody, PARCEL_STATES, type Parcel } from '../warehouse';
import { warehouseTabs } from './warehouse-ops';

const PAGE = 50;

/** An SSCC in its 18 digits, grouped for reading (extension · company prefix and serial · check digit). */
export function ssccText(sscc: string): string {
  return /^\d{18}$/.test(sscc) ? `(00) ${sscc.slice(0, 1)} ${sscc.slice(1, 17)} ${sscc.slice(17)}` : sscc;
}

/** Parcels as a table (the list page, and a pick task's parcels). */
export function parcelsTable(items: Parcel[]): HTMLElement {
  const cols = ['wo.sscc', 'wo.orderRef', 'wo.parcelState', 'po.warehouse', 'wo.parcelLines', 'wo.weight', 'wo.carrier', 'wo.packed'] as const;
  return h('table', { class: 'list', testid: 'parcels-table' },
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
    h('tbody', {}, items.map((p) => {
      const link = href(['warehouse', 'parcels', p.id]);
      const row = h('tr', { testid: 'parcel-row', 'data-id': p.id, 'data-sscc': p.sscc, 'data-state': p.state, 'data-order': p.order_ref },
        h('td', { 'data-label': t(cols[0]) }, h('a', { href: link, testid: 'row-link', class: 'code' }, p.sscc)),
        h('td', { 'data-label': t(cols[1]) }, p.order_ref || '—'),
        h('td', { 'data-label': t(cols[2]) }, badge('parcelState', p.state, 'parcel-state')),
        h('td', { 'data-label': t(cols[3]) }, recordCode('warehouses', p.warehouse_id)),
        h('td', { 'data-label': t(cols[4]), class: 'num' }, fmtInt((p.lines ?? []).reduce((s, l) => s + l.quantity, 0))),
        h('td', { 'data-label': t(cols[5]), class: 'num' }, p.weight_grams ? fmtInt(p.weight_grams) : '—'),
        h('td', { 'data-label': t(cols[6]) }, p.carrier_id ? [recordCodeOf('carriers', p.carrier_id), p.waybill_no ? ` · ${p.waybill_no}` : ''] : '—'),
        h('td', { 'data-label': t(cols[7]), class: 'nowrap' }, formatTime(p.created_at, lang())));
      row.addEventListener('click', (ev) => { if (!(ev.target as Element).closest('a')) navigate(link); });
      return row;
    })));
}

/** A carrier's code once loaded (carriers are master records, read by id). */
function recordCodeOf(path: 'carriers', id: number): HTMLElement {
  const el = h('span', { class: 'ref', 'data-id': id }, `#${id}`);
  void getJson<Entity>(`/${path}/${id}`).then((r) => { el.textContent = r.code; }).catch(() => {});
  return el;
}

export function renderParcels(query: URLSearchParams): HTMLElement {
  const { offset, limit } = pageOf(query, PAGE);
  const warehouseId = Number(query.get('warehouse_id')) || null;
  const orderRef = query.get('order_ref') ?? '';
  const state = query.get('state') ?? '';

  const warehouse = recordPicker({ path: 'warehouses', id: 'parcel-filter-warehouse', testid: 'filter-warehouse', value: warehouseId, empty: t('list.any') });
  const order = h('input', { type: 'search', id: 'parcel-filter-order', testid: 'filter-order', value: orderRef, autocomplete: 'off' });
  const stateSel = h('select', { id: 'parcel-filter-state', testid: 'filter-state' },
    h('option', { value: '' }, t('list.any')), PARCEL_STATES.map((s) => h('option', { value: s }, tDynamic(`parcelState.${s}`, s))));
  stateSel.value = state;
  const params = (o: number) => ({
    warehouse_id: warehouse.value(), order_ref: order.value.trim() || null, state: stateSel.value || null, offset: o || null, limit: limit !== PAGE ? limit : null,
  });
  const toolbar = h('form', { class: 'toolbar filters', testid: 'parcel-filters' },
    field('warehouse_id', t('po.warehouse'), warehouse.element, { input: warehouse.select }),
    field('order_ref', t('wo.orderRef'), order),
    field('state', t('wo.parcelState'), stateSel),
    h('div', { class: 'toolbar-actions' },
      h('button', { type: 'submit', class: 'btn', testid: 'parcel-filter' }, t('list.searchBtn')),
      h('a', { class: 'btn ghost', href: href(['warehouse', 'parcels']), testid: 'list-reset' }, t('list.reset'))));
  toolbar.addEventListener('submit', (ev) => { ev.preventDefault(); navigate(href(['warehouse', 'parcels'], params(0))); });
  for (const sel of [warehouse.select, stateSel]) sel.addEventListener('change', () => navigate(href(['warehouse', 'parcels'], params(0))));

  const box = loadingBox('parcels-body');
  const pages = pager(offset, limit, (o) => navigate(href(['warehouse', 'parcels'], {
    warehouse_id: warehouseId, order_ref: orderRef || null, state: state || null, offset: o || null, limit: limit !== PAGE ? limit : null,
  })));

  void (async () => {
    try {
      const data = await getJson<Page<Parcel>>('/parcels', { warehouse_id: warehouseId, order_ref: orderRef || null, state: state || null, limit, offset });
      const items = data.items ?? [];
      const total = typeof data.total === 'number' ? data.total : items.length;
      replaceChildren(box, items.length ? parcelsTable(items) : h('p', { class: 'empty', testid: 'list-empty' }, t('wo.noParcels')));
      pages.show(items.length, total);
    } catch (err) {
      boxError(box, err);
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  })();

  return h('section', { class: 'page wh-page', testid: 'page-parcels' },
    warehouseTabs('parcels'),
    h('div', { class: 'page-head' }, h('h1', {}, t('wo.parcelsTitle'))),
    h('div', { class: 'panel' }, toolbar),
    box,
    pages.element);
}

export function renderParcelDetail(id: string): HTMLElement {
  const body = h('div', { class: 'parcel-body', testid: 'parcel-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('list.loading')));
  const path = `/parcels/${encodeURIComponent(id)}`;
  const page = h('section', { class: 'page wh-page', testid: 'page-parcel-detail' },
    warehouseTabs('parcels'),
    h('a', { class: 'back', href: href(['warehouse', 'parcels']), testid: 'back-to-list' }, `‹ ${t('detail.back')}`),
    body);

  async function load(notice?: string): Promise<void> {
    body.setAttribute('aria-busy', 'true');
    try {
      show(await getJson<Parcel>(path), notice);
    } catch (err) {
      replaceChildren(body, h('p', { class: 'form-message error', role: 'alert', testid: 'detail-error' }, describeError(err)));
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
  }

  function show(p: Parcel, notice?: string): void {
    const msg = messageBox('parcel-message');
    if (notice) msg.show(notice, 'ok');
    const fact = (label: string, value: Node | string, testid?: string) =>
      h('div', { class: 'fact' }, h('span', { class: 'muted small' }, label), h('span', { testid: testid ?? null }, value));
    const summary = h('div', { class: 'panel task-facts', testid: 'parcel-summary' },
      fact(t('wo.sscc'), h('span', { class: 'code', 'data-value': p.sscc }, ssccText(p.sscc)), 'parcel-sscc'),
      fact(t('wo.orderRef'), p.order_ref || '—', 'parcel-order'),
      fact(t('po.warehouse'), recordCode('warehouses', p.warehouse_id, true)),
      fact(t('wo.packBin'), recordCode('bins', p.pack_bin_id)),
      fact(t('wo.weight'), p.weight_grams ? fmtInt(p.weight_grams) : '—'),
      fact(t('wo.packed'), formatTime(p.created_at, lang())),
      p.carrier_id ? fact(t('wo.carrier'), recordCodeOf('carriers', p.carrier_id), 'parcel-carrier') : null,
      p.waybill_no ? fact(t('wo.waybill'), p.waybill_no, 'parcel-waybill') : null,
      p.shipped_at ? fact(t('wo.shippedAt'), formatTime(p.shipped_at, lang())) : null);
    const cols = ['risk.sku', 'inv.lot', 'inv.owner', 'po.quantity'] as const;
    const lines = h('div', { class: 'panel' }, h('h2', {}, t('wo.parcelLines')), h('div', { class: 'table-box' }, h('table', { class: 'list', testid: 'parcel-lines' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
      h('tbody', {}, (p.lines ?? []).map((l) => h('tr', { testid: 'parcel-line', 'data-sku-id': l.sku_id, 'data-lot-id': l.lot_id, 'data-quantity': l.quantity },
        h('td', { 'data-label': t(cols[0]) }, recordCode('skus', l.sku_id)),
        h('td', { 'data-label': t(cols[1]) }, l.lot_id ? lotLabel(l.lot_id) : '—'),
        h('td', { 'data-label': t(cols[2]) }, l.owner),
        h('td', { 'data-label': t(cols[3]), class: 'num' }, fmtInt(l.quantity))))))));
    replaceChildren(body,
      h('div', { class: 'page-head' },
        h('h1', {}, h('span', { class: 'code', testid: 'parcel-code' }, p.sscc), ' ', badge('parcelState', p.state, 'parcel-state'))),
      msg.element,
      h('div', { class: 'task-main' }, summary, lines, p.state === 'packed' ? shipForm() : null));
  }

  function shipForm(): HTMLElement {
    const msg = messageBox('ship-message');
    const keyOf = keyPerBody();
    const carrier = h('select', { id: 'ship-carrier', testid: 'ship-carrier', 'aria-busy': 'true' }, h('option', { value: '' }, t('wo.chooseCarrier')));
    void getJson<Page<Entity>>('/carriers', { status: 'active', limit: 200 }).then((d) => {
      carrier.append(...(d.items ?? []).map((c) => h('option', { value: c.id, 'data-code': c.code }, `${c.code} — ${c.name}`)));
    }).catch((err) => { msg.show(describeError(err), 'error'); }).finally(() => carrier.setAttribute('aria-busy', 'false'));
    const waybill = h('input', { type: 'text', id: 'ship-waybill', testid: 'ship-waybill', autocomplete: 'off', maxlength: 64 });
    const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'ship-submit' }, t('wo.ship'));
    const form = h('form', { class: 'ship-form', testid: 'ship-form', novalidate: true },
      h('div', { class: 'form-grid' },
        field('carrier_id', t('wo.carrier'), carrier, { required: true }),
        field('waybill_no', t('wo.waybill'), waybill)),
      msg.element,
      h('div', { class: 'form-actions' }, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      msg.hide();
      if (!carrier.value) { setFieldError(form, 'carrier_id', t('form.required')); msg.show(t('form.fixErrors'), 'error'); return; }
      const req = { carrier_id: Number(carrier.value), waybill_no: waybill.value.trim() };
      submit.disabled = true;
      try {
        const shipped = await postJson<Parcel>(`${path}/ship`, req, { 'Idempotency-Key': keyOf(req) });
        await load(t('wo.shippedOk', { sscc: shipped.sscc }));
      } catch (err) {
        showApiError(form, msg, err);
        submit.disabled = false;
      }
    });
    return h('div', { class: 'panel', testid: 'ship-panel' }, h('h2', {}, t('wo.shipTitle')), h('p', { class: 'muted small' }, t('wo.shipLead')), form);
  }

  void load();
  return page;
}
