// Supply risk: spend concentration per category and currency (shares and the HHI), and the SKUs
// that have a single source.

import { getJson } from '../api';
import { h, replaceChildren } from '../dom';
import type { Risk } from '../evaluation';
import { describeError } from '../form';
import { optionLabel, t } from '../i18n';
import { field, fmtInt, fmtMoney, fmtPercent } from '../kit';
import { href, navigate } from '../router';
import { evaluationTabs } from './evaluation';

/** HHI bands of the US merger guidelines: below 1,500 unconcentrated, above 2,500 highly. */
export function hhiLevel(hhi: number): 'low' | 'moderate' | 'high' {
  if (hhi > 2500) return 'high';
  if (hhi >= 1500) return 'moderate';
  return 'low';
}

export function renderRisk(query: URLSearchParams): HTMLElement {
  const fromValue = query.get('from') ?? '';
  const toValue = query.get('to') ?? '';
  const from = h('input', { type: 'date', id: 'risk-from', testid: 'risk-from', value: fromValue });
  const to = h('input', { type: 'date', id: 'risk-to', testid: 'risk-to', value: toValue });
  const toolbar = h('form', { class: 'toolbar filters', testid: 'risk-toolbar' },
    field('from', t('risk.from'), from), field('to', t('risk.to'), to),
    h('div', { class: 'toolbar-actions' }, h('button', { type: 'submit', class: 'btn primary', testid: 'risk-show' }, t('ranking.show'))));
  toolbar.addEventListener('submit', (ev) => {
    ev.preventDefault();
    navigate(href(['evaluation', 'risk'], { from: from.value, to: to.value }));
  });
  const box = h('div', { class: 'risk-body', testid: 'risk-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('list.loading')));
  const page = h('section', { class: 'page eval-page', testid: 'page-eval-risk' },
    evaluationTabs('risk'),
    h('div', { class: 'page-head' }, h('h1', {}, t('risk.title'))),
    h('p', { class: 'muted lead' }, t('risk.lead')),
    h('div', { class: 'panel' }, toolbar),
    box);

  void (async () => {
    try {
      const risk = await getJson<Risk>('/evaluation/risk', { from: fromValue, to: toValue });
      const cats = risk.categories ?? [];
      const single = risk.single_source_skus ?? [];
      replaceChildren(box,
        h('h2', {}, t('risk.concentration')),
        cats.length ? h('div', { class: 'risk-cards' }, cats.map((c) => {
          const level = hhiLevel(Number(c.hhi));
          return h('article', { class: 'panel risk-card', testid: 'risk-category', 'data-category': c.category, 'data-hhi': c.hhi },
            h('div', { class: 'risk-head' },
              h('h3', {}, optionLabel('category', c.category), h('span', { class: 'muted small' }, ` · ${c.currency}`)),
              h('span', { class: `badge hhi-${level}`, testid: 'risk-level' }, t(`risk.level.${level}` as 'risk.level.low'))),
            h('p', { class: 'risk-figures' },
              h('span', {}, t('risk.hhi'), ' ', h('strong', { testid: 'risk-hhi' }, fmtInt(c.hhi))),
              h('span', {}, t('risk.spend'), ' ', h('strong', {}, fmtMoney(c.spend, c.currency)))),
            h('ul', { class: 'shares' }, (c.suppliers ?? []).map((s) => h('li', { testid: 'risk-supplier', 'data-code': s.supplier_code },
              h('span', { class: 'share-label' }, s.supplier_code),
              h('span', { class: 'share-bar' }, h('span', { class: 'hbar', style: `width:${Math.max(0, Math.min(1, Number(s.share))) * 100}%` })),
              h('span', { class: 'share-value' }, fmtPercent(s.share)),
              h('span', { class: 'muted small share-spend' }, fmtMoney(s.spend, c.currency))))));
        })) : h('p', { class: 'empty', testid: 'risk-empty' }, t('risk.noSpend')),
        h('h2', {}, t('risk.singleSource')),
        single.length ? h('div', { class: 'table-box' }, h('table', { class: 'list', testid: 'single-source-table' },
          h('thead', {}, h('tr', {}, h('th', {}, t('risk.sku')), h('th', {}, t('scores.supplier')))),
          h('tbody', {}, single.map((s) => h('tr', { testid: 'single-source-row', 'data-sku': s.sku_code },
            h('td', { 'data-label': t('risk.sku') }, h('a', { href: href(['skus', s.sku_id]) }, s.sku_code)),
            h('td', { 'data-label': t('scores.supplier') }, h('a', { href: href(['suppliers', s.supplier_id]) }, s.supplier_code)))))))
          : h('p', { class: 'empty', testid: 'single-source-empty' }, t('risk.noSingle')));
    } catch (err) {
      replaceChildren(box, h('p', { class: 'form-message error', role: 'alert', testid: 'risk-error' }, describeError(err)));
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  })();
  return page;
}
