// Warehouse tasks: filters (kind, state, warehouse), paging, newest first; the new-task form
// (task-new.ts) and a form that starts a cycle count of chosen bins.

import { getJson, postJson, type Entity, type Page } from '../api';
import { formatTime, h, replaceChildren } from '../dom';
import { lang, t, tDynamic } from '../i18n';
import { badge, boxError, clearFieldErrors, field, loadingBox, messageBox, pageOf, pager, recordCode, recordPicker, setFieldError, showApiError } from '../kit';
import { href, navigate } from '../router';
import { TASK_KINDS, TASK_STATES, lineDone, type Task } from '../warehouse';
import { newTaskPanel } from './task-new';
import { warehouseTabs } from './warehouse-ops';

const PAGE = 50;

/** Lines done of all lines, as a bar and "n / m". */
export function taskProgress(task: Task): HTMLElement {
  if (!Array.isArray(task.lines)) {
    // A list may give only the number of lines.
    const n = task.line_count ?? 0;
    return h('span', { class: 'progress small', testid: 'task-progress', 'data-lines': n }, t('wh.lineCount', { n }));
  }
  const lines = task.lines;
  const done = lines.filter((l) => lineDone(task, l)).length;
  const share = lines.length ? done / lines.length : 0;
  return h('span', { class: 'progress', testid: 'task-progress', 'data-done': done, 'data-lines': lines.length },
    h('span', { class: 'share-bar' }, h('span', { class: 'hbar', style: `width:${Math.round(share * 100)}%` })),
    h('span', { class: 'small' }, `${done} / ${lines.length}`));
}

export function taskKindLabel(kind: string): string {
  return tDynamic(`taskKind.${kind}`, kind);
}

function countForm(): HTMLElement {
  const msg = messageBox('count-new-message');
  const bins = h('div', { class: 'bin-checks', testid: 'count-new-bins' }, h('p', { class: 'muted small' }, t('wh.chooseWarehouseFirst')));
  const warehouse = recordPicker({
    path: 'warehouses', id: 'count-new-warehouse', testid: 'count-new-warehouse',
    onChange: (w) => void loadBins(w?.id ?? null),
  });
  let seq = 0;
  async function loadBins(id: number | null): Promise<void> {
    const mine = ++seq;
    if (!id) { replaceChildren(bins, h('p', { class: 'muted small' }, t('wh.chooseWarehouseFirst'))); return; }
    bins.setAttribute('aria-busy', 'true');
    try {
      const data = await getJson<Page<Entity>>(`/warehouses/${id}/bins`, { limit: 500 });
      if (mine !== seq) return;
      const items = data.items ?? [];
      replaceChildren(bins, items.length ? items.map((b) => h('label', { class: 'check bin-check' },
        h('input', { type: 'checkbox', value: b.id, testid: 'count-bin', 'data-code': b.code }),
        h('span', {}, b.code), h('span', { class: 'muted small' }, tDynamic(`opt.kind.${String(b.kind)}`, String(b.kind ?? '')))))
        : h('p', { class: 'muted small' }, t('bins.empty')));
    } catch (err) {
      if (mine === seq) boxError(bins, err);
    } finally {
      if (mine === seq) bins.setAttribute('aria-busy', 'false');
    }
  }
  const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'count-new-submit' }, t('wh.startCount'));
  const form = h('form', { class: 'count-new-form', testid: 'count-new-form', novalidate: true },
    h('div', { class: 'form-grid' },
      field('warehouse_id', t('po.warehouse'), warehouse.element, { input: warehouse.select, required: true }),
      h('div', { class: 'field wide', 'data-field': 'bin_ids' },
        h('span', { class: 'label' }, t('wh.binsToCount')), bins,
        h('div', { class: 'field-error', testid: 'field-error-bin_ids', hidden: true }))),
    msg.element,
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.hide();
    const binIds = [...bins.querySelectorAll<HTMLInputElement>('input[type="checkbox"]:checked')].map((c) => Number(c.value));
    if (!warehouse.value()) setFieldError(form, 'warehouse_id', t('form.required'));
    if (!binIds.length) setFieldError(form, 'bin_ids', t('wh.chooseBins'));
    if (!warehouse.value() || !binIds.length) { msg.show(t('form.fixErrors'), 'error'); return; }
    submit.disabled = true;
    try {
      const task = await postJson<Task>('/tasks/count', { warehouse_id: warehouse.value(), bin_ids: binIds });
      navigate(href(['warehouse', 'tasks', task.id]));
    } catch (err) {
      showApiError(form, msg, err);
      submit.disabled = false;
    }
  });
  return h('details', { class: 'panel', testid: 'count-new-panel' },
    h('summary', { testid: 'count-new-open' }, h('strong', {}, t('wh.newCount'))),
    h('p', { class: 'muted small' }, t('wh.newCountLead')),
    form);
}

