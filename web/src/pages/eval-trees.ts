// Indicator tree versions: the list (create from the template or from a version, activate) and
// the editor of one version (two-level tree, weights with per-level sums, save with field errors).

import { ApiError, getJson, postJson, putJson } from '../api';
import { formatTime, h, replaceChildren } from '../dom';
import type { Direction, Indicator, Tree, TreeSummary } from '../evaluation';
import { setFlash, takeFlash } from '../flash';
import { describeError } from '../form';
import { lang, t } from '../i18n';
import { badge, clearFieldErrors, field, messageBox, setFieldError, showApiError } from '../kit';
import { href, navigate } from '../router';
import { evaluationTabs } from './evaluation';

const TOLERANCE = 1e-6;

/** Weight as shown in an input: up to 6 decimals, no trailing zeros. */
export function weightText(w: number | null | undefined): string {
  if (w === null || w === undefined || !Number.isFinite(w)) return '';
  return String(Number(w.toFixed(6)));
}

function parseWeight(text: string): number | null {
  const s = text.trim().replace(',', '.');
  if (!s) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : Number.NaN;
}

export function treeTitle(tree: TreeSummary): string {
  return t('tree.title', { no: tree.version_no, name: tree.name });
}

// ---- list ------------------------------------------------------------------------------------

export function renderTreeList(): HTMLElement {
  const flash = takeFlash();
  const box = h('div', { class: 'table-box', testid: 'trees-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('list.loading')));
  const msg = messageBox('trees-message');
  if (flash) msg.show(flash, 'ok');

  const name = h('input', { type: 'text', id: 'tree-name', testid: 'tree-create-name', autocomplete: 'off', maxlength: 200 });
  const from = h('select', { id: 'tree-from', testid: 'tree-create-from' },
    h('option', { value: 'template' }, t('tree.fromTemplate')),
    h('option', { value: 'active' }, t('tree.fromActive')));
  const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'tree-create-submit' }, `+ ${t('tree.create')}`);
  const createMsg = messageBox('tree-create-message');
  const form = h('form', { class: 'inline-form', testid: 'tree-create-form', novalidate: true },
    h('div', { class: 'form-grid' },
      field('name', t('tree.name'), name, { required: true }),
      field('from', t('tree.from'), from)),
    createMsg.element,
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    createMsg.hide();
    if (!name.value.trim()) { setFieldError(form, 'name', t('form.required')); name.focus(); return; }
    submit.disabled = true;
    try {
      const fromValue = /^\d+$/.test(from.value) ? Number(from.value) : from.value;
      const tree = await postJson<Tree>('/evaluation/trees', { name: name.value.trim(), from: fromValue });
      setFlash(t('tree.created', { no: tree.version_no }));
      navigate(href(['evaluation', 'trees', tree.id]));
    } catch (err) {
      showApiError(form, createMsg, err);
    } finally {
      submit.disabled = false;
    }
  });

  const page = h('section', { class: 'page eval-page', testid: 'page-eval-trees' },
    evaluationTabs('trees'),
    h('div', { class: 'page-head' }, h('h1', {}, t('tree.versions'))),
    h('p', { class: 'muted lead' }, t('tree.lead')),
    msg.element,
    box,
    h('div', { class: 'panel' }, h('h2', {}, t('tree.new')), form));

  async function activate(tree: TreeSummary, button: HTMLButtonElement): Promise<void> {
    if (!window.confirm(t('tree.activateConfirm', { no: tree.version_no }))) return;
    button.disabled = true;
    try {
      await postJson<Tree>(`/evaluation/trees/${tree.id}/activate`, {});
      msg.show(t('tree.activated', { no: tree.version_no }), 'ok');
      await load();
    } catch (err) {
      msg.show(describeError(err), 'error');
      button.disabled = false;
    }
  }

  async function load(): Promise<void> {
    box.setAttribute('aria-busy', 'true');
    try {
      const data = await getJson<{ items: TreeSummary[] }>('/evaluation/trees');
      const items = [...(data.items ?? [])].sort((a, b) => b.version_no - a.version_no);
      // "New version from" offers every existing version too.
      replaceChildren(from,
        h('option', { value: 'template' }, t('tree.fromTemplate')),
        items.some((x) => x.status === 'active') ? h('option', { value: 'active' }, t('tree.fromActive')) : null,
        items.map((x) => h('option', { value: x.id }, t('tree.fromVersion', { title: treeTitle(x) }))));
      if (!items.length) {
        replaceChildren(box, h('p', { class: 'empty', testid: 'trees-empty' }, t('tree.none')));
        return;
      }
      const cols = ['tree.col.version', 'tree.col.name', 'tree.col.status', 'tree.col.createdBy', 'tree.col.created', 'tree.col.activated'] as const;
      replaceChildren(box, h('table', { class: 'list', testid: 'trees-table' },
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))), h('th', {}, ''))),
        h('tbody', {}, items.map((x) => {
          const open = href(['evaluation', 'trees', x.id]);
          const act = h('button', { type: 'button', class: 'btn small', testid: 'tree-activate' }, t('tree.activate'));
          act.addEventListener('click', (ev) => { ev.stopPropagation(); void activate(x, act); });
          const row = h('tr', { testid: 'tree-row', 'data-id': x.id, 'data-status': x.status, 'data-version-no': x.version_no },
            h('td', { 'data-label': t(cols[0]) }, h('a', { href: open, testid: 'row-link' }, `v${x.version_no}`)),
            h('td', { 'data-label': t(cols[1]) }, x.name),
            h('td', { 'data-label': t(cols[2]) }, badge('tree', x.status, 'tree-status')),
            h('td', { 'data-label': t(cols[3]) }, x.created_by ?? ''),
            h('td', { 'data-label': t(cols[4]), class: 'nowrap' }, formatTime(x.created_at, lang())),
            h('td', { 'data-label': t(cols[5]), class: 'nowrap' }, formatTime(x.activated_at, lang())),
            h('td', { class: 'row-actions' }, x.status === 'draft' ? act : null));
          row.addEventListener('click', (ev) => { if (!(ev.target as Element).closest('a,button')) navigate(open); });
          return row;
        }))));
    } catch (err) {
      replaceChildren(box, h('p', { class: 'form-message error', role: 'alert', testid: 'trees-error' }, describeError(err)));
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  }

  void load();
  return page;
}

