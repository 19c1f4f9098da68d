// Stock overview: balances per bin, lot, owner and state with filters and paging; the summary
// per SKU (on hand, reserved, available, held, picked, inbound, in transit, projected); and the report of
// expired and near-expiry stock. The filters live in the URL, so a view can be linked. Each view
// exports every row of its filters as CSV (`format=csv`), not just the page shown.

import { getJson, getText, type Page } from '../api';
import { h, replaceChildren } from '../dom';
import { describeError } from '../form';
import { t, tDynamic } from '../i18n';
import { STOCK_STATES, lotLabel, rememberLot, type Balance, type ExpiringBalance, type Lot, type StockSummary } from '../inventory';
import { badge, boxError, field, fmtInt, loadingBox, pageOf, pager, recordCode, recordPicker, todayIso } from '../kit';
import { href, navigate } from '../router';
import { inventoryTabs } from './inventory';

export const STOCK_PAGE = 50;

type FilterName = 'warehouse' | 'owner' | 'sku' | 'lot' | 'state' | 'expiry' | 'zero' | 'days' | 'at';

interface Filters {
  element: HTMLFormElement;
  /** The query of the filters as they are now (offset left out: a new filter starts at the top). */
  params: () => Record<string, string | number | null>;
}

const idOf = (query: URLSearchParams, name: string): number | null => {
  const n = Number(query.get(name));
  return Number.isInteger(n) && n > 0 ? n : null;
};

