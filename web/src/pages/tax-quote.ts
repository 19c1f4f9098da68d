// Tax quote calculator: the JSON of `xborder tax quote` built by a form and sent to
// POST /tax/quote. A line gives an HS code (rates then come from the rule tables) or explicit
// rates. The answer: the channel (cbec, cbec_full_rate, general_trade with the reasons), the
// per-line breakdown with the rule rows used, and the totals.

import { postJson } from '../api';
import { h, replaceChildren } from '../dom';
import { t, tDynamic } from '../i18n';
import { clearFieldErrors, field, messageBox, setFieldError, showApiError, todayIso } from '../kit';
import { LEGAL_UNITS, type TaxQuote } from '../orders';
import { taxBreakdown } from './order-detail';
import { ordersTabs } from './orders';

const MONEY = /^\d+(\.\d{1,2})?$/;
const RATE = /^\d+(\.\d{1,9})?%?$/;

interface LineInputs {
  row: HTMLElement;
  value: HTMLInputElement;
  quantity: HTMLInputElement;
  legalQty: HTMLInputElement;
  unit: HTMLSelectElement;
  hs: HTMLInputElement;
  vat: HTMLInputElement;
  ct: HTMLSelectElement;
  ctRate: HTMLInputElement;
  tariff: HTMLInputElement;
}

