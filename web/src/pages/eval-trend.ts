// A supplier's total over the periods (line chart, with the bands), and the same as a table.

import { getJson } from '../api';
import { h, replaceChildren } from '../dom';
import { trendChart } from '../charts';
import type { Band, TrendPoint } from '../evaluation';
import { describeError } from '../form';
import { t, tDynamic } from '../i18n';
import { badge, field, fmtNum, recordPicker } from '../kit';
import { href, navigate } from '../router';
import { evaluationTabs } from './evaluation';

export function renderTrend(query: URLSearchParams): HTMLElement {
  const supplierId = Number(query.get('supplier_id')) || null;
  const picker = recordPicker({
    path: 'suppliers', id: 'trend-supplier', testid: 'trend-supplier', value: supplierId,
    onChange: (r) => {
      if (r && r.id !== supplierId) navigate(href(['evaluation', 'trend'], { supplier_id: r.id }));
    },
  });
  const box = h('div', { class: 'trend-body', testid: 'trend-body', 'aria-busy': 'true' });
  const page = h('section', { class: 'page eval-page', testid: 'page-eval-trend' },
    evaluationTabs('trend'),
    h('div', { class: 'page-head' }, h('h1', {}, t('trend.title'))),
    h('div', { class: 'panel' }, h('div', { class: 'form-grid' }, field('supplier_id', t('scores.supplier'), picker.element, { input: picker.select }))),
    box);

  if (!supplierId) {
    replaceChildren(box, h('p', { class: 'muted', testid: 'trend-choose' }, t('trend.choose')));
    box.setAttribute('aria-busy', 'false');
    return page;
  }

  void (async () => {
    try {
      const [trend, bands] = await Promise.all([
        getJson<{ items: TrendPoint[] }>(`/evaluation/suppliers/${supplierId}/trend`),
        getJson<{ bands: Band[] }>('/evaluation/bands').catch(() => ({ bands: [] as Band[] })),
      ]);
      // Oldest first, by the first month a period covers ("2026-Q3" starts in July).
      const start = (p: string) => {
        const m = /^(\d{4})-(?:Q([1-4])|(\d{2}))$/.exec(p);
        return m ? Number(m[1]) * 12 + (m[2] ? (Number(m[2]) - 1) * 3 : Number(m[3]) - 1) : Number.MAX_SAFE_INTEGER;
      };
      const items = [...(trend.items ?? [])].sort((a, b) => start(a.period) - start(b.period) || (a.period < b.period ? -1 : 1));
      if (!items.length) {
        replaceChildren(box, h('p', { class: 'empty', testid: 'trend-empty' }, t('trend.empty')));
        return;
      }
      const chartEl = h('div', { class: 'chart', testid: 'trend-chart', role: 'img', 'aria-label': t('trend.chartLabel') });
      replaceChildren(box,
        h('div', { class: 'panel' }, chartEl),
        h('div', { class: 'table-box' }, h('table', { class: 'list', testid: 'trend-table' },
          h('thead', {}, h('tr', {}, h('th', {}, t('scores.period')), h('th', {}, t('ranking.total')), h('th', {}, t('ranking.band')))),
          h('tbody', {}, items.map((p) => h('tr', { testid: 'trend-row', 'data-period': p.period, 'data-total': p.total ?? '' },
            h('td', { 'data-label': t('scores.period') },
              h('a', { href: href(['evaluation', 'ranking'], { period: p.period }) }, p.period)),
            h('td', { 'data-label': t('ranking.total'), class: 'num' }, p.total === null ? t('scores.incomplete') : fmtNum(p.total, 1)),
            h('td', { 'data-label': t('ranking.band') }, badge('band', p.band))))))));
      trendChart(chartEl, {
        periods: items.map((p) => p.period),
        totals: items.map((p) => (p.total === null ? null : Number(p.total))),
        bands: (bands.bands ?? []).map((b) => ({ ...b, name: tDynamic(`band.${b.name}`, b.name) })),
        seriesName: t('ranking.total'),
      });
    } catch (err) {
      replaceChildren(box, h('p', { class: 'form-message error', role: 'alert', testid: 'trend-error' }, describeError(err)));
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  })();
  return page;
}
