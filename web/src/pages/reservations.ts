// Reservations: the list (warehouse, SKU, order and state filters, paging) with release and
// confirm, and a form that reserves stock for an order (FEFO over the lots; refused beyond the
// reservable quantity). The form sends an Idempotency-Key; a retry after a lost answer reuses it.

import { ApiError, getJson, postJson, type Entity, type Page } from '../api';
import { formatTime, h, replaceChildren } from '../dom';
import { describeError } from '../form';
import { lang, t, tDynamic } from '../i18n';
import { OWN_STOCK, RESERVATION_STATES, lotLabel, newKey, parseQty, type Reservation } from '../inventory';
import {
  badge, boxError, clearFieldErrors, field, fmtInt, loadingBox, messageBox, pageOf, pager, recordCode, recordPicker,
  setFieldError, showApiError,
} from '../kit';
import { href, navigate } from '../router';
import { inventoryTabs } from './inventory';
import { cardLink } from './stock';

const PAGE = 50;

function reserveForm(onDone: (r: Reservation) => void): HTMLElement {
  const msg = messageBox('reserve-message');
  const warehouse = recordPicker({ path: 'warehouses', id: 'reserve-warehouse', testid: 'reserve-warehouse' });
  const sku = recordPicker({ path: 'skus', id: 'reserve-sku', testid: 'reserve-sku' });
  const owner = h('input', { type: 'text', id: 'reserve-owner', testid: 'reserve-owner', value: OWN_STOCK, autocomplete: 'off' });
  const quantity = h('input', { type: 'text', inputmode: 'numeric', id: 'reserve-quantity', testid: 'reserve-quantity', class: 'num', autocomplete: 'off' });
  const order = h('input', { type: 'text', id: 'reserve-order', testid: 'reserve-order', autocomplete: 'off' });
  const minDays = h('input', { type: 'text', inputmode: 'numeric', id: 'reserve-min-days', testid: 'reserve-min-days', class: 'num', autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'reserve-submit' }, t('res.reserve'));
  // One key per reservation attempt: kept while the answer is unknown, new after any answer.
  let key = newKey('web-');
  const form = h('form', { class: 'reserve-form', testid: 'reserve-form', novalidate: true },
    h('div', { class: 'form-grid' },
      field('warehouse_id', t('po.warehouse'), warehouse.element, { input: warehouse.select, required: true }),
      field('sku_id', t('risk.sku'), sku.element, { input: sku.select, required: true }),
      field('owner', t('inv.owner'), owner, { required: true }),
      field('quantity', t('po.quantity'), quantity, { required: true }),
      field('order_ref', t('res.order'), order, { required: true }),
      field('min_remaining_days', t('res.minDays'), minDays, { hint: t('res.minDaysHint') })),
    msg.element,
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.hide();
    const errors: [string, string][] = [];
    const qty = parseQty(quantity.value);
    if (!warehouse.value()) errors.push(['warehouse_id', t('form.required')]);
    if (!sku.value()) errors.push(['sku_id', t('form.required')]);
    if (!owner.value.trim()) errors.push(['owner', t('form.required')]);
    if (qty === null) errors.push(['quantity', t('po.quantityInvalid')]);
    if (!order.value.trim()) errors.push(['order_ref', t('form.required')]);
    const days = minDays.value.trim() ? parseQty(minDays.value, false) : null;
    if (minDays.value.trim() && (days === null || days < 0)) errors.push(['min_remaining_days', t('form.int')]);
    if (errors.length) {
      for (const [name, text] of errors) setFieldError(form, name, text);
      msg.show(t('form.fixErrors'), 'error');
      return;
    }
    submit.disabled = true;
    try {
      const body: Record<string, unknown> = {
        warehouse_id: warehouse.value(), sku_id: sku.value(), owner: owner.value.trim(), quantity: qty, order_ref: order.value.trim(),
      };
      if (days !== null) body.min_remaining_days = days;
      const r = await postJson<Reservation>('/reservations', body, { 'Idempotency-Key': key });
      key = newKey('web-');
      msg.show(t('res.reserved', { n: r.quantity ?? qty ?? 0, id: r.id }), 'ok');
      onDone(r);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status === 0 || err.status >= 500) {
        // The answer is unknown: the same key again cannot reserve twice.
        msg.show(`${describeError(err)} ${t('res.retrySafe')}`, 'error');
      } else {
        key = newKey('web-');
        showApiError(form, msg, err);
      }
    } finally {
      submit.disabled = false;
    }
  });
  return h('details', { class: 'panel reserve-panel', testid: 'reserve-panel' },
    h('summary', { testid: 'reserve-open' }, h('strong', {}, t('res.newTitle'))),
    h('p', { class: 'muted small' }, t('res.newLead')),
    form);
}