/** The filter bar of the stock views; selects apply at once, typed values on Enter / Show. */
function stockFilters(route: string[], query: URLSearchParams, names: FilterName[]): Filters {
  const has = (n: FilterName) => names.includes(n);
  const fields: HTMLElement[] = [];
  const warehouse = recordPicker({ path: 'warehouses', id: 'stock-filter-warehouse', testid: 'filter-warehouse', value: idOf(query, 'warehouse_id'), empty: t('list.any') });
  const sku = recordPicker({
    path: 'skus', id: 'stock-filter-sku', testid: 'filter-sku', value: idOf(query, 'sku_id'), empty: t('list.any'),
    onChange: (r) => { if (has('lot')) void loadLots(r?.id ?? null); },
  });
  const owner = h('input', { type: 'text', id: 'stock-filter-owner', testid: 'filter-owner', value: query.get('owner') ?? '', placeholder: t('inv.ownerHint'), autocomplete: 'off' });
  const lot = h('select', { id: 'stock-filter-lot', testid: 'filter-lot', disabled: true }, h('option', { value: '' }, t('list.any')));
  const state = h('select', { id: 'stock-filter-state', testid: 'filter-state' },
    h('option', { value: '' }, t('list.any')),
    STOCK_STATES.map((s) => h('option', { value: s }, tDynamic(`stockState.${s}`, s))));
  state.value = query.get('state') ?? '';
  const after = h('input', { type: 'date', id: 'stock-filter-after', testid: 'filter-expires-after', value: query.get('expires_after') ?? '' });
  const before = h('input', { type: 'date', id: 'stock-filter-before', testid: 'filter-expires-before', value: query.get('expires_before') ?? '' });
  const zero = h('input', { type: 'checkbox', id: 'stock-filter-zero', testid: 'filter-include-zero' });
  zero.checked = query.get('include_zero') === 'true';
  const at = h('input', { type: 'date', id: 'stock-filter-at', testid: 'filter-at', value: query.get('at') ?? '', max: todayIso() });
  const days = h('input', { type: 'text', inputmode: 'numeric', id: 'stock-filter-days', testid: 'filter-days', class: 'short', value: query.get('days') ?? '30' });
  const wantedLot = idOf(query, 'lot_id');

  async function loadLots(skuId: number | null): Promise<void> {
    const keepValue = lot.value || (wantedLot ? String(wantedLot) : '');
    lot.disabled = !skuId;
    lot.setAttribute('aria-busy', 'true');
    try {
      const items = skuId ? (await getJson<Page<Lot>>('/lots', { sku_id: skuId, limit: 200 })).items ?? [] : [];
      items.forEach(rememberLot);
      replaceChildren(lot, h('option', { value: '' }, skuId ? t('list.any') : t('inv.lotNeedsSku')),
        items.map((l) => h('option', { value: l.id, 'data-code': l.lot_number }, l.expiry_date ? `${l.lot_number} · ${l.expiry_date}` : l.lot_number)));
      lot.value = items.some((l) => String(l.id) === keepValue) ? keepValue : '';
    } catch {
      lot.disabled = true;
    } finally {
      lot.setAttribute('aria-busy', 'false');
    }
  }
  if (has('lot') && !idOf(query, 'sku_id')) void loadLots(null);

  if (has('warehouse')) fields.push(field('warehouse_id', t('po.warehouse'), warehouse.element, { input: warehouse.select }));
  if (has('sku')) fields.push(field('sku_id', t('risk.sku'), sku.element, { input: sku.select }));
  if (has('lot')) fields.push(field('lot_id', t('inv.lot'), lot));
  if (has('owner')) fields.push(field('owner', t('inv.owner'), owner));
  if (has('state')) fields.push(field('state', t('inv.state'), state));
  if (has('expiry')) {
    fields.push(field('expires_after', t('inv.expiresAfter'), after));
    fields.push(field('expires_before', t('inv.expiresBefore'), before));
  }
  if (has('days')) fields.push(field('days', t('inv.days'), days));
  if (has('at')) fields.push(field('at', t('inv.asOf'), at, { hint: t('inv.asOfHint') }));
  if (has('zero')) fields.push(h('div', { class: 'field field-bool' }, h('label', { class: 'check' }, zero, t('inv.includeZero'))));

  const params = (): Record<string, string | number | null> => {
    const out: Record<string, string | number | null> = {};
    if (has('warehouse')) out.warehouse_id = warehouse.value();
    if (has('sku')) out.sku_id = sku.value();
    if (has('lot')) out.lot_id = sku.value() && lot.value ? lot.value : null;
    if (has('owner')) out.owner = owner.value.trim() || null;
    if (has('state')) out.state = state.value || null;
    if (has('expiry')) { out.expires_after = after.value || null; out.expires_before = before.value || null; }
    if (has('days')) out.days = days.value.trim() || null;
    if (has('at')) out.at = at.value || null;
    if (has('zero')) out.include_zero = zero.checked ? 'true' : null;
    return out;
  };
  const go = () => navigate(href(route, params()));
  const element = h('form', { class: 'toolbar filters', testid: 'stock-filters' },
    fields,
    h('div', { class: 'toolbar-actions' },
      h('button', { type: 'submit', class: 'btn primary', testid: 'stock-filter' }, t('ranking.show')),
      h('a', { class: 'btn ghost', href: href(route), testid: 'list-reset' }, t('list.reset'))));
  element.addEventListener('submit', (ev) => { ev.preventDefault(); go(); });
  // A lot belongs to one SKU: another SKU starts without a lot filter.
  sku.select.addEventListener('change', () => { lot.value = ''; go(); });
  for (const sel of [warehouse.select, lot, state]) sel.addEventListener('change', go);
  zero.addEventListener('change', go);
  return { element, params };
}

/**
 * "Export CSV": downloads every row of `path` with the view's filters (`format=csv`) as `file`;
 * a failure is shown in the returned report.
 */