// ---- editor ----------------------------------------------------------------------------------

export function renderTreeEditor(id: string): HTMLElement {
  const body = h('div', { class: 'tree-body' }, h('p', { class: 'muted' }, t('list.loading')));
  const page = h('section', { class: 'page eval-page', testid: 'page-eval-tree' },
    evaluationTabs('trees'),
    h('a', { class: 'back', href: href(['evaluation']), testid: 'back-to-trees' }, `‹ ${t('tree.back')}`),
    body);
  const flash = takeFlash();

  async function load(notice?: string): Promise<void> {
    try {
      const tree = await getJson<Tree>(`/evaluation/trees/${encodeURIComponent(id)}`);
      show(tree, notice);
    } catch (err) {
      replaceChildren(body, h('p', { class: 'form-message error', role: 'alert', testid: 'tree-error' }, describeError(err)));
    }
  }

  function show(tree: Tree, notice?: string): void {
    const draft = tree.status === 'draft';
    // Working copy; weights keep their exact value until the user types a new one.
    const model: Indicator[] = JSON.parse(JSON.stringify(tree.indicators ?? []));
    let dirty = false;
    const msg = messageBox('tree-message');
    if (notice) msg.show(notice, 'ok');

    const nameInput = h('input', { type: 'text', id: 'tree-edit-name', testid: 'tree-name', value: tree.name, maxlength: 200, readonly: !draft });
    nameInput.addEventListener('input', () => { dirty = true; });
    const treeBox = h('div', { class: 'tree-grid', testid: 'tree-grid', role: 'table', 'aria-label': t('tree.indicators') });

    const sumEl = (key: string) => h('span', { class: 'sum', testid: `sum-${key}` });
    const sums = new Map<string, HTMLElement>();
    const updateSums = () => {
      const show1 = (el: HTMLElement, weights: (number | null)[]) => {
        const valid = weights.every((w) => w !== null && Number.isFinite(w));
        const sum = weights.reduce<number>((s, w) => s + (w ?? 0), 0);
        const ok = valid && Math.abs(sum - 1) <= TOLERANCE;
        el.textContent = t('tree.sum', { sum: valid ? sum.toFixed(6).replace(/0{1,5}$/, '') : '?' });
        el.className = `sum ${ok ? 'ok' : 'bad'}`;
        el.setAttribute('data-ok', String(ok));
        el.setAttribute('data-value', String(sum));
      };
      const root = sums.get('root');
      if (root) show1(root, model.map((i) => i.weight));
      model.forEach((ind, gi) => {
        const el = sums.get(`g-${gi}`);
        if (el) show1(el, ind.children.map((c) => c.weight));
      });
    };

    const weightInput = (code: string, get: () => number | null, set: (w: number | null) => void) => {
      const input = h('input', {
        type: 'text', inputmode: 'decimal', class: 'num weight', testid: `weight-${code}`, value: weightText(get()),
        'aria-label': t('tree.weightOf', { code }), readonly: !draft, autocomplete: 'off',
      });
      input.setAttribute('data-value', String(get() ?? ''));
      input.addEventListener('input', () => {
        const w = parseWeight(input.value);
        set(w);
        input.setAttribute('data-value', String(w ?? ''));
        dirty = true;
        updateSums();
      });
      return input;
    };

    const textInput = (value: string, label: string, testid: string, set: (v: string) => void, cls = '') => {
      const input = h('input', { type: 'text', value, class: cls, 'aria-label': label, testid, readonly: !draft, autocomplete: 'off' });
      input.addEventListener('input', () => { set(input.value.trim()); dirty = true; });
      // A changed code renames the row's test ids and error slot.
      if (cls === 'code-input') input.addEventListener('change', () => renderGrid());
      return input;
    };

    const numInput = (value: number, label: string, set: (v: number) => void) => {
      const input = h('input', { type: 'text', inputmode: 'decimal', class: 'num scale', value: String(value), 'aria-label': label, readonly: !draft });
      input.addEventListener('input', () => { set(Number(input.value.replace(',', '.'))); dirty = true; });
      return input;
    };

    const removeBtn = (label: string, onClick: () => void) => {
      const b = h('button', { type: 'button', class: 'btn ghost small icon', title: label, 'aria-label': label }, '✕');
      b.addEventListener('click', () => { onClick(); dirty = true; renderGrid(); });
      return b;
    };

    const ahpLink = (node: string, label: string) => {
      const a = h('a', { class: 'btn small', href: href(['evaluation', 'trees', tree.id, 'ahp', node]), testid: `ahp-open-${node}` }, label);
      a.addEventListener('click', (ev) => {
        if (dirty && !window.confirm(t('tree.unsaved'))) ev.preventDefault();
      });
      return a;
    };

    const normaliseBtn = (weights: () => { weight: number | null }[], testid: string) => {
      const b = h('button', { type: 'button', class: 'btn ghost small', testid, title: t('tree.normaliseHint') }, t('tree.normalise'));
      b.addEventListener('click', () => {
        const items = weights();
        const sum = items.reduce((s, x) => s + (x.weight && Number.isFinite(x.weight) ? x.weight : 0), 0);
        for (const x of items) x.weight = sum > 0 ? (x.weight && Number.isFinite(x.weight) ? x.weight : 0) / sum : 1 / items.length;
        dirty = true;
        renderGrid();
      });
      return b;
    };

    function renderGrid(): void {
      sums.clear();
      const head = h('div', { class: 'tree-row tree-head', role: 'row' },
        ['tree.col.code', 'tree.col.indicator', 'tree.col.direction', 'tree.col.scale', 'tree.col.weight'].map((k) =>
          h('span', { role: 'columnheader' }, t(k as 'tree.col.code'))), h('span', {}, ''));
      const groups = model.map((ind, gi) => {
        const groupSum = sumEl(ind.code || `g${gi}`);
        sums.set(`g-${gi}`, groupSum);
        const level1 = h('div', { class: 'tree-row level1', role: 'row', 'data-field': ind.code, testid: 'indicator-row', 'data-code': ind.code },
          h('span', { class: 'cell code', 'data-label': t('tree.col.code') },
            textInput(ind.code, t('tree.col.code'), `code-${ind.code}`, (v) => { ind.code = v; }, 'code-input')),
          h('span', { class: 'cell name', 'data-label': t('tree.col.indicator') },
            textInput(ind.name, t('tree.col.indicator'), `name-${ind.code}`, (v) => { ind.name = v; })),
          h('span', { class: 'cell' }),
          h('span', { class: 'cell' }),
          h('span', { class: 'cell weight', 'data-label': t('tree.col.weight') },
            weightInput(ind.code, () => ind.weight, (w) => { ind.weight = w; })),
          h('span', { class: 'cell actions' },
            ahpLink(ind.code, t('tree.ahpChildren')),
            draft ? removeBtn(t('tree.remove', { code: ind.code }), () => { model.splice(gi, 1); }) : null),
          h('div', { class: 'field-error row-error', testid: `field-error-${ind.code}`, hidden: true }));
        const children = ind.children.map((c, ci) => h('div', { class: 'tree-row level2', role: 'row', 'data-field': c.code, testid: 'indicator-row', 'data-code': c.code, 'data-parent': ind.code },
          h('span', { class: 'cell code', 'data-label': t('tree.col.code') },
            textInput(c.code, t('tree.col.code'), `code-${c.code}`, (v) => { c.code = v; }, 'code-input')),
          h('span', { class: 'cell name', 'data-label': t('tree.col.indicator') },
            textInput(c.name, t('tree.col.indicator'), `name-${c.code}`, (v) => { c.name = v; })),
          h('span', { class: 'cell', 'data-label': t('tree.col.direction') }, (() => {
            const sel = h('select', { 'aria-label': t('tree.col.direction'), testid: `direction-${c.code}`, disabled: !draft },
              h('option', { value: 'higher_is_better' }, t('direction.higher_is_better')),
              h('option', { value: 'lower_is_better' }, t('direction.lower_is_better')));
            sel.value = c.direction;
            sel.addEventListener('change', () => { c.direction = sel.value as Direction; dirty = true; });
            return sel;
          })()),
          h('span', { class: 'cell scale', 'data-label': t('tree.col.scale') },
            numInput(c.scale_min, t('tree.scaleMin'), (v) => { c.scale_min = v; }), '–',
            numInput(c.scale_max, t('tree.scaleMax'), (v) => { c.scale_max = v; })),
          h('span', { class: 'cell weight', 'data-label': t('tree.col.weight') },
            weightInput(c.code, () => c.weight, (w) => { c.weight = w; })),
          h('span', { class: 'cell actions' },
            draft && ind.children.length > 1 ? removeBtn(t('tree.remove', { code: c.code }), () => { ind.children.splice(ci, 1); }) : null),
          h('div', { class: 'field-error row-error', testid: `field-error-${c.code}`, hidden: true })));
        const addChild = h('button', { type: 'button', class: 'btn ghost small', testid: `add-child-${ind.code}` }, `+ ${t('tree.addChild')}`);
        addChild.addEventListener('click', () => {
          ind.children.push({ code: `${ind.code}_${ind.children.length + 1}`, name: '', weight: 0, direction: 'higher_is_better', scale_min: 0, scale_max: 100 });
          dirty = true;
          renderGrid();
        });
        const foot = h('div', { class: 'tree-row group-foot', role: 'row' },
          h('span', { class: 'cell' }, draft ? addChild : null),
          h('span', { class: 'cell sum-cell' }, draft ? normaliseBtn(() => ind.children, `normalise-${ind.code}`) : null, groupSum));
        return h('div', { class: 'tree-group', role: 'rowgroup', testid: 'indicator-group', 'data-code': ind.code }, level1, children, foot);
      });
      const rootSum = sumEl('root');
      sums.set('root', rootSum);
      const addInd = h('button', { type: 'button', class: 'btn ghost small', testid: 'add-indicator' }, `+ ${t('tree.addIndicator')}`);
      addInd.addEventListener('click', () => {
        const n = model.length + 1;
        model.push({ code: `indicator_${n}`, name: '', weight: 0, children: [{ code: `indicator_${n}_1`, name: '', weight: 1, direction: 'higher_is_better', scale_min: 0, scale_max: 100 }] });
        dirty = true;
        renderGrid();
      });
      const foot = h('div', { class: 'tree-row root-foot', role: 'row', 'data-field': 'indicators' },
        h('span', { class: 'cell' }, draft ? addInd : null),
        h('span', { class: 'cell sum-cell' },
          h('strong', {}, t('tree.firstLevel')), ' ', draft ? normaliseBtn(() => model, 'normalise-root') : null, rootSum, ahpLink('root', t('tree.ahpRoot'))),
        h('div', { class: 'field-error row-error', testid: 'field-error-indicators', hidden: true }));
      replaceChildren(treeBox, head, groups, foot);
      updateSums();
    }

    // Header and actions.
    const saveBtn = h('button', { type: 'button', class: 'btn primary', testid: 'tree-save' }, t('detail.save'));
    const activateBtn = h('button', { type: 'button', class: 'btn', testid: 'tree-activate' }, t('tree.activate'));
    const newVersionBtn = h('button', { type: 'button', class: 'btn', testid: 'tree-new-version' }, t('tree.newVersion'));
    saveBtn.hidden = !draft;
    activateBtn.hidden = !draft;

    saveBtn.addEventListener('click', async () => {
      clearFieldErrors(treeBox);
      clearFieldErrors(page);
      msg.hide();
      const bad = [...model.flatMap((i) => [i, ...i.children])].find((x) => x.weight === null || !Number.isFinite(x.weight));
      if (bad) {
        setFieldError(treeBox, bad.code, t('form.number'));
        msg.show(t('form.fixErrors'), 'error');
        return;
      }
      saveBtn.disabled = true;
      try {
        const updated = await putJson<Tree>(`/evaluation/trees/${tree.id}`, { name: nameInput.value.trim(), indicators: model, version: tree.version });
        show(updated, t('detail.saved'));
      } catch (err) {
        if (err instanceof ApiError && err.code === 'CONFLICT') {
          const reload = h('button', { type: 'button', class: 'btn small', testid: 'reload' }, t('detail.reload'));
          reload.addEventListener('click', () => void load());
          msg.show(`${t('detail.conflict')} (${err.message})`, 'error', reload);
        } else {
          showApiError(page, msg, err);
        }
      } finally {
        saveBtn.disabled = false;
      }
    });

    activateBtn.addEventListener('click', async () => {
      if (dirty) { msg.show(t('tree.saveFirst'), 'error'); return; }
      if (!window.confirm(t('tree.activateConfirm', { no: tree.version_no }))) return;
      activateBtn.disabled = true;
      try {
        const active = await postJson<Tree>(`/evaluation/trees/${tree.id}/activate`, {});
        show(active, t('tree.activated', { no: active.version_no }));
      } catch (err) {
        showApiError(page, msg, err);
        activateBtn.disabled = false;
      }
    });

    newVersionBtn.addEventListener('click', async () => {
      newVersionBtn.disabled = true;
      try {
        const created = await postJson<Tree>('/evaluation/trees', { name: tree.name, from: tree.id });
        setFlash(t('tree.created', { no: created.version_no }));
        navigate(href(['evaluation', 'trees', created.id]));
      } catch (err) {
        msg.show(describeError(err), 'error');
        newVersionBtn.disabled = false;
      }
    });

    const judgements = (tree.judgements ?? []).length
      ? h('div', { class: 'panel', testid: 'judgements' },
          h('h2', {}, t('tree.judgements')),
          h('table', { class: 'list' },
            h('thead', {}, h('tr', {}, h('th', {}, t('ahp.node')), h('th', {}, 'λmax'), h('th', {}, 'CR'), h('th', {}, t('ahp.riTable')))),
            h('tbody', {}, tree.judgements.map((j) => h('tr', { testid: 'judgement-row', 'data-node': j.node },
              h('td', { 'data-label': t('ahp.node') }, h('a', { href: href(['evaluation', 'trees', tree.id, 'ahp', j.node]) }, j.node === 'root' ? t('tree.firstLevel') : j.node)),
              h('td', { 'data-label': 'λmax' }, Number(j.lambda_max).toFixed(4)),
              h('td', { 'data-label': 'CR' }, Number(j.cr).toFixed(4)),
              h('td', { 'data-label': t('ahp.riTable') }, j.ri_table))))))
      : null;

    renderGrid();
    replaceChildren(body,
      h('div', { class: 'page-head' },
        h('h1', {}, h('span', { testid: 'tree-title' }, treeTitle(tree)), ' ', badge('tree', tree.status, 'tree-status')),
        h('div', { class: 'page-actions' }, activateBtn, newVersionBtn)),
      h('p', { class: 'muted meta', testid: 'tree-meta', 'data-version': tree.version },
        t('tree.meta', { by: tree.created_by ?? '', created: formatTime(tree.created_at, lang()), activated: tree.activated_at ? formatTime(tree.activated_at, lang()) : '—' })),
      draft ? null : h('p', { class: 'form-message ok', testid: 'tree-readonly' }, t('tree.readonly', { status: t(`tree.${tree.status}` as 'tree.active') })),
      msg.element,
      h('div', { class: 'panel' },
        h('div', { class: 'form-grid' }, field('name', t('tree.name'), nameInput)),
        h('p', { class: 'hint' }, t('tree.weightsHint')),
        treeBox,
        draft ? h('div', { class: 'form-actions' }, saveBtn) : null),
      judgements);
  }

  void load(flash ?? undefined);
  return page;
}
