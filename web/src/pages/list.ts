// Generic list page: search, status and entity filters, paging, CSV buttons.

import { getJson, type Entity, type Page } from '../api';
import { formatTime, h, replaceChildren } from '../dom';
import type { ColumnSpec, EntitySpec } from '../entities';
import { describeError } from '../form';
import { fieldLabel, lang, optionLabel, t } from '../i18n';
import { href, navigate } from '../router';
import { csvButtons } from './csv';

export const PAGE_SIZE = 50;

export function statusBadge(status: unknown): HTMLElement {
  const s = String(status ?? '');
  const label = s === 'active' ? t('status.active') : s === 'archived' ? t('status.archived') : s;
  return h('span', { class: `badge status-${s}`, testid: 'status-badge' }, label);
}

function cell(item: Entity, col: ColumnSpec): Node | string {
  const v = item[col.name];
  if (v === undefined || v === null || v === '') return '';
  switch (col.kind) {
    case 'status': return statusBadge(v);
    case 'time': return formatTime(String(v), lang());
    case 'option': return optionLabel(col.name, String(v));
    case 'bool': return v ? t('list.yes') : t('list.no');
    default: return String(v);
  }
}

export function renderList(spec: EntitySpec, query: URLSearchParams): HTMLElement {
  const q = query.get('q') ?? '';
  const status = query.get('status') ?? 'active';
  const offset = Math.max(0, Number.parseInt(query.get('offset') ?? '0', 10) || 0);
  const limit = Math.min(200, Math.max(1, Number.parseInt(query.get('limit') ?? String(PAGE_SIZE), 10) || PAGE_SIZE));
  const filterValues: Record<string, string> = {};
  for (const f of spec.filters) filterValues[f.name] = query.get(f.name) ?? '';

  // --- toolbar -------------------------------------------------------------
  const search = h('input', {
    type: 'search', name: 'q', id: 'list-search', testid: 'list-search',
    placeholder: t('list.search'), 'aria-label': t('list.search'), value: q,
  });
  const statusSelect = h('select', { name: 'status', id: 'filter-status', testid: 'filter-status', 'aria-label': t('list.status') },
    ['active', 'archived', 'all'].map((s) => h('option', { value: s }, t(`status.${s}` as 'status.active'))));
  statusSelect.value = status;

  const filterInputs = spec.filters.map((f) => {
    let input: HTMLInputElement | HTMLSelectElement;
    if (f.kind === 'code2') {
      input = h('input', { type: 'text', maxlength: 2, class: 'short upper', placeholder: fieldLabel(f.name) });
    } else {
      const options = f.kind === 'bool' ? ['true', 'false'] : (f.options ?? []);
      input = h('select', {},
        h('option', { value: '' }, `${fieldLabel(f.name)}: ${t('list.any')}`),
        options.map((o) => h('option', { value: o },
          f.kind === 'bool' ? `${fieldLabel(f.name)}: ${o === 'true' ? t('list.yes') : t('list.no')}` : optionLabel(f.name, o))));
    }
    input.name = f.name;
    input.id = `filter-${f.name}`;
    input.setAttribute('data-testid', `filter-${f.name}`);
    input.setAttribute('aria-label', fieldLabel(f.name));
    input.value = filterValues[f.name];
    return input;
  });

  const toolbar = h('form', { class: 'toolbar', testid: 'list-toolbar', role: 'search' },
    search, statusSelect, ...filterInputs,
    h('button', { type: 'submit', class: 'btn', testid: 'list-search-submit' }, t('list.searchBtn')),
    h('a', { class: 'btn ghost', href: href([spec.path]), testid: 'list-reset' }, t('list.reset')));

  const go = (newOffset: number) => {
    const params: Record<string, string | number> = {};
    const text = search.value.trim();
    if (text) params.q = text;
    if (statusSelect.value !== 'active') params.status = statusSelect.value;
    for (const input of filterInputs) {
      const v = input.value.trim();
      if (v) params[input.name] = input instanceof HTMLInputElement ? v.toUpperCase() : v;
    }
    if (limit !== PAGE_SIZE) params.limit = limit;
    if (newOffset > 0) params.offset = newOffset;
    navigate(href([spec.path], params));
  };
  toolbar.addEventListener('submit', (ev) => { ev.preventDefault(); go(0); });
  // Selects apply at once; typing waits for Enter / the Search button.
  for (const sel of [statusSelect, ...filterInputs.filter((i) => i instanceof HTMLSelectElement)]) {
    sel.addEventListener('change', () => go(0));
  }

  // --- table and pager -----------------------------------------------------
  const tableBox = h('div', { class: 'table-box', testid: 'list-body', 'aria-busy': 'true' },
    h('p', { class: 'muted' }, t('list.loading')));
  const rangeLabel = h('span', { class: 'range', testid: 'list-total' });
  const prev = h('button', { type: 'button', class: 'btn', testid: 'page-prev', disabled: true }, `‹ ${t('list.prev')}`);
  const next = h('button', { type: 'button', class: 'btn', testid: 'page-next', disabled: true }, `${t('list.next')} ›`);
  prev.addEventListener('click', () => go(Math.max(0, offset - limit)));
  next.addEventListener('click', () => go(offset + limit));
  const pager = h('nav', { class: 'pager', 'aria-label': 'pagination' }, prev, rangeLabel, next);

  const reload = () => load();
  const csv = spec.csv ? csvButtons(spec, reload) : null;

  const page = h('section', { class: 'page list-page', testid: `page-${spec.path}-list` },
    h('div', { class: 'page-head' },
      h('h1', {}, t(spec.title)),
      h('div', { class: 'page-actions' },
        csv ? csv.buttons : null,
        h('a', { class: 'btn primary', href: href([spec.path, 'new']), testid: 'list-new' },
          `+ ${t('list.new', { entity: t(spec.singular) })}`))),
    csv ? csv.report : null,
    toolbar,
    tableBox,
    pager);

  async function load(): Promise<void> {
    tableBox.setAttribute('aria-busy', 'true');
    try {
      const data = await getJson<Page<Entity>>(`/${spec.path}`, { q, status, limit, offset, ...filterValues });
      const items = Array.isArray(data.items) ? data.items : [];
      const total = typeof data.total === 'number' ? data.total : items.length;
      const table = h('table', { class: 'list', testid: 'list-table' },
        h('thead', {}, h('tr', {}, spec.columns.map((c) => h('th', { scope: 'col' }, fieldLabel(c.name))))),
        h('tbody', {}, items.map((item) => {
          const link = href([spec.path, item.id]);
          const row = h('tr', { testid: 'list-row', 'data-id': item.id, 'data-code': item.code },
            spec.columns.map((c, i) => h('td', { 'data-label': fieldLabel(c.name), class: c.kind === 'time' ? 'nowrap' : null },
              i === 0 ? h('a', { href: link, testid: 'row-link' }, String(item[c.name] ?? '')) : cell(item, c))));
          row.addEventListener('click', (ev) => {
            if ((ev.target as Element).closest('a')) return;
            navigate(link);
          });
          return row;
        })));
      replaceChildren(tableBox, items.length ? table : h('p', { class: 'empty', testid: 'list-empty' }, t('list.empty')));
      rangeLabel.textContent = items.length
        ? t('list.range', { from: offset + 1, to: offset + items.length, total })
        : t('list.rangeEmpty', { total });
      rangeLabel.setAttribute('data-total', String(total));
      prev.disabled = offset <= 0;
      next.disabled = offset + items.length >= total;
    } catch (err) {
      replaceChildren(tableBox, h('p', { class: 'form-message error', role: 'alert', testid: 'list-error' }, describeError(err)));
    } finally {
      tableBox.setAttribute('aria-busy', 'false');
    }
  }

  void load();
  return page;
}
