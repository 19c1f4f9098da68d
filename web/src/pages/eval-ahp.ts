// AHP matrix editor of one node of a tree ("root" = the first-level indicators, or a first-level
// indicator's children): Saaty-scale selects for the upper triangle, reciprocals below, and the
// weights, λmax, CI and CR recomputed live by the preview endpoint. "Apply weights" sets them.

import { ApiError, getJson, postJson } from '../api';
import { h, replaceChildren } from '../dom';
import {
  SAATY_VALUES, judgementValue, nearestJudgement, nodeChildren, previewWeights, reciprocalText,
  type AhpPreview, type Disagreement, type Tree,
} from '../evaluation';
import { setFlash } from '../flash';
import { describeError } from '../form';
import { t } from '../i18n';
import { debounce, messageBox } from '../kit';
import { href, navigate } from '../router';
import { evaluationTabs } from './evaluation';
import { treeTitle } from './eval-trees';

const MAX_CR = 0.10;

export function renderAhp(treeId: string, node: string): HTMLElement {
  const body = h('div', { class: 'ahp-body' }, h('p', { class: 'muted' }, t('list.loading')));
  const page = h('section', { class: 'page eval-page', testid: 'page-eval-ahp' },
    evaluationTabs('trees'),
    h('a', { class: 'back', href: href(['evaluation', 'trees', treeId]), testid: 'back-to-tree' }, `‹ ${t('ahp.back')}`),
    body);

  void (async () => {
    try {
      const tree = await getJson<Tree>(`/evaluation/trees/${encodeURIComponent(treeId)}`);
      show(tree);
    } catch (err) {
      replaceChildren(body, h('p', { class: 'form-message error', role: 'alert', testid: 'ahp-error' }, describeError(err)));
    }
  })();

  function show(tree: Tree): void {
    const criteria = nodeChildren(tree, node);
    if (!criteria) {
      replaceChildren(body, h('p', { class: 'form-message error', role: 'alert', testid: 'ahp-error' }, t('ahp.noNode', { node })));
      return;
    }
    const n = criteria.length;
    const codes = criteria.map((c) => c.code);
    const draft = tree.status === 'draft';
    const nodeLabel = node === 'root' ? t('tree.firstLevel') : `${tree.indicators.find((i) => i.code === node)?.name ?? node} (${node})`;

    // Upper-triangle judgements as Saaty-scale texts; start from the stored matrix, if any.
    const upper: string[][] = Array.from({ length: n }, () => new Array<string>(n).fill('1'));
    const stored = (tree.judgements ?? []).find((j) => j.node === node);
    let riTable = stored?.ri_table ?? 'saaty';
    if (stored && stored.matrix.length === n) {
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) upper[i][j] = nearestJudgement(Number(stored.matrix[i][j]));
    }
    const matrix = (): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => {
      if (i === j) return 1;
      return i < j ? judgementValue(upper[i][j]) : 1 / judgementValue(upper[j][i]);
    }));

    // --- grid --------------------------------------------------------------------------------
    const selects = new Map<string, HTMLSelectElement>();
    const recips = new Map<string, HTMLElement>();
    const cells = new Map<string, HTMLElement>();
    const grid = h('table', { class: 'ahp-grid', testid: 'ahp-grid' },
      h('caption', { class: 'sr-only' }, t('ahp.gridCaption')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), criteria.map((c, j) =>
        h('th', { scope: 'col', title: c.name }, h('span', { class: 'crit-no' }, String(j + 1)), ' ', c.code)))),
      h('tbody', {}, criteria.map((row, i) => h('tr', {},
        h('th', { scope: 'row', title: row.code }, h('span', { class: 'crit-no' }, String(i + 1)), ' ', row.name || row.code),
        criteria.map((col, j) => {
          let content: HTMLElement | string;
          if (i === j) content = h('span', { class: 'diag' }, '1');
          else if (i < j) {
            const sel = h('select', {
              testid: `ahp-cell-${i}-${j}`, 'aria-label': t('ahp.cellLabel', { row: row.code, col: col.code }), disabled: !draft,
            }, SAATY_VALUES.map((v) => h('option', { value: v }, v)));
            sel.value = upper[i][j];
            sel.addEventListener('change', () => {
              upper[i][j] = sel.value;
              recips.get(`${j}-${i}`)!.textContent = reciprocalText(sel.value);
              changed();
            });
            selects.set(`${i}-${j}`, sel);
            content = sel;
          } else {
            const span = h('span', { class: 'recip', testid: `ahp-recip-${i}-${j}` }, reciprocalText(upper[j][i]));
            recips.set(`${i}-${j}`, span);
            content = span;
          }
          const td = h('td', { class: i === j ? 'diag-cell' : i < j ? 'upper' : 'lower' }, content);
          cells.set(`${i}-${j}`, td);
          return td;
        })))));

    const riSelect = h('select', { id: 'ahp-ri', testid: 'ahp-ri', disabled: !draft },
      h('option', { value: 'saaty' }, t('ahp.ri.saaty')),
      h('option', { value: 'alonso' }, t('ahp.ri.alonso')));
    riSelect.value = riTable;
    riSelect.addEventListener('change', () => { riTable = riSelect.value; changed(); });

    // --- live result -------------------------------------------------------------------------
    const result = h('div', { class: 'panel ahp-result', testid: 'ahp-result', 'aria-live': 'polite', 'aria-busy': 'true' });
    const crEl = h('strong', { testid: 'ahp-cr' }, '…');
    const lambdaEl = h('span', { testid: 'ahp-lambda' }, '…');
    const ciEl = h('span', { testid: 'ahp-ci' }, '…');
    const stateEl = h('span', { class: 'badge', testid: 'ahp-consistency' }, '…');
    const weightsBox = h('div', { class: 'ahp-weights', testid: 'ahp-weights' });
    const disagreeBox = h('div', { class: 'ahp-disagree', testid: 'ahp-disagreements' });
    const previewError = h('p', { class: 'form-message error', role: 'alert', testid: 'ahp-preview-error', hidden: true });
    replaceChildren(result,
      h('h2', {}, t('ahp.result')),
      h('div', { class: 'ahp-stats' },
        h('div', { class: 'stat' }, h('span', { class: 'muted' }, 'CR'), crEl),
        h('div', { class: 'stat' }, h('span', { class: 'muted' }, 'λmax'), lambdaEl),
        h('div', { class: 'stat' }, h('span', { class: 'muted' }, 'CI'), ciEl),
        h('div', { class: 'stat' }, stateEl)),
      previewError,
      h('div', { class: 'ahp-result-grid' }, weightsBox, disagreeBox));

    const markDisagreements = (list: Disagreement[]) => {
      for (const td of cells.values()) td.classList.remove('disagree');
      for (const d of list) {
        cells.get(`${d.row}-${d.column}`)?.classList.add('disagree');
        cells.get(`${d.column}-${d.row}`)?.classList.add('disagree');
      }
    };

    const disagreementList = (list: Disagreement[], testid: string) => h('ul', { class: 'disagreements', testid },
      list.map((d) => h('li', { testid: 'ahp-disagreement', 'data-row': d.row, 'data-column': d.column },
        t('ahp.disagreement', {
          a: codes[d.row] ?? String(d.row + 1), b: codes[d.column] ?? String(d.column + 1),
          given: fmtJudgement(d.given), implied: fmtJudgement(d.implied),
        }))));

    let seq = 0;
    let last: AhpPreview | null = null;
    const preview = async () => {
      const mine = ++seq;
      try {
        const p = await postJson<AhpPreview>('/evaluation/ahp', { criteria: codes, matrix: matrix(), ri_table: riTable });
        if (mine !== seq) return;
        last = p;
        previewError.hidden = true;
        const weights = previewWeights(p, codes);
        const cr = Number(p.cr);
        const consistent = typeof p.consistent === 'boolean' ? p.consistent : cr <= MAX_CR;
        crEl.textContent = cr.toFixed(4);
        crEl.setAttribute('data-value', String(cr));
        crEl.className = consistent ? 'cr-ok' : 'cr-bad';
        lambdaEl.textContent = Number(p.lambda_max).toFixed(4);
        lambdaEl.setAttribute('data-value', String(p.lambda_max));
        ciEl.textContent = Number(p.ci).toFixed(4);
        stateEl.textContent = consistent ? t('ahp.consistent') : t('ahp.inconsistent');
        stateEl.className = `badge ${consistent ? 'status-active' : 'status-bad'}`;
        stateEl.setAttribute('data-consistent', String(consistent));
        result.classList.toggle('inconsistent', !consistent);
        const max = Math.max(...weights, 0.0001);
        replaceChildren(weightsBox, h('table', { class: 'list weights-table' },
          h('thead', {}, h('tr', {}, h('th', {}, t('tree.col.indicator')), h('th', {}, t('tree.col.weight')), h('th', {}, ''))),
          h('tbody', {}, criteria.map((c, i) => h('tr', {},
            h('td', { 'data-label': t('tree.col.indicator') }, c.name ? `${c.name} (${c.code})` : c.code),
            h('td', { 'data-label': t('tree.col.weight'), class: 'num' },
              h('span', { testid: `ahp-weight-${c.code}`, 'data-value': weights[i] }, weights[i].toFixed(4))),
            h('td', { class: 'bar-cell' }, h('span', { class: 'hbar', style: `width:${(weights[i] / max) * 100}%` })))))));
        const list = consistent ? [] : (p.disagreements ?? []);
        markDisagreements(list);
        replaceChildren(disagreeBox, list.length
          ? [h('p', { class: 'warn-text' }, t('ahp.revisit')), disagreementList(list, 'ahp-disagreement-list')]
          : h('p', { class: 'muted small' }, n <= 2 ? t('ahp.smallMatrix') : t('ahp.crRule')));
        applyBtn.disabled = !draft;
      } catch (err) {
        if (mine !== seq) return;
        last = null;
        previewError.textContent = describeError(err);
        previewError.hidden = false;
      } finally {
        if (mine === seq) result.setAttribute('aria-busy', 'false');
      }
    };
    const previewLater = debounce(() => void preview(), 200);
    function changed(): void {
      // Busy at once, so nobody reads the result of the previous matrix.
      result.setAttribute('aria-busy', 'true');
      seq++;
      applyMsg.hide();
      previewLater();
    }

    // --- apply -------------------------------------------------------------------------------
    const applyMsg = messageBox('ahp-apply-message');
    const applyBtn = h('button', { type: 'button', class: 'btn primary', testid: 'ahp-apply', disabled: true }, t('ahp.apply'));
    applyBtn.hidden = !draft;
    applyBtn.addEventListener('click', async () => {
      applyBtn.disabled = true;
      applyMsg.hide();
      try {
        await postJson<Tree>(`/evaluation/trees/${tree.id}/ahp`, { node, matrix: matrix(), ri_table: riTable });
        setFlash(t('ahp.applied', { node: nodeLabel, cr: last ? Number(last.cr).toFixed(4) : '' }));
        navigate(href(['evaluation', 'trees', tree.id]));
      } catch (err) {
        const details = err instanceof ApiError ? err.details : {};
        const list = Array.isArray(details.disagreements) ? details.disagreements as Disagreement[] : [];
        markDisagreements(list);
        applyMsg.show(describeError(err), 'error', list.length ? disagreementList(list, 'ahp-apply-disagreements') : null);
        applyBtn.disabled = false;
      }
    });

    replaceChildren(body,
      h('div', { class: 'page-head' },
        h('h1', {}, t('ahp.title', { node: nodeLabel })),
        h('span', { class: 'muted', testid: 'ahp-tree' }, treeTitle(tree))),
      draft ? null : h('p', { class: 'form-message ok' }, t('ahp.readonly')),
      h('p', { class: 'muted lead' }, t('ahp.lead')),
      h('div', { class: 'ahp-layout' },
        h('div', { class: 'panel ahp-matrix' },
          h('div', { class: 'field inline' }, h('label', { for: 'ahp-ri' }, t('ahp.riTable')), riSelect),
          h('div', { class: 'ahp-scroll' }, grid),
          h('p', { class: 'hint' }, t('ahp.scaleHint')),
          applyMsg.element,
          h('div', { class: 'form-actions' }, applyBtn)),
        result));
    void preview();
  }

  return page;
}

function fmtJudgement(v: number): string {
  if (!Number.isFinite(v) || v <= 0) return String(v);
  const inverse = Number((1 / v).toFixed(2));
  if (v >= 1 || inverse <= 1) return String(Number(v.toFixed(2)));
  return `1/${inverse}`;
}
