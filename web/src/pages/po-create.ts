// New purchase order: supplier, destination warehouse, transport mode, currency, dates and lines
// (SKU, quantity, optional price: the price list's when empty). After creation the supplier's
// standing at the time of ordering and the server's warnings are shown; a band that blocks new
// orders answers 422 and its message is shown instead.

import { ApiError, getJson, postJson, type Page } from '../api';
import { h, replaceChildren } from '../dom';
import { t } from '../i18n';
import {
  badge, clearFieldErrors, field, fmtMoney, fmtNum, messageBox, recordPicker, setFieldError, showApiError, todayIso,
  type Picker,
} from '../kit';
import { TRANSPORT_MODES, lineIndexOf, type AtOrder, type PriceEntry, type PurchaseOrder } from '../procurement';
import { href, navigate } from '../router';
import { procurementTabs } from './procurement';

interface LineRow {
  element: HTMLElement;
  sku: Picker;
  quantity: HTMLInputElement;
  price: HTMLInputElement;
  quote: HTMLElement;
}

/** The supplier's standing when the order was placed. */
export function standingPanel(at: AtOrder | null | undefined): HTMLElement {
  if (!at || (at.score === null && !at.band)) {
    return h('div', { class: 'standing', testid: 'at-order' }, h('span', { class: 'muted', testid: 'at-order-none' }, t('po.noStanding')));
  }
  return h('div', { class: `standing${at.warned ? ' warned' : ''}`, testid: 'at-order', 'data-band': at.band ?? '', 'data-warned': String(!!at.warned) },
    h('div', { class: 'stat' }, h('span', { class: 'muted' }, t('po.score')), h('strong', { testid: 'at-order-score' }, fmtNum(at.score, 1))),
    h('div', { class: 'stat' }, h('span', { class: 'muted' }, t('ranking.band')), badge('band', at.band, 'at-order-band')),
    h('div', { class: 'stat' }, h('span', { class: 'muted' }, t('ranking.rank')),
      h('strong', { testid: 'at-order-rank' }, at.rank ? t('po.rankOf', { rank: at.rank, n: at.candidates ?? '?' }) : '—')),
    at.warned ? h('div', { class: 'stat' }, h('span', { class: 'badge consequence-warn' }, t('consequence.warn'))) : null);
}

