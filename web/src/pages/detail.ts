// Generic create / detail-edit page with archive action and history panel.

import { ApiError, getJson, patchJson, postJson, type Entity } from '../api';
import { formatTime, h, replaceChildren } from '../dom';
import type { EntitySpec } from '../entities';
import { setFlash, takeFlash } from '../flash';
import { describeError, EntityForm } from '../form';
import { lang, t } from '../i18n';
import { href, navigate } from '../router';
import { historyPanel } from './history';
import { statusBadge } from './list';

export interface DetailExtras {
  /** Extra sections below the form (e.g. a warehouse's bins). */
  sections?: (record: Entity) => HTMLElement[];
}

function backLink(spec: EntitySpec): HTMLElement {
  return h('a', { class: 'back', href: href([spec.path]), testid: 'back-to-list' }, `‹ ${t('detail.back')}`);
}

export function renderCreate(spec: EntitySpec): HTMLElement {
  const form = new EntityForm({
    fields: spec.fields,
    idPrefix: 'f',
    grouped: true,
    submitLabel: t('detail.create'),
    onSubmit: async (f) => {
      const { values, errors } = f.parse();
      if (Object.keys(errors).length) { f.setErrors(errors); return; }
      try {
        const created = await postJson<Entity>(`/${spec.path}`, f.createBody(values));
        setFlash(t('detail.created'));
        navigate(href([spec.path, created.id]));
      } catch (err) {
        f.showApiError(err);
      }
    },
  });
  return h('section', { class: 'page detail-page', testid: `page-${spec.path}-new` },
    backLink(spec),
    h('div', { class: 'page-head' }, h('h1', {}, t('detail.new', { entity: t(spec.singular) }))),
    h('div', { class: 'panel' }, form.element));
}

export function renderDetail(spec: EntitySpec, id: string, extras: DetailExtras = {}): HTMLElement {
  const body = h('div', { class: 'detail-body' }, h('p', { class: 'muted' }, t('list.loading')));
  const page = h('section', { class: 'page detail-page', testid: `page-${spec.path}-detail` }, backLink(spec), body);
  const path = `/${spec.path}/${encodeURIComponent(id)}`;
  const history = historyPanel(path);
  const flash = takeFlash();

  const show = (record: Entity, notice?: string) => {
    const archiveBtn = h('button', { type: 'button', class: 'btn danger', testid: 'archive' }, t('detail.archive'));
    archiveBtn.hidden = record.status === 'archived';

    const form = new EntityForm({
      fields: spec.fields,
      record,
      idPrefix: 'f',
      grouped: true,
      submitLabel: t('detail.save'),
      extraActions: [archiveBtn],
      onSubmit: async (f) => {
        const { values, errors } = f.parse();
        if (Object.keys(errors).length) { f.setErrors(errors); return; }
        const patch = f.patchBody(values);
        if (!Object.keys(patch).length) { f.showMessage(t('detail.noChanges'), 'ok'); return; }
        try {
          const updated = await patchJson<Entity>(path, { ...patch, version: record.version });
          show(updated, t('detail.saved'));
          void history.reload();
        } catch (err) {
          reportError(f, err);
        }
      },
    });

    archiveBtn.addEventListener('click', async () => {
      if (!window.confirm(t('detail.archiveConfirm', { code: record.code }))) return;
      archiveBtn.disabled = true;
      try {
        const archived = await postJson<Entity>(`${path}/archive`, {});
        show(archived, t('detail.archived'));
        void history.reload();
      } catch (err) {
        reportError(form, err);
        archiveBtn.disabled = false;
      }
    });

    if (notice) form.showMessage(notice, 'ok');

    replaceChildren(body,
      h('div', { class: 'page-head' },
        h('h1', {}, h('span', { class: 'code', testid: 'detail-code' }, record.code), ' ',
          h('span', { class: 'title-name', testid: 'detail-name' }, record.name), ' ', statusBadge(record.status))),
      h('p', { class: 'muted meta', testid: 'detail-meta', 'data-version': record.version },
        t('detail.meta', {
          version: record.version,
          created: formatTime(record.created_at, lang()),
          updated: formatTime(record.updated_at, lang()),
        })),
      h('div', { class: 'detail-grid' },
        h('div', { class: 'detail-main' },
          h('div', { class: 'panel' }, form.element),
          ...(extras.sections ? extras.sections(record) : [])),
        history.element));
  };

  // A stale `version` answers 409 CONFLICT: explain it and offer to reload.
  const reportError = (form: EntityForm, err: unknown) => {
    if (err instanceof ApiError && err.code === 'CONFLICT') {
      const btn = h('button', { type: 'button', class: 'btn small', testid: 'reload' }, t('detail.reload'));
      btn.addEventListener('click', () => void load());
      form.showMessage(`${t('detail.conflict')} (${err.message})`, 'error', btn);
      return;
    }
    form.showApiError(err);
  };

  async function load(notice?: string): Promise<void> {
    try {
      const record = await getJson<Entity>(path);
      show(record, notice);
    } catch (err) {
      replaceChildren(body, h('p', { class: 'form-message error', role: 'alert', testid: 'detail-error' }, describeError(err)));
    }
  }

  void load(flash ?? undefined);
  return page;
}
