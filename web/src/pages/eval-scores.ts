// Score entry for one supplier and period under the active tree, and the computation of the
// operational indicators from orders and receipts.

import { getJson, postJson, putJson } from '../api';
import { formatTime, h, replaceChildren } from '../dom';
import {
  loadActiveTree, rememberPeriod, rememberedPeriod, type Scorecard, type Tree,
} from '../evaluation';
import { describeError } from '../form';
import { lang, t } from '../i18n';
import {
  PERIOD_PATTERN, badge, clearFieldErrors, currentPeriod, field, fmtNum, messageBox, recordCode, recordPicker,
  setFieldError, showApiError,
} from '../kit';
import { href } from '../router';
import { evaluationTabs } from './evaluation';
import { treeTitle } from './eval-trees';

interface ComputeResult {
  computed: { supplier_id: number; indicator: string; score: number }[];
  missing: { supplier_id: number; indicator: string; reason: string }[];
}

export function renderScores(query: URLSearchParams): HTMLElement {
  const initialSupplier = Number(query.get('supplier_id')) || null;
  const period = h('input', {
    type: 'text', id: 'score-period', testid: 'score-period', value: query.get('period') || rememberedPeriod(currentPeriod()),
    placeholder: '2026-11', class: 'short-period', autocomplete: 'off', inputmode: 'numeric',
  });
  const msg = messageBox('scores-message');
  const inputsBox = h('div', { class: 'score-inputs', testid: 'score-inputs' });
  const resultBox = h('div', { class: 'scorecard-box', testid: 'scorecard' });
  const note = h('textarea', { id: 'score-note', testid: 'score-note', rows: 2 });
  const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'scores-submit' }, t('scores.save'));
  let tree: Tree | null = null;

  const picker = recordPicker({ path: 'suppliers', id: 'score-supplier', testid: 'score-supplier', value: initialSupplier, onChange: () => void prefill() });
  const form = h('form', { class: 'scores-form', testid: 'scores-form', novalidate: true, 'aria-busy': 'true' },
    h('div', { class: 'form-grid' },
      field('supplier_id', t('scores.supplier'), picker.element, { required: true, input: picker.select }),
      field('period', t('scores.period'), period, { required: true, hint: t('scores.periodHint') })),
    inputsBox,
    field('note', t('scores.note'), note, { wide: true }),
    msg.element,
    h('div', { class: 'form-actions' }, submit));

  const treeLine = h('p', { class: 'muted', testid: 'scores-tree' });
  const page = h('section', { class: 'page eval-page', testid: 'page-eval-scores' },
    evaluationTabs('scores'),
    h('div', { class: 'page-head' }, h('h1', {}, t('scores.title'))),
    treeLine,
    h('div', { class: 'detail-grid wide-side' },
      h('div', { class: 'panel' }, form),
      h('div', { class: 'side' }, resultBox, computePanel())),
  );

  const inputs = new Map<string, HTMLInputElement>();

  function renderInputs(): void {
    inputs.clear();
    if (!tree) return;
    replaceChildren(inputsBox, tree.indicators.map((ind) => h('fieldset', { class: 'form-group', testid: 'score-group', 'data-code': ind.code },
      h('legend', {}, `${ind.name || ind.code}`, h('span', { class: 'muted small' }, ` · ${t('tree.col.weight')} ${fmtNum(ind.weight, 3)}`)),
      h('div', { class: 'form-grid' }, ind.children.map((c) => {
        const input = h('input', { type: 'text', inputmode: 'decimal', class: 'num', id: `score-${c.code}`, testid: `score-${c.code}`, autocomplete: 'off' });
        inputs.set(c.code, input);
        const hint = t('scores.scaleHint', { min: c.scale_min, max: c.scale_max, direction: t(`direction.${c.direction}` as 'direction.higher_is_better') });
        return field(c.code, `${c.name || c.code}`, input, { hint });
      })))));
  }

  let prefillSeq = 0;
  async function prefill(): Promise<void> {
    const mine = ++prefillSeq;
    form.setAttribute('aria-busy', 'true');
    try {
      await fillFromServer(mine);
    } finally {
      if (mine === prefillSeq) form.setAttribute('aria-busy', 'false');
    }
  }

  async function fillFromServer(mine: number): Promise<void> {
    clearFieldErrors(form);
    msg.hide();
    for (const input of inputs.values()) { input.value = ''; input.removeAttribute('data-source'); }
    replaceChildren(resultBox);
    const supplierId = picker.value();
    const p = period.value.trim().toUpperCase();
    if (!tree || !supplierId || !PERIOD_PATTERN.test(p)) return;
    try {
      const data = await getJson<{ items: Scorecard[] }>('/evaluation/scorecards', { period: p });
      if (mine !== prefillSeq) return;
      const card = (data.items ?? []).find((c) => c.supplier_id === supplierId);
      if (!card) return;
      for (const b of card.breakdown ?? []) {
        for (const c of b.children ?? []) {
          const input = inputs.get(c.code);
          if (input) {
            input.value = String(c.score);
            if (c.source) input.setAttribute('data-source', c.source);
            input.title = [c.source ? t(`source.${c.source}` as 'source.entered') : '', c.evaluator ?? '', c.at ? formatTime(c.at, lang()) : ''].filter(Boolean).join(' · ');
          }
        }
      }
      showCard(card);
    } catch {
      // nothing to prefill
    }
  }

  function showCard(card: Scorecard): void {
    replaceChildren(resultBox, h('div', { class: 'panel', testid: 'scorecard-panel' },
      h('h2', {}, t('scores.scorecard', { code: card.supplier_code || String(card.supplier_id) })),
      h('div', { class: 'big-total' },
        h('span', { testid: 'scorecard-total', 'data-value': card.total ?? '' }, card.total === null ? t('scores.incomplete') : fmtNum(card.total, 1)),
        ' ', card.band ? badge('band', card.band, 'scorecard-band') : null,
        card.consequence && card.consequence !== 'none' ? h('span', { class: `badge consequence-${card.consequence}` }, t(`consequence.${card.consequence}` as 'consequence.warn')) : null),
      card.missing?.length ? h('p', { class: 'muted small', testid: 'scorecard-missing' }, t('scores.missing', { codes: card.missing.join(', ') })) : null,
      h('div', { class: 'table-box flat' }, h('table', { class: 'list breakdown' },
        h('thead', {}, h('tr', {}, h('th', {}, t('tree.col.indicator')), h('th', {}, t('tree.col.weight')), h('th', {}, t('scores.subtotal')), h('th', {}, t('scores.contribution')))),
        h('tbody', {}, (card.breakdown ?? []).map((b) => h('tr', { testid: 'breakdown-row', 'data-code': b.code },
          h('td', { 'data-label': t('tree.col.indicator') }, b.code),
          h('td', { 'data-label': t('tree.col.weight'), class: 'num' }, fmtNum(b.weight, 3)),
          h('td', { 'data-label': t('scores.subtotal'), class: 'num' }, fmtNum(b.subtotal, 1)),
          h('td', { 'data-label': t('scores.contribution'), class: 'num' }, fmtNum(b.contribution, 2)))))))));
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.hide();
    if (!tree) return;
    const errors: [string, string][] = [];
    const supplierId = picker.value();
    if (!supplierId) errors.push(['supplier_id', t('form.required')]);
    const p = period.value.trim().toUpperCase();
    if (!PERIOD_PATTERN.test(p)) errors.push(['period', t('scores.periodInvalid')]);
    const scores: Record<string, number> = {};
    for (const [code, input] of inputs) {
      const raw = input.value.trim().replace(',', '.');
      if (!raw) continue;
      const v = Number(raw);
      if (!Number.isFinite(v)) errors.push([code, t('form.number')]);
      else scores[code] = v;
    }
    if (!errors.length && !Object.keys(scores).length) errors.push([[...inputs.keys()][0], t('scores.none')]);
    if (errors.length) {
      for (const [name, text] of errors) setFieldError(form, name, text);
      msg.show(t('form.fixErrors'), 'error');
      return;
    }
    submit.disabled = true;
    try {
      const body: Record<string, unknown> = { supplier_id: supplierId, period: p, scores };
      if (note.value.trim()) body.note = note.value.trim();
      const card = await putJson<Scorecard>('/evaluation/scores', body);
      rememberPeriod(p);
      msg.show(t('scores.saved', { code: card.supplier_code || String(supplierId), period: p }), 'ok',
        h('a', { href: href(['evaluation', 'ranking'], { period: p }), testid: 'scores-to-ranking' }, t('scores.toRanking')));
      showCard(card);
    } catch (err) {
      showApiError(form, msg, err);
    } finally {
      submit.disabled = false;
    }
  });
  period.addEventListener('change', () => void prefill());

  function computePanel(): HTMLElement {
    const box = h('div', { class: 'compute-result', testid: 'compute-result' });
    const btn = h('button', { type: 'button', class: 'btn', testid: 'scores-compute' }, t('scores.compute'));
    const cmsg = messageBox('compute-message');
    btn.addEventListener('click', async () => {
      const p = period.value.trim().toUpperCase();
      cmsg.hide();
      if (!PERIOD_PATTERN.test(p)) { cmsg.show(t('scores.periodInvalid'), 'error'); return; }
      btn.disabled = true;
      try {
        const r = await postJson<ComputeResult>('/evaluation/compute', { period: p });
        cmsg.show(t('scores.computed', { n: r.computed?.length ?? 0, m: r.missing?.length ?? 0 }), 'ok');
        replaceChildren(box,
          r.computed?.length ? h('table', { class: 'list', testid: 'computed-table' },
            h('thead', {}, h('tr', {}, h('th', {}, t('scores.supplier')), h('th', {}, t('tree.col.indicator')), h('th', {}, t('scores.score')))),
            h('tbody', {}, r.computed.map((c) => h('tr', {},
              h('td', { 'data-label': t('scores.supplier') }, recordCode('suppliers', c.supplier_id)),
              h('td', { 'data-label': t('tree.col.indicator') }, c.indicator),
              h('td', { 'data-label': t('scores.score'), class: 'num' }, fmtNum(c.score, 1)))))) : null,
          r.missing?.length ? h('div', {}, h('h3', {}, t('scores.notComputed')),
            h('ul', { class: 'plain-list', testid: 'missing-list' }, r.missing.map((m) => h('li', {},
              recordCode('suppliers', m.supplier_id), ` · ${m.indicator}: `, h('span', { class: 'muted' }, m.reason))))) : null);
        void prefill();
      } catch (err) {
        cmsg.show(describeError(err), 'error');
      } finally {
        btn.disabled = false;
      }
    });
    return h('div', { class: 'panel', testid: 'compute-panel' },
      h('h2', {}, t('scores.computeTitle')), h('p', { class: 'muted small' }, t('scores.computeLead')), cmsg.element, btn, box);
  }

  void (async () => {
    try {
      tree = await loadActiveTree();
      if (!tree) {
        replaceChildren(inputsBox, h('p', { class: 'form-message error', testid: 'no-active-tree' }, t('eval.noActiveTree'), ' ',
          h('a', { href: href(['evaluation']) }, t('eval.toTrees'))));
        submit.disabled = true;
        form.setAttribute('aria-busy', 'false');
        return;
      }
      treeLine.textContent = t('eval.underTree', { title: treeTitle(tree) });
      renderInputs();
      await prefill();
    } catch (err) {
      replaceChildren(inputsBox, h('p', { class: 'form-message error', role: 'alert' }, describeError(err)));
      form.setAttribute('aria-busy', 'false');
    }
  })();
  return page;
}
