// Supplier price lists: the list (filter by supplier and SKU), a create form, and an entry's page
// (change price, minimum order quantity, lead times, validity; deactivate).

import { ApiError, getJson, patchJson, postJson, type Page } from '../api';
import { h, replaceChildren } from '../dom';
import { describeError } from '../form';
import { t } from '../i18n';
import {
  clearFieldErrors, field, fmtMoney, messageBox, recordCode, recordPicker, setFieldError, showApiError, todayIso,
  type MessageBox,
} from '../kit';
import { TRANSPORT_MODES, type PriceEntry, type TransportMode } from '../procurement';
import { href, navigate } from '../router';
import { PAGE_SIZE } from './list';
import { procurementTabs } from './procurement';

const MONEY = /^\d+(\.\d{1,4})?$/;

export function leadTimes(v: PriceEntry['lead_time_days']): string {
  return TRANSPORT_MODES.filter((m) => v?.[m] !== undefined).map((m) => `${t(`mode.${m}` as 'mode.sea')} ${v[m]} ${t('price.days')}`).join(' · ');
}

interface PriceFields {
  element: HTMLElement;
  values: () => { body: Record<string, unknown>; errors: [string, string][] };
}

/** Currency, price, MOQ, lead times per mode, validity: shared by the create and edit forms. */
function priceFields(entry: Partial<PriceEntry>, withDates: boolean): PriceFields & { currency: HTMLInputElement } {
  const currency = h('input', { type: 'text', id: 'price-currency', testid: 'field-currency', maxlength: 3, class: 'short upper', value: entry.currency ?? '', autocomplete: 'off' });
  const price = h('input', { type: 'text', id: 'price-unit', testid: 'field-unit_price', inputmode: 'decimal', class: 'num', value: entry.unit_price === undefined ? '' : String(entry.unit_price), autocomplete: 'off' });
  const moq = h('input', { type: 'text', id: 'price-moq', testid: 'field-min_order_qty', inputmode: 'numeric', class: 'num', value: String(entry.min_order_qty ?? 1), autocomplete: 'off' });
  const lead = new Map<TransportMode, HTMLInputElement>();
  const leadBox = h('div', { class: 'lead-grid' }, TRANSPORT_MODES.map((m) => {
    const input = h('input', {
      type: 'text', inputmode: 'numeric', class: 'num', id: `lead-${m}`, testid: `field-lead-${m}`,
      value: entry.lead_time_days?.[m] === undefined ? '' : String(entry.lead_time_days[m]), autocomplete: 'off',
    });
    lead.set(m, input);
    return h('label', { class: 'lead-item', for: `lead-${m}` }, h('span', {}, t(`mode.${m}` as 'mode.sea')), input);
  }));
  const from = h('input', { type: 'date', id: 'price-from', testid: 'field-valid_from', value: entry.valid_from ?? todayIso() });
  const to = h('input', { type: 'date', id: 'price-to', testid: 'field-valid_to', value: entry.valid_to ?? '' });
  const element = h('div', { class: 'form-grid' },
    field('currency', t('field.currency'), currency, { required: true, hint: t('hint.currency') }),
    field('unit_price', t('price.unitPrice'), price, { required: true, hint: t('price.unitPriceHint') }),
    field('min_order_qty', t('price.moq'), moq, { required: true }),
    h('div', { class: 'field wide', 'data-field': 'lead_time_days' },
      h('span', { class: 'label' }, t('price.leadTimes'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      leadBox,
      h('div', { class: 'hint' }, t('price.leadHint')),
      h('div', { class: 'field-error', testid: 'field-error-lead_time_days', hidden: true })),
    withDates ? field('valid_from', t('price.validFrom'), from, { required: true }) : null,
    field('valid_to', t('price.validTo'), to, { hint: t('hint.optional') }));
  return {
    element,
    currency,
    values: () => {
      const errors: [string, string][] = [];
      const body: Record<string, unknown> = {};
      const cur = currency.value.trim().toUpperCase();
      if (!/^[A-Z]{3}$/.test(cur)) errors.push(['currency', t('price.currencyInvalid')]);
      body.currency = cur;
      const p = price.value.trim().replace(',', '.');
      if (!MONEY.test(p) || Number(p) <= 0) errors.push(['unit_price', t('price.priceInvalid')]);
      body.unit_price = p;
      const q = moq.value.trim();
      if (!/^\d+$/.test(q) || Number(q) < 1) errors.push(['min_order_qty', t('form.int')]);
      body.min_order_qty = Number(q);
      const days: Record<string, number> = {};
      for (const [m, input] of lead) {
        const v = input.value.trim();
        if (!v) continue;
        if (!/^\d+$/.test(v)) { errors.push(['lead_time_days', t('price.leadInvalid', { mode: t(`mode.${m}` as 'mode.sea') })]); continue; }
        days[m] = Number(v);
      }
      if (!Object.keys(days).length && !errors.some(([n]) => n === 'lead_time_days')) errors.push(['lead_time_days', t('price.leadMissing')]);
      body.lead_time_days = days;
      if (withDates) {
        if (!from.value) errors.push(['valid_from', t('form.required')]);
        body.valid_from = from.value;
      }
      body.valid_to = to.value || null;
      return { body, errors };
    },
  };
}

function showErrors(scope: HTMLElement, box: MessageBox, errors: [string, string][]): void {
  for (const [name, text] of errors) setFieldError(scope, name, text);
  box.show(t('form.fixErrors'), 'error');
}

export function renderPrices(query: URLSearchParams): HTMLElement {
  const supplierId = Number(query.get('supplier_id')) || null;
  const skuId = Number(query.get('sku_id')) || null;
  const offset = Math.max(0, Number.parseInt(query.get('offset') ?? '0', 10) || 0);

  // --- filters -------------------------------------------------------------------------------
  const fSupplier = recordPicker({ path: 'suppliers', id: 'pf-supplier', testid: 'filter-supplier', value: supplierId, empty: t('list.any') });
  const fSku = recordPicker({ path: 'skus', id: 'pf-sku', testid: 'filter-sku', value: skuId, empty: t('list.any') });
  const filters = h('form', { class: 'toolbar filters', testid: 'prices-toolbar' },
    field('supplier_id', t('scores.supplier'), fSupplier.element, { input: fSupplier.select }),
    field('sku_id', t('risk.sku'), fSku.element, { input: fSku.select }),
    h('div', { class: 'toolbar-actions' },
      h('button', { type: 'submit', class: 'btn', testid: 'prices-filter' }, t('list.searchBtn')),
      h('a', { class: 'btn ghost', href: href(['procurement', 'prices']) }, t('list.reset'))));
  filters.addEventListener('submit', (ev) => {
    ev.preventDefault();
    navigate(href(['procurement', 'prices'], { supplier_id: fSupplier.value(), sku_id: fSku.value() }));
  });

  // --- list ----------------------------------------------------------------------------------
  const listBox = h('div', { class: 'table-box', testid: 'prices-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('list.loading')));
  const range = h('span', { class: 'range', testid: 'list-total' });
  const prev = h('button', { type: 'button', class: 'btn', testid: 'page-prev', disabled: true }, `‹ ${t('list.prev')}`);
  const next = h('button', { type: 'button', class: 'btn', testid: 'page-next', disabled: true }, `${t('list.next')} ›`);
  const go = (o: number) => navigate(href(['procurement', 'prices'], { supplier_id: supplierId, sku_id: skuId, offset: o || null }));
  prev.addEventListener('click', () => go(Math.max(0, offset - PAGE_SIZE)));
  next.addEventListener('click', () => go(offset + PAGE_SIZE));

  async function load(): Promise<void> {
    listBox.setAttribute('aria-busy', 'true');
    try {
      const data = await getJson<Page<PriceEntry>>('/price-lists', { supplier_id: supplierId, sku_id: skuId, limit: PAGE_SIZE, offset });
      const items = data.items ?? [];
      const total = typeof data.total === 'number' ? data.total : items.length;
      const cols = ['scores.supplier', 'risk.sku', 'price.unitPrice', 'price.moq', 'price.leadTimes', 'price.validity'] as const;
      replaceChildren(listBox, items.length ? h('table', { class: 'list', testid: 'prices-table' },
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
        h('tbody', {}, items.map((p) => {
          const link = href(['procurement', 'prices', p.id]);
          const row = h('tr', { testid: 'price-row', 'data-id': p.id, 'data-supplier-id': p.supplier_id, 'data-sku-id': p.sku_id, class: p.active === false ? 'inactive' : null },
            h('td', { 'data-label': t(cols[0]) }, h('a', { href: link, testid: 'row-link' }, recordCode('suppliers', p.supplier_id))),
            h('td', { 'data-label': t(cols[1]) }, recordCode('skus', p.sku_id)),
            h('td', { 'data-label': t(cols[2]), class: 'num', testid: 'price-unit' }, fmtMoney(p.unit_price, p.currency)),
            h('td', { 'data-label': t(cols[3]), class: 'num' }, String(p.min_order_qty)),
            h('td', { 'data-label': t(cols[4]) }, leadTimes(p.lead_time_days)),
            h('td', { 'data-label': t(cols[5]), class: 'nowrap' }, `${p.valid_from} – ${p.valid_to ?? '…'}`,
              p.active === false ? h('span', { class: 'badge status-archived' }, t('price.inactive')) : null));
          row.addEventListener('click', (ev) => { if (!(ev.target as Element).closest('a')) navigate(link); });
          return row;
        }))) : h('p', { class: 'empty', testid: 'list-empty' }, t('list.empty')));
      range.textContent = items.length ? t('list.range', { from: offset + 1, to: offset + items.length, total }) : t('list.rangeEmpty', { total });
      range.setAttribute('data-total', String(total));
      prev.disabled = offset <= 0;
      next.disabled = offset + items.length >= total;
    } catch (err) {
      replaceChildren(listBox, h('p', { class: 'form-message error', role: 'alert', testid: 'list-error' }, describeError(err)));
    } finally {
      listBox.setAttribute('aria-busy', 'false');
    }
  }

  // --- create form ---------------------------------------------------------------------------
  const msg = messageBox();
  const pf = priceFields({}, true);
  const supplier = recordPicker({
    path: 'suppliers', id: 'price-supplier', testid: 'field-supplier_id', value: supplierId,
    onChange: (r) => { if (r && !pf.currency.value) pf.currency.value = String(r.currency ?? ''); },
  });
  const sku = recordPicker({ path: 'skus', id: 'price-sku', testid: 'field-sku_id', value: skuId });
  const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'form-submit' }, `+ ${t('price.add')}`);
  const form = h('form', { class: 'entity-form', testid: 'price-form', novalidate: true },
    h('div', { class: 'form-grid' },
      field('supplier_id', t('scores.supplier'), supplier.element, { required: true, input: supplier.select }),
      field('sku_id', t('risk.sku'), sku.element, { required: true, input: sku.select })),
    pf.element, msg.element, h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.hide();
    const { body, errors } = pf.values();
    if (!supplier.value()) errors.unshift(['supplier_id', t('form.required')]);
    if (!sku.value()) errors.unshift(['sku_id', t('form.required')]);
    if (errors.length) { showErrors(form, msg, errors); return; }
    if (!body.valid_to) delete body.valid_to;
    submit.disabled = true;
    try {
      const created = await postJson<PriceEntry>('/price-lists', { supplier_id: supplier.value(), sku_id: sku.value(), ...body });
      const code = supplier.record()?.code ?? '';
      msg.show(t('price.created', { price: fmtMoney(created.unit_price, created.currency), code }), 'ok',
        h('a', { href: href(['procurement', 'prices', created.id]), testid: 'price-created-link' }, t('price.open')));
      void load();
    } catch (err) {
      showApiError(form, msg, err);
    } finally {
      submit.disabled = false;
    }
  });

  void load();
  return h('section', { class: 'page proc-page', testid: 'page-prices' },
    procurementTabs('prices'),
    h('div', { class: 'page-head' }, h('h1', {}, t('price.title'))),
    h('div', { class: 'panel' }, filters),
    listBox,
    h('nav', { class: 'pager', 'aria-label': 'pagination' }, prev, range, next),
    h('div', { class: 'panel', testid: 'price-create' }, h('h2', {}, t('price.add')), form));
}

export function renderPriceDetail(id: string): HTMLElement {
  const body = h('div', {}, h('p', { class: 'muted' }, t('list.loading')));
  const page = h('section', { class: 'page proc-page', testid: 'page-price-detail' },
    procurementTabs('prices'),
    h('a', { class: 'back', href: href(['procurement', 'prices']), testid: 'back-to-list' }, `‹ ${t('detail.back')}`),
    body);

  function show(entry: PriceEntry, notice?: string): void {
    const msg = messageBox();
    if (notice) msg.show(notice, 'ok');
    const pf = priceFields(entry, true);
    const active = h('input', { type: 'checkbox', id: 'price-active', testid: 'field-active' });
    active.checked = entry.active !== false;
    const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'form-submit' }, t('detail.save'));
    const form = h('form', { class: 'entity-form', testid: 'price-edit-form', novalidate: true },
      pf.element,
      h('div', { class: 'field field-bool', 'data-field': 'active' }, h('div', { class: 'check' }, active, h('label', { for: 'price-active' }, t('price.active')))),
      msg.element, h('div', { class: 'form-actions' }, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      msg.hide();
      const { body: values, errors } = pf.values();
      if (errors.length) { showErrors(form, msg, errors); return; }
      const patch: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(values)) {
        const before = (entry as unknown as Record<string, unknown>)[k];
        if (JSON.stringify(before ?? null) !== JSON.stringify(v ?? null)) patch[k] = v;
      }
      if (active.checked !== (entry.active !== false)) patch.active = active.checked;
      if (!Object.keys(patch).length) { msg.show(t('detail.noChanges'), 'ok'); return; }
      submit.disabled = true;
      try {
        const saved = await patchJson<PriceEntry>(`/price-lists/${entry.id}`, { ...patch, version: entry.version });
        show(saved, t('detail.saved'));
      } catch (err) {
        if (err instanceof ApiError && err.code === 'CONFLICT') {
          const reload = h('button', { type: 'button', class: 'btn small', testid: 'reload' }, t('detail.reload'));
          reload.addEventListener('click', () => void load());
          msg.show(`${t('detail.conflict')} (${err.message})`, 'error', reload);
        } else {
          showApiError(form, msg, err);
        }
      } finally {
        submit.disabled = false;
      }
    });
    replaceChildren(body,
      h('div', { class: 'page-head' }, h('h1', {},
        recordCode('suppliers', entry.supplier_id), ' · ', recordCode('skus', entry.sku_id, true))),
      h('p', { class: 'muted meta', 'data-version': entry.version }, t('price.meta', { price: fmtMoney(entry.unit_price, entry.currency), version: entry.version })),
      h('div', { class: 'panel' }, form));
  }

  async function load(notice?: string): Promise<void> {
    try {
      show(await getJson<PriceEntry>(`/price-lists/${encodeURIComponent(id)}`), notice);
    } catch (err) {
      replaceChildren(body, h('p', { class: 'form-message error', role: 'alert', testid: 'detail-error' }, describeError(err)));
    }
  }
  void load();
  return page;
}

