// Customs rule tables: the dated rule rows grouped by kind (value, validity, source; the rows in
// force today marked) and the positive list with search by HS code prefix, paging and CSV import
// (hs_code,description,valid_from,valid_to,source).

import { ApiError, getJson, postCsv } from '../api';
import { h, replaceChildren } from '../dom';
import { describeError } from '../form';
import { t, tDynamic } from '../i18n';
import { boxError, field, loadingBox, todayIso } from '../kit';
import { RULE_KINDS, itemsOf, ruleValue, validity, type PositiveLine, type RuleRow } from '../orders';
import { href, navigate } from '../router';
import { ordersTabs } from './orders';

const PL_PAGE = 50;

const inForce = (r: { valid_from?: string; valid_to?: string | null }, day: string) =>
  (!r.valid_from || r.valid_from <= day) && (!r.valid_to || r.valid_to >= day);

export function renderRules(query: URLSearchParams): HTMLElement {
  const kind = query.get('kind') ?? '';
  const hs = query.get('hs') ?? '';
  const after = query.get('after') ?? '';
  const today = todayIso();

  // ---- rule rows --------------------------------------------------------------------------------
  const kindSel = h('select', { id: 'rule-filter-kind', testid: 'filter-kind' },
    h('option', { value: '' }, t('list.any')),
    RULE_KINDS.map((k) => h('option', { value: k }, tDynamic(`ruleKind.${k}`, k))));
  kindSel.value = kind;
  kindSel.addEventListener('change', () => navigate(href(['orders', 'rules'], { kind: kindSel.value || null, hs: hs || null })));
  const rulesBox = loadingBox('rules-body', 'rules-box');

  void (async () => {
    try {
      const rows = itemsOf<RuleRow>(await getJson<unknown>('/customs/rules'))
        .filter((r) => !kind || r.kind === kind);
      const kinds = [...new Set([...RULE_KINDS, ...rows.map((r) => r.kind)])].filter((k) => rows.some((r) => r.kind === k));
      const cols = ['ord.ruleId', 'ord.ruleKey', 'ord.ruleValue', 'ord.validity', 'ord.source', 'ord.scope'] as const;
      replaceChildren(rulesBox, kinds.length ? kinds.map((k) => h('div', { class: 'panel rule-kind-panel', testid: 'rule-kind', 'data-kind': k },
        h('h3', {}, tDynamic(`ruleKind.${k}`, k), ' ', h('span', { class: 'muted small code' }, k)),
        h('div', { class: 'table-box' }, h('table', { class: 'list', testid: 'rules-table' },
          h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
          h('tbody', {}, rows.filter((r) => r.kind === k)
            .sort((a, b) => (a.key ?? '').localeCompare(b.key ?? '') || a.valid_from.localeCompare(b.valid_from))
            .map((r) => h('tr', {
              testid: 'rule-row', 'data-id': r.id, 'data-kind': r.kind, 'data-key': r.key ?? '', 'data-value': ruleValue(r),
              'data-valid-from': r.valid_from, 'data-in-force': inForce(r, today) ? 'true' : 'false', class: inForce(r, today) ? 'in-force' : 'not-in-force',
            },
              h('td', { 'data-label': t(cols[0]) }, `#${r.id}`),
              h('td', { 'data-label': t(cols[1]) }, r.key || '—'),
              h('td', { 'data-label': t(cols[2]), class: 'strong' }, ruleValue(r)),
              h('td', { 'data-label': t(cols[3]), class: 'nowrap' }, validity(r.valid_from, r.valid_to),
                inForce(r, today) ? h('span', { class: 'badge in-force-badge' }, ` ${t('ord.inForce')}`) : null),
              h('td', { 'data-label': t(cols[4]), testid: 'rule-source' }, r.source || '—'),
              h('td', { 'data-label': t(cols[5]) }, (r.scope ? r.scope !== 'platform' : !!r.tenant_id) ? t('ord.ownRule') : t('ord.platformRule')))))))))
        : h('p', { class: 'empty', testid: 'list-empty' }, t('ord.noRules')));
    } catch (err) {
      boxError(rulesBox, err);
    } finally {
      rulesBox.setAttribute('aria-busy', 'false');
    }
  })();

  // ---- positive list ----------------------------------------------------------------------------
  const search = h('input', { type: 'search', id: 'pl-search', testid: 'pl-search', value: hs, placeholder: t('ord.hsHint'), inputmode: 'numeric', autocomplete: 'off' });
  const plForm = h('form', { class: 'toolbar filters', testid: 'pl-filters' },
    field('hs', t('ord.hsCode'), search),
    h('div', { class: 'toolbar-actions' }, h('button', { type: 'submit', class: 'btn primary', testid: 'pl-filter' }, t('list.searchBtn'))));
  plForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    navigate(href(['orders', 'rules'], { kind: kind || null, hs: search.value.trim() || null }));
  });
  const plBox = loadingBox('pl-body');
  const plNext = h('button', { type: 'button', class: 'btn', testid: 'pl-next', disabled: true }, `${t('list.next')} ›`);
  const plFirst = h('button', { type: 'button', class: 'btn', testid: 'pl-first', disabled: !after }, `« ${t('ord.firstPage')}`);
  plFirst.addEventListener('click', () => navigate(href(['orders', 'rules'], { kind: kind || null, hs: hs || null })));
  let nextAfter = '';
  plNext.addEventListener('click', () => { if (nextAfter) navigate(href(['orders', 'rules'], { kind: kind || null, hs: hs || null, after: nextAfter })); });

  async function loadPositive(): Promise<void> {
    plBox.setAttribute('aria-busy', 'true');
    try {
      const data = await getJson<{ items: PositiveLine[]; next_after?: string | null; next?: string | null }>('/customs/positive-list', { hs: hs || null, after: after || null, limit: PL_PAGE });
      const items = itemsOf<PositiveLine>(data);
      nextAfter = data.next_after ?? data.next ?? (items.length === PL_PAGE ? items[items.length - 1].hs_code : '') ?? '';
      plNext.disabled = !nextAfter || items.length < PL_PAGE;
      const cols = ['ord.hsCode', 'ord.description', 'ord.validity', 'ord.source'] as const;
      replaceChildren(plBox, items.length ? h('table', { class: 'list', testid: 'pl-table' },
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
        h('tbody', {}, items.map((p) => h('tr', { testid: 'pl-row', 'data-hs': p.hs_code, class: inForce(p, today) ? 'in-force' : 'not-in-force' },
          h('td', { 'data-label': t(cols[0]) }, h('span', { class: 'code' }, p.hs_code)),
          h('td', { 'data-label': t(cols[1]) }, p.description || '—'),
          h('td', { 'data-label': t(cols[2]), class: 'nowrap' }, validity(p.valid_from, p.valid_to)),
          h('td', { 'data-label': t(cols[3]) }, p.source || '—'))))) : h('p', { class: 'empty', testid: 'pl-empty' }, t('ord.noPositive')));
    } catch (err) {
      boxError(plBox, err);
    } finally {
      plBox.setAttribute('aria-busy', 'false');
    }
  }
  void loadPositive();

  // ---- CSV import -------------------------------------------------------------------------------
  const report = h('div', { class: 'csv-report', testid: 'pl-import-report', hidden: true });
  const file = h('input', { type: 'file', accept: '.csv,text/csv', testid: 'pl-file', id: 'pl-file' });
  const importBtn = h('button', { type: 'button', class: 'btn', testid: 'pl-import' }, `⤒ ${t('list.import')}`);
  importBtn.addEventListener('click', async () => {
    const chosen = file.files?.[0];
    if (!chosen) {
      replaceChildren(report, h('p', { class: 'form-message error', role: 'alert', testid: 'pl-import-error' }, t('ord.chooseFile')));
      report.hidden = false;
      return;
    }
    importBtn.disabled = true;
    try {
      const r = await postCsv<{ imported?: number; inserted?: number }>('/customs/positive-list/import', await chosen.text());
      replaceChildren(report, h('p', { class: 'form-message ok', testid: 'pl-import-ok', 'data-imported': r.imported ?? r.inserted ?? 0 }, t('csv.imported', { n: r.imported ?? r.inserted ?? 0 })));
      file.value = '';
      await loadPositive();
    } catch (err) {
      const rows = err instanceof ApiError ? err.rows : [];
      replaceChildren(report,
        h('p', { class: 'form-message error', role: 'alert', testid: 'pl-import-error' }, `${t('csv.failed')} ${describeError(err)}`),
        rows.length ? h('div', { class: 'table-box' }, h('table', { class: 'list import-errors', testid: 'import-errors' },
          h('thead', {}, h('tr', {}, h('th', {}, t('csv.line')), h('th', {}, t('csv.column')), h('th', {}, t('csv.reason')))),
          h('tbody', {}, rows.map((r) => h('tr', { testid: 'import-error-row' },
            h('td', { 'data-label': t('csv.line') }, String(r.line)), h('td', { 'data-label': t('csv.column') }, r.column ?? ''), h('td', { 'data-label': t('csv.reason') }, r.reason)))))) : null);
    } finally {
      report.hidden = false;
      importBtn.disabled = false;
    }
  });

  return h('section', { class: 'page ord-page', testid: 'page-rules' },
    ordersTabs('rules'),
    h('div', { class: 'page-head' }, h('h1', {}, t('ord.rulesTitle'))),
    h('p', { class: 'muted lead' }, t('ord.rulesLead')),
    h('div', { class: 'panel' }, h('div', { class: 'toolbar filters' }, field('kind', t('ord.ruleKind'), kindSel))),
    rulesBox,
    h('div', { class: 'panel', testid: 'positive-list' },
      h('h2', {}, t('ord.positiveTitle')),
      plForm,
      plBox,
      h('nav', { class: 'pager', 'aria-label': 'pagination' }, plFirst, plNext),
      h('h3', {}, t('ord.importTitle')),
      h('p', { class: 'muted small' }, t('ord.importLead')),
      h('div', { class: 'toolbar' }, file, importBtn),
      report));
}
