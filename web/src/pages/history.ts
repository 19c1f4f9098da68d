// History panel for a record's detail page.

import { getJson, type HistoryEvent, type Page } from '../api';
import { formatTime, h, replaceChildren } from '../dom';
import { describeError } from '../form';
import { fieldLabel, lang, optionLabel, t } from '../i18n';

function show(field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '∅';
  if (typeof v === 'boolean') return v ? t('list.yes') : t('list.no');
  if (typeof v === 'object') return JSON.stringify(v);
  return optionLabel(field, String(v));
}

export interface HistoryPanel {
  element: HTMLElement;
  reload: () => Promise<void>;
}

export function historyPanel(path: string): HistoryPanel {
  const list = h('div', { class: 'history-body' }, h('p', { class: 'muted' }, t('list.loading')));
  const element = h('aside', { class: 'panel history', testid: 'history', 'aria-label': t('history.title') },
    h('h2', {}, t('history.title')),
    list);

  async function reload(): Promise<void> {
    try {
      const data = await getJson<Page<HistoryEvent>>(`${path}/history`, { limit: 100 });
      const items = Array.isArray(data.items) ? [...data.items] : [];
      items.sort((a, b) => b.seq - a.seq); // newest first
      if (!items.length) {
        replaceChildren(list, h('p', { class: 'muted', testid: 'history-empty' }, t('history.empty')));
        return;
      }
      replaceChildren(list, h('ol', { class: 'events' }, items.map((ev) =>
        h('li', { testid: 'history-item', 'data-type': ev.type },
          h('div', { class: 'event-head' },
            h('span', { class: 'event-type' }, ev.type),
            h('time', { datetime: ev.at }, formatTime(ev.at, lang()))),
          h('div', { class: 'muted small' }, `#${ev.seq} · ${t('history.by', { actor: ev.actor })}`),
          ev.changes && ev.changes.length
            ? h('ul', { class: 'changes' }, ev.changes.map((c) =>
                h('li', {},
                  h('span', { class: 'change-field' }, fieldLabel(c.field)), ': ',
                  c.old === null || c.old === undefined
                    ? h('ins', {}, show(c.field, c.new))
                    : [h('del', {}, show(c.field, c.old)), ' → ', h('ins', {}, show(c.field, c.new))])))
            : null))));
    } catch (err) {
      replaceChildren(list, h('p', { class: 'form-message error', role: 'alert' }, describeError(err)));
    }
  }

  void reload();
  return { element, reload };
}
