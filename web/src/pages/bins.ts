// Bins of a warehouse: table, add-bin form and inline edit.

import { ApiError, getJson, patchJson, postJson, type Entity, type Page } from '../api';
import { h, replaceChildren } from '../dom';
import { BIN_FIELDS } from '../entities';
import { describeError, EntityForm } from '../form';
import { fieldLabel, optionLabel, t } from '../i18n';
import { statusBadge } from './list';

const BIN_LIMIT = 200;

export function binsSection(warehouse: Entity): HTMLElement {
  const listBox = h('div', { class: 'table-box', testid: 'bins-list' }, h('p', { class: 'muted' }, t('list.loading')));
  const formBox = h('div', { class: 'bin-form-box' });
  const section = h('section', { class: 'panel bins', testid: 'bins', 'aria-label': t('bins.title') },
    h('h2', {}, t('bins.title')), listBox, formBox);
  const base = `/warehouses/${warehouse.id}/bins`;

  function addForm(notice?: string): void {
    const form = new EntityForm({
      fields: BIN_FIELDS,
      idPrefix: 'bin',
      submitLabel: `+ ${t('bins.add')}`,
      testid: 'bin-form',
      onSubmit: async (f) => {
        const { values, errors } = f.parse();
        if (Object.keys(errors).length) { f.setErrors(errors); return; }
        try {
          const bin = await postJson<Entity>(base, f.createBody(values));
          addForm(t('bins.added', { code: bin.code }));
          void loadBins();
        } catch (err) {
          f.showApiError(err);
        }
      },
    });
    if (notice) form.showMessage(notice, 'ok');
    replaceChildren(formBox, h('h3', {}, t('bins.add')), form.element);
  }

  function editForm(bin: Entity): void {
    const cancel = h('button', { type: 'button', class: 'btn ghost', testid: 'bin-cancel' }, t('bins.cancel'));
    cancel.addEventListener('click', () => addForm());
    const form = new EntityForm({
      fields: BIN_FIELDS,
      record: bin,
      idPrefix: 'bin',
      submitLabel: t('bins.save'),
      testid: 'bin-edit-form',
      extraActions: [cancel],
      onSubmit: async (f) => {
        const { values, errors } = f.parse();
        if (Object.keys(errors).length) { f.setErrors(errors); return; }
        const patch = f.patchBody(values);
        if (!Object.keys(patch).length) { f.showMessage(t('detail.noChanges'), 'ok'); return; }
        if (typeof bin.version === 'number') patch.version = bin.version;
        try {
          const saved = await patchJson<Entity>(`/bins/${bin.id}`, patch);
          addForm(t('bins.saved', { code: saved.code }));
          void loadBins();
        } catch (err) {
          if (err instanceof ApiError && err.code === 'CONFLICT') {
            f.showMessage(`${t('detail.conflict')} (${err.message})`, 'error');
          } else {
            f.showApiError(err);
          }
        }
      },
    });
    replaceChildren(formBox, h('h3', {}, t('bins.editing', { code: bin.code })), form.element);
    formBox.scrollIntoView({ block: 'nearest' });
  }

  async function loadBins(): Promise<void> {
    try {
      const data = await getJson<Page<Entity>>(base, { limit: BIN_LIMIT, status: 'all' });
      const items = Array.isArray(data.items) ? data.items : [];
      if (!items.length) {
        replaceChildren(listBox, h('p', { class: 'empty', testid: 'bins-empty' }, t('bins.empty')));
        return;
      }
      const cols = ['code', 'zone', 'kind', 'capacity_units', 'status'];
      replaceChildren(listBox,
        h('table', { class: 'list', testid: 'bins-table' },
          h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, fieldLabel(c))), h('th', {}, ''))),
          h('tbody', {}, items.map((bin) => {
            const edit = h('button', { type: 'button', class: 'btn small', testid: 'bin-edit' }, t('bins.edit'));
            edit.addEventListener('click', () => editForm(bin));
            return h('tr', { testid: 'bin-row', 'data-id': bin.id, 'data-code': bin.code },
              h('td', { 'data-label': fieldLabel('code') }, bin.code),
              h('td', { 'data-label': fieldLabel('zone') }, String(bin.zone ?? '')),
              h('td', { 'data-label': fieldLabel('kind') }, optionLabel('kind', String(bin.kind ?? ''))),
              h('td', { 'data-label': fieldLabel('capacity_units') }, String(bin.capacity_units ?? '')),
              h('td', { 'data-label': fieldLabel('status') }, bin.status ? statusBadge(bin.status) : ''),
              h('td', { class: 'row-actions' }, edit));
          }))),
        typeof data.total === 'number' && data.total > items.length
          ? h('p', { class: 'muted small' }, t('list.range', { from: 1, to: items.length, total: data.total }))
          : null);
    } catch (err) {
      replaceChildren(listBox, h('p', { class: 'form-message error', role: 'alert' }, describeError(err)));
    }
  }

  addForm();
  void loadBins();
  return section;
}