export function csvExport(path: string, filters: () => Record<string, string | number | null | undefined>, file: string): { button: HTMLButtonElement; report: HTMLElement } {
  const report = h('div', { class: 'csv-report', testid: 'csv-report', hidden: true });
  const button = h('button', { type: 'button', class: 'btn', testid: 'csv-export' }, `⤓ ${t('list.export')}`);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(filters())) {
        if (v !== null && v !== undefined && v !== '' && k !== 'limit' && k !== 'offset') query.set(k, String(v));
      }
      query.set('format', 'csv');
      const { text, type } = await getText(`${path}?${query}`);
      const url = URL.createObjectURL(new Blob([text], { type }));
      const a = h('a', { href: url, download: file, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      report.hidden = true;
    } catch (err) {
      replaceChildren(report, h('p', { class: 'form-message error', role: 'alert', testid: 'csv-error' }, describeError(err)));
      report.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  return { button, report };
}

/** Link to the stock card of a SKU, keeping the warehouse and owner in view. */
export function cardLink(skuId: number, warehouseId?: number | null, owner?: string | null): HTMLAnchorElement {
  return h('a', { href: href(['inventory', 'skus', skuId], { warehouse_id: warehouseId, owner }), testid: 'stock-card-link', 'data-sku-id': skuId },
    recordCode('skus', skuId));
}

export function stateBadge(state: string): HTMLElement {
  return badge('stockState', state, 'stock-state');
}

// ---- balances --------------------------------------------------------------------------------

export function renderStock(query: URLSearchParams): HTMLElement {
  const { offset, limit } = pageOf(query, STOCK_PAGE);
  const filters = stockFilters(['inventory'], query, ['warehouse', 'sku', 'lot', 'owner', 'state', 'expiry', 'at', 'zero']);
  const box = loadingBox('stock-body');
  const asOf = query.get('at') ?? '';
  const current = () => Object.fromEntries(['warehouse_id', 'sku_id', 'lot_id', 'owner', 'state', 'expires_after', 'expires_before', 'include_zero', 'at']
    .map((k) => [k, query.get(k)]));
  const asOfNote = h('p', { class: 'form-message ok', testid: 'stock-as-of', hidden: !asOf }, t('inv.asOfNote', { at: asOf }));
  const pages = pager(offset, limit, (o) => navigate(href(['inventory'], { ...current(), offset: o || null, limit: limit !== STOCK_PAGE ? limit : null })));
  const exporter = asOf ? csvExport('/stock/as-of', current, `stock-as-of-${asOf}.csv`) : csvExport('/stock', current, 'stock.csv');

  void (async () => {
    try {
      // As of a past day: the balances at the end of it.
      const data = asOf
        ? await getJson<Page<Balance>>('/stock/as-of', { ...current(), limit, offset })
        : await getJson<Page<Balance>>('/stock', { ...current(), limit, offset });
      const items = data.items ?? [];
      const total = typeof data.total === 'number' ? data.total : null;
      const cols = ['po.warehouse', 'inv.bin', 'risk.sku', 'inv.lot', 'inv.expiry', 'inv.owner', 'inv.state', 'inv.onHand'] as const;
      replaceChildren(box, items.length ? h('table', { class: 'list', testid: 'stock-table' },
        h('thead', {}, h('tr', {}, cols.map((c, i) => h('th', { scope: 'col', class: i === 7 ? 'num' : null }, t(c))))),
        h('tbody', {}, items.map((b) => h('tr', {
          testid: 'stock-row', 'data-sku-id': b.sku_id, 'data-bin-id': b.bin_id, 'data-lot-id': b.lot_id, 'data-lot': b.lot_number ?? '',
          'data-owner': b.owner, 'data-state': b.state, 'data-on-hand': b.on_hand,
        },
          h('td', { 'data-label': t(cols[0]) }, recordCode('warehouses', b.warehouse_id)),
          h('td', { 'data-label': t(cols[1]) }, recordCode('bins', b.bin_id)),
          h('td', { 'data-label': t(cols[2]) }, cardLink(b.sku_id, b.warehouse_id, b.owner)),
          h('td', { 'data-label': t(cols[3]) }, b.lot_id ? lotLabel(b.lot_id, { lot_number: b.lot_number }) : '—'),
          h('td', { 'data-label': t(cols[4]), class: 'nowrap' }, b.expiry_date ?? '—'),
          h('td', { 'data-label': t(cols[5]) }, b.owner),
          h('td', { 'data-label': t(cols[6]) }, stateBadge(b.state)),
          h('td', { 'data-label': t(cols[7]), class: 'num' }, fmtInt(b.on_hand)))))) : h('p', { class: 'empty', testid: 'list-empty' }, t('inv.noStock')));
      pages.show(items.length, total);
    } catch (err) {
      boxError(box, err);
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  })();

  return h('section', { class: 'page inv-page', testid: 'page-stock', 'data-as-of': asOf },
    inventoryTabs('stock', query),
    h('div', { class: 'page-head' }, h('h1', {}, t('inv.stockTitle')), h('span', { class: 'csv-buttons' }, exporter.button)),
    h('div', { class: 'panel' }, filters.element),
    exporter.report,
    asOfNote,
    box,
    pages.element);
}

// ---- summary per SKU -------------------------------------------------------------------------

export const SUMMARY_FIGURES = ['on_hand', 'reserved', 'available', 'held', 'picked', 'inbound', 'in_transit', 'projected'] as const;

export function renderSummary(query: URLSearchParams): HTMLElement {
  const { offset, limit } = pageOf(query, STOCK_PAGE);
  const filters = stockFilters(['inventory', 'summary'], query, ['warehouse', 'sku', 'owner']);
  const box = loadingBox('summary-body');
  const current = () => ({ warehouse_id: query.get('warehouse_id'), sku_id: query.get('sku_id'), owner: query.get('owner') });
  const pages = pager(offset, limit, (o) => navigate(href(['inventory', 'summary'], { ...current(), offset: o || null, limit: limit !== STOCK_PAGE ? limit : null })));
  const exporter = csvExport('/stock/summary', current, 'stock-summary.csv');

  void (async () => {
    try {
      const data = await getJson<Page<StockSummary>>('/stock/summary', { ...current(), limit, offset });
      const items = data.items ?? [];
      const total = typeof data.total === 'number' ? data.total : items.length;
      replaceChildren(box, items.length ? h('table', { class: 'list', testid: 'summary-table' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, t('risk.sku')), h('th', { scope: 'col' }, t('po.warehouse')), h('th', { scope: 'col' }, t('inv.owner')),
          SUMMARY_FIGURES.map((f) => h('th', { scope: 'col', class: 'num', title: t(`inv.fig.${f}.hint` as 'inv.fig.on_hand.hint') }, t(`inv.fig.${f}` as 'inv.fig.on_hand'))))),
        h('tbody', {}, items.map((s) => h('tr', {
          testid: 'summary-row', 'data-sku-id': s.sku_id, 'data-warehouse-id': s.warehouse_id, 'data-owner': s.owner,
          ...Object.fromEntries(SUMMARY_FIGURES.map((f) => [`data-${f.replace('_', '-')}`, s[f] ?? 0])),
        },
          h('td', { 'data-label': t('risk.sku') }, cardLink(s.sku_id, s.warehouse_id, s.owner)),
          h('td', { 'data-label': t('po.warehouse') }, recordCode('warehouses', s.warehouse_id)),
          h('td', { 'data-label': t('inv.owner') }, s.owner),
          SUMMARY_FIGURES.map((f) => h('td', {
            'data-label': t(`inv.fig.${f}` as 'inv.fig.on_hand'), class: `num${f === 'available' ? ' strong' : ''}${(s[f] ?? 0) < 0 ? ' negative' : ''}`,
          }, fmtInt(s[f] ?? 0))))))) : h('p', { class: 'empty', testid: 'list-empty' }, t('inv.noStock')));
      pages.show(items.length, total);
    } catch (err) {
      boxError(box, err);
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  })();

  return h('section', { class: 'page inv-page', testid: 'page-stock-summary' },
    inventoryTabs('summary', query),
    h('div', { class: 'page-head' }, h('h1', {}, t('inv.summaryTitle')), h('span', { class: 'csv-buttons' }, exporter.button)),
    h('p', { class: 'muted lead' }, t('inv.summaryLead')),
    h('div', { class: 'panel' }, filters.element),
    exporter.report,
    box,
    pages.element);
}

// ---- expired and near-expiry stock -----------------------------------------------------------

export function renderExpiring(query: URLSearchParams): HTMLElement {
  const daysText = query.get('days') ?? '30';
  const days = /^\d{1,4}$/.test(daysText) ? Number(daysText) : 30;
  const { offset, limit } = pageOf(query, STOCK_PAGE);
  const filters = stockFilters(['inventory', 'expiring'], query, ['warehouse', 'days']);
  const box = loadingBox('expiring-body');
  const today = h('span', { class: 'muted', testid: 'expiring-today' });
  const pages = pager(offset, limit, (o) => navigate(href(['inventory', 'expiring'], {
    warehouse_id: query.get('warehouse_id'), days: query.get('days'), offset: o || null, limit: limit !== STOCK_PAGE ? limit : null,
  })));
  const exporter = csvExport('/stock/expiring', () => ({ warehouse_id: query.get('warehouse_id'), days }), 'stock-expiring.csv');

  void (async () => {
    try {
      const data = await getJson<Page<ExpiringBalance> & { today: string }>('/stock/expiring', { warehouse_id: query.get('warehouse_id'), days, limit, offset });
      const items = data.items ?? [];
      pages.show(items.length, typeof data.total === 'number' ? data.total : items.length);
      today.textContent = t('inv.today', { today: data.today ?? todayIso(), days });
      const cols = ['inv.status', 'inv.daysLeft', 'risk.sku', 'inv.lot', 'inv.expiry', 'po.warehouse', 'inv.bin', 'inv.owner', 'inv.state', 'inv.onHand'] as const;
      replaceChildren(box, items.length ? h('table', { class: 'list', testid: 'expiring-table' },
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c === 'inv.onHand' || c === 'inv.daysLeft' ? 'num' : null }, t(c))))),
        h('tbody', {}, items.map((b) => h('tr', {
          testid: 'expiring-row', class: b.status === 'expired' ? 'row-expired' : null,
          'data-sku-id': b.sku_id, 'data-lot-id': b.lot_id, 'data-status': b.status, 'data-days-left': b.days_left, 'data-on-hand': b.on_hand,
        },
          h('td', { 'data-label': t(cols[0]) }, badge('expiry', b.status, 'expiry-status')),
          h('td', { 'data-label': t(cols[1]), class: 'num' }, String(b.days_left)),
          h('td', { 'data-label': t(cols[2]) }, cardLink(b.sku_id, b.warehouse_id, b.owner)),
          h('td', { 'data-label': t(cols[3]) }, lotLabel(b.lot_id, { lot_number: b.lot_number })),
          h('td', { 'data-label': t(cols[4]), class: 'nowrap' }, b.expiry_date ?? '—'),
          h('td', { 'data-label': t(cols[5]) }, recordCode('warehouses', b.warehouse_id)),
          h('td', { 'data-label': t(cols[6]) }, recordCode('bins', b.bin_id)),
          h('td', { 'data-label': t(cols[7]) }, b.owner),
          h('td', { 'data-label': t(cols[8]) }, stateBadge(b.state)),
          h('td', { 'data-label': t(cols[9]), class: 'num' }, fmtInt(b.on_hand)))))) : h('p', { class: 'empty', testid: 'list-empty' }, t('inv.noExpiring')));
    } catch (err) {
      boxError(box, err);
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  })();

  return h('section', { class: 'page inv-page', testid: 'page-stock-expiring' },
    inventoryTabs('expiring', query),
    h('div', { class: 'page-head' }, h('h1', {}, t('inv.expiringTitle')), today, h('span', { class: 'csv-buttons' }, exporter.button)),
    h('p', { class: 'muted lead' }, t('inv.expiryRule')),
    h('div', { class: 'panel' }, filters.element),
    exporter.report,
    box,
    pages.element);
}