export function renderTasks(query: URLSearchParams): HTMLElement {
  const { offset, limit } = pageOf(query, PAGE);
  const warehouseId = Number(query.get('warehouse_id')) || null;
  const kind = query.get('kind') ?? '';
  const state = query.get('state') ?? '';

  const warehouse = recordPicker({ path: 'warehouses', id: 'task-filter-warehouse', testid: 'filter-warehouse', value: warehouseId, empty: t('list.any') });
  const kindSel = h('select', { id: 'task-filter-kind', testid: 'filter-kind' },
    h('option', { value: '' }, t('list.any')), TASK_KINDS.map((k) => h('option', { value: k }, taskKindLabel(k))));
  kindSel.value = kind;
  const stateSel = h('select', { id: 'task-filter-state', testid: 'filter-state' },
    h('option', { value: '' }, t('list.any')), TASK_STATES.map((s) => h('option', { value: s }, tDynamic(`taskState.${s}`, s))));
  stateSel.value = state;
  const params = (o: number) => ({
    warehouse_id: warehouse.value(), kind: kindSel.value || null, state: stateSel.value || null, offset: o || null, limit: limit !== PAGE ? limit : null,
  });
  const toolbar = h('form', { class: 'toolbar filters', testid: 'task-filters' },
    field('kind', t('wh.kind'), kindSel),
    field('state', t('inv.state'), stateSel),
    field('warehouse_id', t('po.warehouse'), warehouse.element, { input: warehouse.select }),
    h('div', { class: 'toolbar-actions' },
      h('a', { class: 'btn ghost', href: href(['warehouse']), testid: 'list-reset' }, t('list.reset'))));
  toolbar.addEventListener('submit', (ev) => { ev.preventDefault(); navigate(href(['warehouse'], params(0))); });
  for (const sel of [warehouse.select, kindSel, stateSel]) sel.addEventListener('change', () => navigate(href(['warehouse'], params(0))));

  const box = loadingBox('tasks-body');
  const pages = pager(offset, limit, (o) => navigate(href(['warehouse'], {
    warehouse_id: warehouseId, kind, state, offset: o || null, limit: limit !== PAGE ? limit : null,
  })));

  void (async () => {
    try {
      const data = await getJson<Page<Task>>('/tasks', { warehouse_id: warehouseId, kind, state, limit, offset });
      const items = data.items ?? [];
      const total = typeof data.total === 'number' ? data.total : items.length;
      const cols = ['wh.code', 'wh.kind', 'inv.state', 'po.warehouse', 'wh.ref', 'wh.progress', 'wh.created'] as const;
      replaceChildren(box, items.length ? h('table', { class: 'list', testid: 'tasks-table' },
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
        h('tbody', {}, items.map((task) => {
          const link = href(['warehouse', 'tasks', task.id]);
          const row = h('tr', { testid: 'task-row', 'data-id': task.id, 'data-code': task.code, 'data-kind': task.kind, 'data-state': task.state },
            h('td', { 'data-label': t(cols[0]) }, h('a', { href: link, testid: 'row-link' }, task.code || `#${task.id}`)),
            h('td', { 'data-label': t(cols[1]) }, taskKindLabel(task.kind)),
            h('td', { 'data-label': t(cols[2]) }, badge('taskState', task.state, 'task-state')),
            h('td', { 'data-label': t(cols[3]) }, recordCode('warehouses', task.warehouse_id)),
            h('td', { 'data-label': t(cols[4]) }, task.ref_type ? `${tDynamic(`refType.${task.ref_type}`, task.ref_type)} ${task.ref_id ?? ''}` : '—'),
            h('td', { 'data-label': t(cols[5]) }, taskProgress(task)),
            h('td', { 'data-label': t(cols[6]), class: 'nowrap' }, formatTime(task.created_at, lang())));
          row.addEventListener('click', (ev) => { if (!(ev.target as Element).closest('a')) navigate(link); });
          return row;
        }))) : h('p', { class: 'empty', testid: 'list-empty' }, t('wh.noTasks')));
      pages.show(items.length, total);
    } catch (err) {
      boxError(box, err);
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  })();

  return h('section', { class: 'page wh-page', testid: 'page-tasks' },
    warehouseTabs('tasks'),
    h('div', { class: 'page-head' },
      h('h1', {}, t('wh.tasksTitle')),
      h('div', { class: 'page-actions' },
        h('a', { class: 'btn primary', href: href(['warehouse', 'terminal']), testid: 'open-terminal' }, t('wh.openTerminal')))),
    newTaskPanel(),
    countForm(),
    h('div', { class: 'panel' }, toolbar),
    box,
    pages.element);
}