export function renderTaxQuote(): HTMLElement {
  const msg = messageBox('quote-message');
  const date = h('input', { type: 'date', id: 'quote-date', testid: 'quote-date', value: todayIso() });
  const used = h('input', { type: 'text', inputmode: 'decimal', id: 'quote-annual-used', testid: 'quote-annual-used', value: '0.00', class: 'num' });
  const linesBox = h('div', { class: 'quote-lines', testid: 'quote-lines' });
  const lines: LineInputs[] = [];
  const result = h('div', { class: 'panel', testid: 'quote-result', hidden: true });

  const addLine = () => {
    const i = lines.length;
    const id = (n: string) => `quote-${n}-${i}`;
    const input = (n: string, extra: Record<string, string> = {}) => h('input', { type: 'text', id: id(n), testid: `quote-${n}-${i}`, autocomplete: 'off', ...extra });
    const x: LineInputs = {
      row: h('fieldset', { class: 'form-group quote-line', testid: 'quote-line' }),
      value: input('value', { inputmode: 'decimal', placeholder: '425.00' }),
      quantity: input('quantity', { inputmode: 'numeric', value: '1' }),
      legalQty: input('legal-quantity', { inputmode: 'decimal', placeholder: '20' }),
      unit: h('select', { id: id('legal-unit'), testid: `quote-legal-unit-${i}` }, LEGAL_UNITS.map((u) => h('option', { value: u }, tDynamic(`opt.legal_unit.${u}`, u)))),
      hs: input('hs', { inputmode: 'numeric', placeholder: '3304990099' }),
      vat: input('vat', { inputmode: 'decimal', placeholder: '0.13' }),
      ct: h('select', { id: id('ct'), testid: `quote-ct-${i}` },
        h('option', { value: 'none' }, t('ord.ctNone')),
        h('option', { value: 'high_end_cosmetics' }, t('ord.ctCosmetics')),
        h('option', { value: 'rate' }, t('ord.ctRate'))),
      ctRate: input('ct-rate', { inputmode: 'decimal', placeholder: '0.15' }),
      tariff: input('tariff', { inputmode: 'decimal', placeholder: '0.00' }),
    };
    const p = `lines[${i}]`;
    x.row.append(
      h('legend', {}, t('po.lineNo', { n: i + 1 })),
      h('div', { class: 'form-grid' },
        field(`${p}.value`, t('ord.lineValue'), x.value, { required: true, hint: t('ord.lineValueHint') }),
        field(`${p}.quantity`, t('po.quantity'), x.quantity, { required: true }),
        field(`${p}.legal_quantity`, t('field.legal_quantity'), x.legalQty, { hint: t('ord.legalQtyHint') }),
        field(`${p}.legal_unit`, t('field.legal_unit'), x.unit),
        field(`${p}.hs_code`, t('ord.hsCode'), x.hs, { hint: t('ord.hsRatesHint') }),
        field(`${p}.vat_rate`, t('ord.vatRate'), x.vat, { hint: t('ord.rateHint') }),
        field(`${p}.consumption_tax`, t('ord.ct'), x.ct),
        field(`${p}.consumption_tax_rate`, t('ord.ctRateLabel'), x.ctRate),
        field(`${p}.tariff_rate`, t('ord.tariffRate'), x.tariff, { hint: t('ord.rateHint') })));
    lines.push(x);
    linesBox.append(x.row);
  };
  addLine();

  const add = h('button', { type: 'button', class: 'btn', testid: 'quote-add-line' }, `+ ${t('po.addLine')}`);
  add.addEventListener('click', addLine);
  const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'quote-submit' }, t('ord.quote'));
  const form = h('form', { class: 'quote-form', testid: 'quote-form', novalidate: true },
    h('div', { class: 'form-grid' },
      field('date', t('ord.date'), date, { required: true, hint: t('ord.quoteDateHint') }),
      field('annual_used', t('ord.annualUsed'), used, { hint: t('ord.annualUsedHint') })),
    linesBox,
    h('div', { class: 'form-actions' }, add, submit),
    msg.element);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.hide();
    const errors: [string, string][] = [];
    if (!date.value) errors.push(['date', t('form.required')]);
    if (!MONEY.test(used.value.trim())) errors.push(['annual_used', t('ord.moneyInvalid')]);
    const body = {
      date: date.value,
      annual_used: used.value.trim(),
      lines: lines.map((x, i) => {
        const p = `lines[${i}]`;
        const line: Record<string, unknown> = {};
        if (!MONEY.test(x.value.value.trim())) errors.push([`${p}.value`, t('ord.moneyInvalid')]);
        line.value = x.value.value.trim();
        const q = Number(x.quantity.value.trim());
        if (!Number.isInteger(q) || q <= 0) errors.push([`${p}.quantity`, t('po.quantityInvalid')]);
        line.quantity = q;
        if (x.legalQty.value.trim()) {
          const lq = Number(x.legalQty.value.trim());
          if (!Number.isFinite(lq) || lq <= 0) errors.push([`${p}.legal_quantity`, t('form.number')]);
          line.legal_quantity = lq;
          line.legal_unit = x.unit.value;
        }
        if (x.hs.value.trim()) {
          if (!/^(\d{8}|\d{10})$/.test(x.hs.value.trim())) errors.push([`${p}.hs_code`, t('ord.hsInvalid')]);
          line.hs_code = x.hs.value.trim();
        }
        for (const [name, inp] of [['vat_rate', x.vat], ['tariff_rate', x.tariff]] as const) {
          if (!inp.value.trim()) continue;
          if (!RATE.test(inp.value.trim())) errors.push([`${p}.${name}`, t('ord.rateInvalid')]);
          line[name] = inp.value.trim();
        }
        if (x.ct.value === 'rate') {
          if (!RATE.test(x.ctRate.value.trim())) errors.push([`${p}.consumption_tax_rate`, t('ord.rateInvalid')]);
          line.consumption_tax = x.ctRate.value.trim();
        } else {
          line.consumption_tax = x.ct.value;
        }
        if (!line.hs_code && !line.vat_rate) errors.push([`${p}.vat_rate`, t('ord.hsOrRate')]);
        return line;
      }),
    };
    if (errors.length) {
      for (const [name, text] of errors) setFieldError(form, name, text);
      msg.show(t('form.fixErrors'), 'error');
      return;
    }
    submit.disabled = true;
    try {
      const quote = await postJson<TaxQuote>('/tax/quote', body);
      replaceChildren(result, h('h2', {}, t('ord.quoteResult')), await taxBreakdown(quote));
      result.hidden = false;
    } catch (err) {
      result.hidden = true;
      showApiError(form, msg, err);
    } finally {
      submit.disabled = false;
    }
  });

  return h('section', { class: 'page ord-page', testid: 'page-tax-quote' },
    ordersTabs('tax'),
    h('div', { class: 'page-head' }, h('h1', {}, t('ord.quoteTitle'))),
    h('p', { class: 'muted lead' }, t('ord.quoteLead')),
    h('div', { class: 'panel' }, form),
    result);
}