export function renderPoCreate(query: URLSearchParams): HTMLElement {
  const msg = messageBox();
  const resultBox = h('div', { testid: 'po-result' });
  const code = h('input', { type: 'text', id: 'po-code', testid: 'field-code', autocomplete: 'off', maxlength: 64 });
  const currency = h('input', { type: 'text', id: 'po-currency', testid: 'field-currency', maxlength: 3, class: 'short upper', autocomplete: 'off' });
  const mode = h('select', { id: 'po-mode', testid: 'field-transport_mode' }, TRANSPORT_MODES.map((m) => h('option', { value: m }, t(`mode.${m}` as 'mode.sea'))));
  const orderDate = h('input', { type: 'date', id: 'po-order-date', testid: 'field-order_date', value: todayIso() });
  const expected = h('input', { type: 'date', id: 'po-expected', testid: 'field-expected_date' });
  const supplier = recordPicker({
    path: 'suppliers', id: 'po-supplier', testid: 'field-supplier_id', value: Number(query.get('supplier_id')) || null,
    onChange: (r) => {
      if (r && r.currency) currency.value = String(r.currency);
      for (const line of lines) void quote(line);
    },
  });
  const warehouse = recordPicker({ path: 'warehouses', id: 'po-warehouse', testid: 'field-warehouse_id' });

  const lines: LineRow[] = [];
  const linesBox = h('div', { class: 'po-lines', testid: 'po-lines' });
  const linesField = h('div', { class: 'field wide', 'data-field': 'lines' },
    linesBox,
    h('div', { class: 'field-error', testid: 'field-error-lines', hidden: true }));

  // The price list's price for the line, shown as the placeholder of the price input.
  async function quote(line: LineRow): Promise<void> {
    const s = supplier.value();
    const k = line.sku.value();
    line.quote.textContent = '';
    line.price.placeholder = '';
    if (!s || !k) return;
    try {
      const data = await getJson<Page<PriceEntry>>('/price-lists', { supplier_id: s, sku_id: k, limit: 10 });
      const day = orderDate.value || todayIso();
      const entry = (data.items ?? []).find((p) => p.active !== false && p.valid_from <= day && (!p.valid_to || day <= p.valid_to));
      if (entry) {
        line.price.placeholder = String(entry.unit_price);
        line.quote.textContent = t('po.quote', { price: fmtMoney(entry.unit_price, entry.currency), moq: entry.min_order_qty });
      } else {
        line.quote.textContent = t('po.noQuote');
      }
    } catch {
      // the hint is optional
    }
  }

  function addLine(): void {
    const idx = lines.length;
    const line = {} as LineRow;
    line.sku = recordPicker({ path: 'skus', id: `po-line-${idx}-sku`, testid: 'line-sku', onChange: () => void quote(line) });
    line.quantity = h('input', { type: 'text', inputmode: 'numeric', class: 'num', testid: 'line-quantity', id: `po-line-${idx}-qty`, autocomplete: 'off' });
    line.price = h('input', { type: 'text', inputmode: 'decimal', class: 'num', testid: 'line-price', id: `po-line-${idx}-price`, autocomplete: 'off' });
    line.quote = h('div', { class: 'hint', testid: 'line-quote' });
    const remove = h('button', { type: 'button', class: 'btn ghost small', testid: 'line-remove', 'aria-label': t('po.removeLine') }, '✕');
    line.element = h('fieldset', { class: 'po-line', testid: 'po-line', 'data-line': idx + 1 },
      h('legend', {}, t('po.lineNo', { n: idx + 1 })),
      h('div', { class: 'line-grid' },
        field(`line-${idx}-sku`, t('risk.sku'), line.sku.element, { required: true, input: line.sku.select }),
        field(`line-${idx}-quantity`, t('po.quantity'), line.quantity, { required: true }),
        field(`line-${idx}-price`, t('po.unitPrice'), line.price, { hint: t('po.priceHint') }),
        h('div', { class: 'line-actions' }, remove)),
      line.quote,
      h('div', { class: 'field-error line-error', testid: 'line-error', hidden: true }));
    remove.addEventListener('click', () => {
      if (lines.length <= 1) return;
      lines.splice(lines.indexOf(line), 1);
      line.element.remove();
      lines.forEach((l, i) => {
        l.element.setAttribute('data-line', String(i + 1));
        l.element.querySelector('legend')!.textContent = t('po.lineNo', { n: i + 1 });
      });
    });
    lines.push(line);
    linesBox.append(line.element);
  }

  const addBtn = h('button', { type: 'button', class: 'btn', testid: 'po-add-line' }, `+ ${t('po.addLine')}`);
  addBtn.addEventListener('click', () => addLine());
  addLine();

  const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'form-submit' }, t('po.create'));
  const form = h('form', { class: 'entity-form', testid: 'po-form', novalidate: true },
    h('fieldset', { class: 'form-group' }, h('legend', {}, t('po.order')),
      h('div', { class: 'form-grid' },
        field('code', t('po.code'), code, { required: true }),
        field('supplier_id', t('scores.supplier'), supplier.element, { required: true, input: supplier.select }),
        field('warehouse_id', t('po.warehouse'), warehouse.element, { required: true, input: warehouse.select }),
        field('transport_mode', t('po.mode'), mode, { required: true }),
        field('currency', t('field.currency'), currency, { required: true, hint: t('hint.currency') }),
        field('order_date', t('po.orderDate'), orderDate),
        field('expected_date', t('po.expectedDate'), expected, { hint: t('po.expectedHint') }))),
    h('fieldset', { class: 'form-group' }, h('legend', {}, t('po.lines')), linesField, addBtn),
    msg.element,
    h('div', { class: 'form-actions' }, submit));

  const showLineError = (message: string): boolean => {
    const i = lineIndexOf(message);
    const line = i === null ? undefined : lines[i];
    if (!line) return false;
    const el = line.element.querySelector<HTMLElement>('[data-testid="line-error"]')!;
    el.textContent = message;
    el.hidden = false;
    line.element.classList.add('invalid');
    return true;
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    form.querySelectorAll<HTMLElement>('[data-testid="line-error"]').forEach((el) => { el.hidden = true; });
    lines.forEach((l) => l.element.classList.remove('invalid'));
    msg.hide();
    replaceChildren(resultBox);
    const errors: [string, string][] = [];
    if (!code.value.trim()) errors.push(['code', t('form.required')]);
    if (!supplier.value()) errors.push(['supplier_id', t('form.required')]);
    if (!warehouse.value()) errors.push(['warehouse_id', t('form.required')]);
    if (!/^[A-Za-z]{3}$/.test(currency.value.trim())) errors.push(['currency', t('price.currencyInvalid')]);
    const bodyLines = lines.map((l, i) => {
      const out: Record<string, unknown> = { sku_id: l.sku.value() };
      if (!l.sku.value()) errors.push([`line-${i}-sku`, t('form.required')]);
      const q = l.quantity.value.trim();
      if (!/^\d+$/.test(q) || Number(q) <= 0) errors.push([`line-${i}-quantity`, t('po.quantityInvalid')]);
      out.quantity = Number(q);
      const p = l.price.value.trim().replace(',', '.');
      if (p) {
        if (!/^\d+(\.\d{1,4})?$/.test(p) || Number(p) <= 0) errors.push([`line-${i}-price`, t('price.priceInvalid')]);
        out.unit_price = p;
      }
      return out;
    });
    if (errors.length) {
      for (const [name, text] of errors) setFieldError(form, name, text);
      msg.show(t('form.fixErrors'), 'error');
      return;
    }
    const body: Record<string, unknown> = {
      code: code.value.trim(), supplier_id: supplier.value(), warehouse_id: warehouse.value(),
      transport_mode: mode.value, currency: currency.value.trim().toUpperCase(), lines: bodyLines,
    };
    if (orderDate.value) body.order_date = orderDate.value;
    if (expected.value) body.expected_date = expected.value;
    submit.disabled = true;
    try {
      const po = await postJson<PurchaseOrder>('/purchase-orders', body);
      showCreated(po);
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) {
        // The supplier's band blocks new orders (or another precondition failed).
        const band = err.field === 'supplier_id' || /\bband\b|block/i.test(err.message);
        msg.show(t('po.notCreated'), 'error', h('div', { class: 'blocked', testid: 'po-blocked' },
          band ? h('strong', {}, t('po.blocked')) : null, ' ', h('span', {}, err.message)));
      } else if (err instanceof ApiError && err.field === 'lines' && showLineError(err.message)) {
        msg.show(t('form.fixErrors'), 'error');
      } else {
        showApiError(form, msg, err);
      }
    } finally {
      submit.disabled = false;
    }
  });

  function showCreated(po: PurchaseOrder): void {
    const warnings = po.warnings ?? [];
    const another = h('button', { type: 'button', class: 'btn', testid: 'po-another' }, t('po.another'));
    another.addEventListener('click', () => navigate(href(['procurement', 'orders', 'new'])));
    msg.show(t('po.created', { code: po.code }), 'ok');
    replaceChildren(resultBox, h('div', { class: 'panel po-created', testid: 'po-created', 'data-id': po.id },
      h('h2', {}, t('po.createdTitle', { code: po.code }), ' ', badge('po', po.status, 'po-status')),
      h('p', {}, t('po.totalIs', { total: fmtMoney(po.total, po.currency), expected: po.expected_date })),
      h('h3', {}, t('po.atOrder')),
      standingPanel(po.at_order),
      warnings.length ? h('div', { class: 'warnings', testid: 'po-warnings' },
        h('h3', {}, t('po.warnings')),
        h('ul', {}, warnings.map((w) => h('li', { testid: 'po-warning' }, w)))) : null,
      h('div', { class: 'form-actions' },
        h('a', { class: 'btn primary', href: href(['procurement', 'orders', po.id]), testid: 'po-open' }, t('po.open')),
        another)));
    submit.disabled = true;
    submit.hidden = true;
    resultBox.scrollIntoView({ block: 'nearest' });
  }

  return h('section', { class: 'page proc-page', testid: 'page-po-new' },
    procurementTabs('orders'),
    h('a', { class: 'back', href: href(['procurement']), testid: 'back-to-list' }, `‹ ${t('detail.back')}`),
    h('div', { class: 'page-head' }, h('h1', {}, t('po.new'))),
    h('div', { class: 'panel' }, form),
    resultBox);
}

