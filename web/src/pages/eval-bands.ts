// Score bands: name, minimum total and the consequence for new purchase orders.

import { getJson, putJson } from '../api';
import { h, replaceChildren } from '../dom';
import type { Band, Consequence } from '../evaluation';
import { describeError } from '../form';
import { t } from '../i18n';
import { clearFieldErrors, messageBox, showApiError } from '../kit';
import { evaluationTabs } from './evaluation';

const CONSEQUENCES: Consequence[] = ['none', 'warn', 'block'];

export function renderBands(): HTMLElement {
  const box = h('div', { class: 'bands-body', testid: 'bands-body' }, h('p', { class: 'muted' }, t('list.loading')));
  const page = h('section', { class: 'page eval-page', testid: 'page-eval-bands' },
    evaluationTabs('bands'),
    h('div', { class: 'page-head' }, h('h1', {}, t('bands.title'))),
    h('p', { class: 'muted lead' }, t('bands.lead')),
    box);

  function show(bands: Band[], notice?: string): void {
    const model = bands.map((b) => ({ ...b }));
    const msg = messageBox('bands-message');
    if (notice) msg.show(notice, 'ok');
    const rows = h('tbody', {});
    const table = h('table', { class: 'list bands-table', testid: 'bands-table' },
      h('thead', {}, h('tr', {}, h('th', {}, t('bands.name')), h('th', {}, t('bands.min')), h('th', {}, t('bands.consequence')), h('th', {}, ''))),
      rows);

    const renderRows = () => {
      replaceChildren(rows, model.map((b, i) => {
        const name = h('input', { type: 'text', value: b.name, testid: 'band-name', 'aria-label': t('bands.name'), autocomplete: 'off' });
        name.addEventListener('input', () => { b.name = name.value.trim(); });
        const min = h('input', { type: 'text', inputmode: 'decimal', class: 'num', value: String(b.min_score), testid: 'band-min', 'aria-label': t('bands.min') });
        min.addEventListener('input', () => { b.min_score = Number(min.value.replace(',', '.')); });
        const cons = h('select', { testid: 'band-consequence', 'aria-label': t('bands.consequence') },
          CONSEQUENCES.map((c) => h('option', { value: c }, t(`consequence.${c}` as 'consequence.none'))));
        cons.value = b.consequence;
        cons.addEventListener('change', () => { b.consequence = cons.value as Consequence; });
        const remove = h('button', { type: 'button', class: 'btn ghost small', testid: 'band-remove', 'aria-label': t('bands.remove') }, '✕');
        remove.addEventListener('click', () => { model.splice(i, 1); renderRows(); });
        return h('tr', { testid: 'band-row', 'data-name': b.name },
          h('td', { 'data-label': t('bands.name') }, name),
          h('td', { 'data-label': t('bands.min') }, min),
          h('td', { 'data-label': t('bands.consequence') }, cons),
          h('td', { class: 'row-actions' }, model.length > 1 ? remove : null));
      }));
    };

    const add = h('button', { type: 'button', class: 'btn', testid: 'bands-add' }, `+ ${t('bands.add')}`);
    add.addEventListener('click', () => { model.push({ name: '', min_score: 0, consequence: 'none' }); renderRows(); });
    const save = h('button', { type: 'button', class: 'btn primary', testid: 'bands-save' }, t('detail.save'));
    const wrap = h('div', { class: 'panel', 'data-field': 'bands' },
      h('div', { class: 'table-box' }, table),
      h('div', { class: 'field-error', testid: 'field-error-bands', hidden: true }),
      msg.element,
      h('div', { class: 'form-actions' }, save, add));
    save.addEventListener('click', async () => {
      clearFieldErrors(wrap);
      msg.hide();
      save.disabled = true;
      try {
        const res = await putJson<{ bands: Band[] }>('/evaluation/bands', { bands: model });
        show(res.bands ?? model, t('detail.saved'));
      } catch (err) {
        showApiError(page, msg, err);
      } finally {
        save.disabled = false;
      }
    });
    renderRows();
    replaceChildren(box, wrap);
  }

  void (async () => {
    try {
      const res = await getJson<{ bands: Band[] }>('/evaluation/bands');
      show(res.bands ?? []);
    } catch (err) {
      replaceChildren(box, h('p', { class: 'form-message error', role: 'alert' }, describeError(err)));
    }
  })();
  return page;
}
