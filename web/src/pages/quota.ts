// Annual CBEC quota of one identity. The ID number is typed in a password-like field, sent only in
// the body of POST /customs/quota/lookup (never in a URL, the page's state or storage), cleared as
// soon as the answer comes, and only the server's masked form is shown back.

import { postJson } from '../api';
import { formatTime, h, replaceChildren } from '../dom';
import { lang, t, tDynamic } from '../i18n';
import { badge, clearFieldErrors, field, messageBox, setFieldError, showApiError } from '../kit';
import { ID_TYPES, type QuotaView } from '../orders';
import { href } from '../router';
import { ordersTabs } from './orders';

export function renderQuota(): HTMLElement {
  const msg = messageBox('quota-message');
  const idType = h('select', { id: 'quota-id-type', testid: 'quota-id-type' }, ID_TYPES.map((v) => h('option', { value: v }, tDynamic(`idType.${v}`, v))));
  // A password field: not echoed on screen, not offered for autofill, not kept by the browser.
  const idNumber = h('input', {
    type: 'password', id: 'quota-id-number', testid: 'quota-id-number', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', maxlength: 32,
  });
  const year = h('input', { type: 'text', inputmode: 'numeric', id: 'quota-year', testid: 'quota-year', class: 'short', value: String(new Date().getFullYear()), maxlength: 4 });
  const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'quota-submit' }, t('ord.lookUp'));
  const result = h('div', { class: 'panel quota-result', testid: 'quota-result', hidden: true });
  const form = h('form', { class: 'quota-form', testid: 'quota-form', novalidate: true, autocomplete: 'off' },
    h('div', { class: 'form-grid' },
      field('id_type', t('ord.idType'), idType),
      field('id_number', t('ord.idNumber'), idNumber, { required: true, hint: t('ord.idNumberHint') }),
      field('year', t('ord.year'), year, { required: true })),
    h('div', { class: 'form-actions' }, submit),
    msg.element);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.hide();
    const number = idNumber.value.trim();
    const y = Number(year.value.trim());
    let bad = false;
    if (!number) { setFieldError(form, 'id_number', t('form.required')); bad = true; }
    if (!/^\d{4}$/.test(year.value.trim())) { setFieldError(form, 'year', t('form.int')); bad = true; }
    if (bad) { msg.show(t('form.fixErrors'), 'error'); return; }
    submit.disabled = true;
    try {
      const q = await postJson<QuotaView>('/customs/quota/lookup', { id_type: idType.value, id_number: number, year: y });
      idNumber.value = '';
      show(q);
    } catch (err) {
      result.hidden = true;
      showApiError(form, msg, err);
    } finally {
      submit.disabled = false;
    }
  });

  function show(q: QuotaView): void {
    const entries = q.entries ?? [];
    const cols = ['ord.entryKind', 'ord.amount', 'ord.order', 'ord.ref', 'ord.at'] as const;
    replaceChildren(result,
      h('dl', { class: 'summary', testid: 'quota-summary' },
        h('dt', {}, t('ord.identity')), h('dd', { testid: 'quota-masked-id', class: 'masked' }, `${q.id_type ? `${tDynamic(`idType.${q.id_type}`, q.id_type)} ` : ''}${q.id_number}`),
        h('dt', {}, t('ord.year')), h('dd', {}, String(q.year)),
        h('dt', {}, t('ord.used')), h('dd', { testid: 'quota-used', 'data-value': q.used }, q.used),
        h('dt', {}, t('ord.limit')), h('dd', { testid: 'quota-limit', 'data-value': q.limit }, q.limit),
        h('dt', {}, t('ord.remaining')), h('dd', { testid: 'quota-remaining', 'data-value': q.remaining }, h('strong', {}, q.remaining))),
      h('h3', {}, t('ord.entries')),
      entries.length ? h('div', { class: 'table-box' }, h('table', { class: 'list', testid: 'quota-entries' },
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c === 'ord.amount' ? 'num' : null }, t(c))))),
        h('tbody', {}, entries.map((e) => h('tr', { testid: 'quota-entry', 'data-kind': e.kind, 'data-amount': e.amount },
          h('td', { 'data-label': t(cols[0]) }, badge('quotaKind', e.kind)),
          h('td', { 'data-label': t(cols[1]), class: 'num' }, e.amount),
          h('td', { 'data-label': t(cols[2]) }, e.order_id ? h('a', { href: href(['orders', e.order_id]) }, `#${e.order_id}`) : '—'),
          h('td', { 'data-label': t(cols[3]) }, e.ref ?? ''),
          h('td', { 'data-label': t(cols[4]), class: 'nowrap' }, formatTime(e.at, lang()))))))) : h('p', { class: 'empty' }, t('ord.noEntries')));
    result.hidden = false;
  }

  return h('section', { class: 'page ord-page', testid: 'page-quota' },
    ordersTabs('quota'),
    h('div', { class: 'page-head' }, h('h1', {}, t('ord.quotaTitle'))),
    h('p', { class: 'muted lead' }, t('ord.quotaLead')),
    h('div', { class: 'panel' }, form),
    result);
}
