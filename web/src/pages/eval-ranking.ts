// Ranking of the suppliers for a period (optionally only those offering a SKU): total, band,
// weighted rank, TOPSIS rank beside it, and a stacked bar of each first-level indicator's
// contribution to the total.

import { getJson } from '../api';
import { h, replaceChildren } from '../dom';
import {
  INDICATOR_COLOURS, loadActiveTree, rememberPeriod, rememberedPeriod, type RankingItem, type Scorecard, type Tree,
} from '../evaluation';
import { describeError } from '../form';
import { t } from '../i18n';
import { PERIOD_PATTERN, badge, currentPeriod, field, fmtNum, recordPicker } from '../kit';
import { href, navigate } from '../router';
import { evaluationTabs } from './evaluation';
import { treeTitle } from './eval-trees';

export function renderRanking(query: URLSearchParams): HTMLElement {
  const periodValue = (query.get('period') || rememberedPeriod(currentPeriod())).toUpperCase();
  const skuId = Number(query.get('sku_id')) || null;

  const period = h('input', { type: 'text', id: 'ranking-period', testid: 'ranking-period', value: periodValue, class: 'short-period', autocomplete: 'off' });
  const sku = recordPicker({ path: 'skus', id: 'ranking-sku', testid: 'ranking-sku', value: skuId, empty: t('ranking.allSkus') });
  const toolbar = h('form', { class: 'toolbar filters', testid: 'ranking-toolbar' },
    field('period', t('scores.period'), period),
    field('sku_id', t('ranking.sku'), sku.element, { input: sku.select }),
    h('div', { class: 'toolbar-actions' }, h('button', { type: 'submit', class: 'btn primary', testid: 'ranking-show' }, t('ranking.show'))));
  toolbar.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = period.value.trim().toUpperCase();
    navigate(href(['evaluation', 'ranking'], { period: p, sku_id: sku.value() }));
  });

  const box = h('div', { class: 'ranking-body', testid: 'ranking-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('list.loading')));
  const page = h('section', { class: 'page eval-page', testid: 'page-eval-ranking' },
    evaluationTabs('ranking'),
    h('div', { class: 'page-head' }, h('h1', {}, t('ranking.title'))),
    h('div', { class: 'panel' }, toolbar),
    box);

  void (async () => {
    try {
      if (!PERIOD_PATTERN.test(periodValue)) {
        replaceChildren(box, h('p', { class: 'form-message error', role: 'alert' }, t('scores.periodInvalid')));
        return;
      }
      rememberPeriod(periodValue);
      const tree = await loadActiveTree();
      if (!tree) {
        replaceChildren(box, h('p', { class: 'form-message error', testid: 'no-active-tree' }, t('eval.noActiveTree'), ' ',
          h('a', { href: href(['evaluation']) }, t('eval.toTrees'))));
        return;
      }
      const [ranking, cards] = await Promise.all([
        getJson<{ items: RankingItem[] }>('/evaluation/ranking', { period: periodValue, sku_id: skuId }),
        getJson<{ items: Scorecard[] }>('/evaluation/scorecards', { period: periodValue }),
      ]);
      show(tree, ranking.items ?? [], cards.items ?? []);
    } catch (err) {
      replaceChildren(box, h('p', { class: 'form-message error', role: 'alert', testid: 'ranking-error' }, describeError(err)));
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  })();

  function show(tree: Tree, items: RankingItem[], cards: Scorecard[]): void {
    const byId = new Map(cards.map((c) => [c.supplier_id, c]));
    const colours = new Map(tree.indicators.map((ind, i) => [ind.code, INDICATOR_COLOURS[i % INDICATOR_COLOURS.length]]));
    const names = new Map(tree.indicators.map((ind) => [ind.code, ind.name || ind.code]));
    const legend = h('ul', { class: 'legend', testid: 'ranking-legend' }, tree.indicators.map((ind) =>
      h('li', {}, h('span', { class: 'swatch', style: `background:${colours.get(ind.code)}` }), `${names.get(ind.code)} (${fmtNum(ind.weight, 3)})`)));

    const bar = (card: Scorecard | undefined) => {
      const segs = (card?.breakdown ?? []).map((b) => {
        const v = Math.max(0, Number(b.contribution) || 0);
        return h('span', {
          class: 'seg', testid: 'contrib-seg', 'data-code': b.code, 'data-value': v,
          style: `width:${Math.min(100, v)}%;background:${colours.get(b.code) ?? '#999'}`,
          title: `${names.get(b.code) ?? b.code}: ${fmtNum(v, 1)}`,
        });
      });
      return h('div', { class: 'stack', testid: 'contrib-bar', role: 'img', 'aria-label': (card?.breakdown ?? []).map((b) => `${b.code} ${fmtNum(b.contribution, 1)}`).join(', ') }, segs);
    };

    const table = items.length
      ? h('table', { class: 'list ranking-table', testid: 'ranking-table' },
          h('thead', {}, h('tr', {},
            ['ranking.rank', 'ranking.supplier', 'ranking.total', 'ranking.band', 'ranking.contribution', 'ranking.topsis'].map((k) =>
              h('th', { scope: 'col' }, t(k as 'ranking.rank'))))),
          h('tbody', {}, items.map((it) => {
            const card = byId.get(it.supplier_id);
            return h('tr', {
              testid: 'ranking-row', 'data-supplier-id': it.supplier_id, 'data-code': it.supplier_code,
              'data-rank': it.weighted_rank, 'data-topsis-rank': it.topsis_rank, 'data-total': it.total,
            },
              h('td', { 'data-label': t('ranking.rank'), class: 'rank' }, h('span', { class: 'rank-no' }, String(it.weighted_rank))),
              h('td', { 'data-label': t('ranking.supplier') }, h('div', { class: 'who' },
                h('a', { href: href(['evaluation', 'trend'], { supplier_id: it.supplier_id }), title: t('ranking.trendOf') }, it.supplier_code),
                card?.supplier_name ? h('div', { class: 'muted small' }, card.supplier_name) : null)),
              h('td', { 'data-label': t('ranking.total'), class: 'num', testid: 'ranking-total' }, fmtNum(it.total, 1)),
              h('td', { 'data-label': t('ranking.band') }, badge('band', it.band)),
              h('td', { 'data-label': t('ranking.contribution'), class: 'bar-td' }, bar(card)),
              h('td', { 'data-label': t('ranking.topsis'), class: 'num', testid: 'ranking-topsis' }, h('span', { class: 'topsis' },
                h('span', { class: 'rank-no alt' }, String(it.topsis_rank)), ' ',
                h('span', { class: 'muted small', title: t('ranking.closeness') }, `(${fmtNum(it.topsis_closeness, 3)})`))));
          })))
      : h('p', { class: 'empty', testid: 'ranking-empty' }, t('ranking.empty'));

    const incomplete = cards.filter((c) => c.total === null);
    replaceChildren(box,
      h('p', { class: 'muted' }, t('eval.underTree', { title: treeTitle(tree) }), ' · ', t('ranking.topsisNote')),
      legend,
      h('div', { class: 'table-box' }, table),
      incomplete.length ? h('div', { class: 'panel incomplete', testid: 'ranking-incomplete' },
        h('h2', {}, t('ranking.incomplete')),
        h('ul', { class: 'plain-list' }, incomplete.map((c) => h('li', {},
          h('a', { href: href(['evaluation', 'scores'], { supplier_id: c.supplier_id, period: periodValue }) }, c.supplier_code),
          ': ', h('span', { class: 'muted' }, t('scores.missing', { codes: c.missing.join(', ') })))))) : null);
  }

  return page;
}