export function renderReservations(query: URLSearchParams): HTMLElement {
  const { offset, limit } = pageOf(query, PAGE);
  const warehouseId = Number(query.get('warehouse_id')) || null;
  const skuId = Number(query.get('sku_id')) || null;
  const orderRef = query.get('order_ref') ?? '';
  const state = query.get('state') ?? '';

  const warehouse = recordPicker({ path: 'warehouses', id: 'res-filter-warehouse', testid: 'filter-warehouse', value: warehouseId, empty: t('list.any') });
  const sku = recordPicker({ path: 'skus', id: 'res-filter-sku', testid: 'filter-sku', value: skuId, empty: t('list.any') });
  const order = h('input', { type: 'text', id: 'res-filter-order', testid: 'filter-order', value: orderRef, autocomplete: 'off' });
  const stateSel = h('select', { id: 'res-filter-state', testid: 'filter-state' },
    h('option', { value: '' }, t('list.any')),
    RESERVATION_STATES.map((s) => h('option', { value: s }, tDynamic(`resState.${s}`, s))));
  stateSel.value = state;
  const params = (o: number) => ({
    warehouse_id: warehouse.value(), sku_id: sku.value(), order_ref: order.value.trim() || null, state: stateSel.value || null,
    offset: o || null, limit: limit !== PAGE ? limit : null,
  });
  const go = (o: number) => navigate(href(['inventory', 'reservations'], params(o)));
  const toolbar = h('form', { class: 'toolbar filters', testid: 'res-filters' },
    field('warehouse_id', t('po.warehouse'), warehouse.element, { input: warehouse.select }),
    field('sku_id', t('risk.sku'), sku.element, { input: sku.select }),
    field('order_ref', t('res.order'), order),
    field('state', t('inv.state'), stateSel),
    h('div', { class: 'toolbar-actions' },
      h('button', { type: 'submit', class: 'btn primary', testid: 'res-filter' }, t('ranking.show')),
      h('a', { class: 'btn ghost', href: href(['inventory', 'reservations']), testid: 'list-reset' }, t('list.reset'))));
  toolbar.addEventListener('submit', (ev) => { ev.preventDefault(); go(0); });
  for (const sel of [warehouse.select, sku.select, stateSel]) sel.addEventListener('change', () => go(0));

  const msg = messageBox('reservations-message');
  const box = loadingBox('res-body');
  const pages = pager(offset, limit, (o) => navigate(href(['inventory', 'reservations'], {
    warehouse_id: warehouseId, sku_id: skuId, order_ref: orderRef, state, offset: o || null, limit: limit !== PAGE ? limit : null,
  })));

  const act = (r: Reservation, action: 'confirm' | 'release') => {
    const b = h('button', { type: 'button', class: `btn small${action === 'release' ? ' danger' : ''}`, testid: `reservation-${action}` },
      t(action === 'confirm' ? 'res.confirm' : 'res.release'));
    b.addEventListener('click', async () => {
      if (action === 'release' && !window.confirm(t('res.releaseConfirm', { id: r.id, order: r.order_ref }))) return;
      b.disabled = true;
      try {
        await postJson<Reservation>(`/reservations/${r.id}/${action}`, {});
        msg.show(t(action === 'confirm' ? 'res.confirmedOk' : 'res.releasedOk', { id: r.id, order: r.order_ref }), 'ok');
        await load();
      } catch (err) {
        msg.show(describeError(err), 'error');
        b.disabled = false;
      }
    });
    return b;
  };

  // Picking: with one warehouse in view, active reservations can be chosen for a pick task.
  const chosen = new Set<number>();
  const staging = h('select', { id: 'pick-staging', testid: 'pick-staging' }, h('option', { value: '' }, t('picker.choose')));
  const pickMsg = messageBox('pick-message');
  const pickBtn = h('button', { type: 'button', class: 'btn primary', testid: 'pick-create', disabled: true }, t('res.createPick'));
  const pickCount = h('span', { class: 'muted small', testid: 'pick-count' }, t('res.chosen', { n: 0 }));
  const pickPanel = warehouseId ? h('div', { class: 'panel pick-panel', testid: 'pick-panel' },
    h('h2', {}, t('res.pickTitle')),
    h('p', { class: 'muted small' }, t('res.pickLead')),
    h('div', { class: 'toolbar filters' }, field('staging_bin_id', t('res.staging'), staging), h('div', { class: 'toolbar-actions' }, pickBtn, pickCount)),
    pickMsg.element) : null;
  const updatePick = () => {
    pickBtn.disabled = !chosen.size || !staging.value;
    pickCount.textContent = t('res.chosen', { n: chosen.size });
  };
  staging.addEventListener('change', updatePick);
  pickBtn.addEventListener('click', async () => {
    pickBtn.disabled = true;
    try {
      const task = await postJson<{ id: number }>('/tasks/pick', { warehouse_id: warehouseId, staging_bin_id: Number(staging.value), reservation_ids: [...chosen] });
      navigate(href(['warehouse', 'tasks', task.id]));
    } catch (err) {
      pickMsg.show(describeError(err), 'error');
      updatePick();
    }
  });
  if (warehouseId) {
    void getJson<Page<Entity>>(`/warehouses/${warehouseId}/bins`, { limit: 500 }).then((bins) => {
      const items = bins.items ?? [];
      // Shipping bins first: that is where picked goods are staged.
      items.sort((a, b) => Number(b.kind === 'shipping') - Number(a.kind === 'shipping') || a.code.localeCompare(b.code));
      staging.append(...items.map((b) => h('option', { value: b.id, 'data-code': b.code }, `${b.code} · ${tDynamic(`opt.kind.${String(b.kind)}`, String(b.kind ?? ''))}`)));
    }).catch((err) => pickMsg.show(describeError(err), 'error'));
  }
  const chooser = (r: Reservation) => {
    if (!warehouseId || r.state !== 'active') return null;
    const box = h('input', { type: 'checkbox', testid: 'reservation-select', 'aria-label': t('res.choose', { id: r.id }) });
    box.checked = chosen.has(r.id);
    box.addEventListener('change', () => { if (box.checked) chosen.add(r.id); else chosen.delete(r.id); updatePick(); });
    return box;
  };

  async function load(): Promise<void> {
    box.setAttribute('aria-busy', 'true');
    try {
      const data = await getJson<Page<Reservation>>('/reservations', { warehouse_id: warehouseId, sku_id: skuId, order_ref: orderRef, state, limit, offset });
      const items = data.items ?? [];
      const total = typeof data.total === 'number' ? data.total : items.length;
      const cols = ['res.id', 'res.order', 'po.warehouse', 'risk.sku', 'inv.owner', 'po.quantity', 'res.lots', 'inv.state', 'res.expires', 'res.actions'] as const;
      replaceChildren(box, items.length ? h('table', { class: 'list', testid: 'res-table' },
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c === 'po.quantity' ? 'num' : null }, t(c))))),
        h('tbody', {}, items.map((r) => {
          const picked = (r.lines ?? []).reduce((s, l) => s + (l.picked ?? 0), 0);
          return h('tr', { testid: 'reservation-row', 'data-id': r.id, 'data-state': r.state, 'data-order': r.order_ref, 'data-quantity': r.quantity },
            h('td', { 'data-label': t(cols[0]) }, h('label', { class: 'check inline-check' }, chooser(r), `#${r.id}`)),
            h('td', { 'data-label': t(cols[1]), class: 'nowrap' }, r.order_ref),
            h('td', { 'data-label': t(cols[2]) }, recordCode('warehouses', r.warehouse_id)),
            h('td', { 'data-label': t(cols[3]) }, cardLink(r.sku_id, r.warehouse_id, r.owner)),
            h('td', { 'data-label': t(cols[4]) }, r.owner),
            h('td', { 'data-label': t(cols[5]), class: 'num' }, fmtInt(r.quantity), picked ? h('div', { class: 'muted small' }, t('res.picked', { n: picked })) : null),
            h('td', { 'data-label': t(cols[6]) }, h('ul', { class: 'plain-list compact' }, (r.lines ?? []).map((l) => h('li', { testid: 'reservation-line', 'data-lot-id': l.lot_id, 'data-quantity': l.quantity },
              l.lot_id ? lotLabel(l.lot_id) : t('inv.noLot'), ` × ${fmtInt(l.quantity)}`)))),
            h('td', { 'data-label': t(cols[7]) }, badge('resState', r.state, 'reservation-state')),
            h('td', { 'data-label': t(cols[8]), class: 'nowrap' }, r.state === 'active' ? (r.expires_at ? formatTime(r.expires_at, lang()) : t('res.confirmedNoExpiry')) : '—'),
            h('td', { 'data-label': t(cols[9]), class: 'row-actions' },
              r.state === 'active' && r.expires_at ? act(r, 'confirm') : null,
              r.state === 'active' ? act(r, 'release') : null));
        }))) : h('p', { class: 'empty', testid: 'list-empty' }, t('res.none')));
      pages.show(items.length, total);
    } catch (err) {
      boxError(box, err);
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  }
  void load();

  return h('section', { class: 'page inv-page', testid: 'page-reservations' },
    inventoryTabs('reservations', query),
    h('div', { class: 'page-head' }, h('h1', {}, t('res.title'))),
    reserveForm(() => void load()),
    h('div', { class: 'panel' }, toolbar),
    msg.element,
    box,
    pages.element,
    pickPanel);
}
