// CSV export / import buttons for list pages.

import { ApiError, getText, postCsv } from '../api';
import { h, replaceChildren } from '../dom';
import type { EntitySpec } from '../entities';
import { describeError } from '../form';
import { t } from '../i18n';

export interface CsvControls {
  buttons: HTMLElement;
  report: HTMLElement;
}

export function csvButtons(spec: EntitySpec, afterImport: () => void): CsvControls {
  const csv = spec.csv!;
  const report = h('div', { class: 'csv-report', testid: 'csv-report', hidden: true });

  const show = (...children: (Node | string)[]) => {
    replaceChildren(report, ...children);
    report.hidden = false;
  };

  const exportBtn = h('button', { type: 'button', class: 'btn', testid: 'csv-export' }, `⤓ ${t('list.export')}`);
  exportBtn.addEventListener('click', async () => {
    exportBtn.disabled = true;
    try {
      const { text, type } = await getText(`/export/${csv.export}`);
      const url = URL.createObjectURL(new Blob([text], { type }));
      const a = h('a', { href: url, download: csv.export, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      show(h('p', { class: 'form-message ok', testid: 'csv-ok' }, t('csv.exported', { file: csv.export })));
    } catch (err) {
      show(h('p', { class: 'form-message error', role: 'alert', testid: 'csv-error' }, describeError(err)));
    } finally {
      exportBtn.disabled = false;
    }
  });

  const buttons = h('span', { class: 'csv-buttons' }, exportBtn);
  if (csv.import) {
    const importPath = `/import/${csv.import}`;
    const file = h('input', { type: 'file', accept: '.csv,text/csv', hidden: true, testid: 'csv-file' });
    const importBtn = h('button', { type: 'button', class: 'btn', testid: 'csv-import' }, `⤒ ${t('list.import')}`);
    importBtn.addEventListener('click', () => file.click());
    file.addEventListener('change', async () => {
      const chosen = file.files?.[0];
      file.value = '';
      if (!chosen) return;
      importBtn.disabled = true;
      try {
        const result = await postCsv<{ imported: number }>(importPath, await chosen.text());
        show(h('p', { class: 'form-message ok', testid: 'csv-ok' }, t('csv.imported', { n: result.imported })));
        afterImport();
      } catch (err) {
        if (err instanceof ApiError && err.rows.length) {
          show(
            h('p', { class: 'form-message error', role: 'alert', testid: 'csv-error' }, `${t('csv.failed')} ${err.message}`),
            h('div', { class: 'table-box' },
              h('table', { class: 'list import-errors', testid: 'import-errors' },
                h('thead', {}, h('tr', {},
                  h('th', { scope: 'col' }, t('csv.line')),
                  h('th', { scope: 'col' }, t('csv.column')),
                  h('th', { scope: 'col' }, t('csv.reason')))),
                h('tbody', {}, err.rows.map((r) => h('tr', { testid: 'import-error-row' },
                  h('td', { 'data-label': t('csv.line') }, String(r.line)),
                  h('td', { 'data-label': t('csv.column') }, r.column ?? ''),
                  h('td', { 'data-label': t('csv.reason') }, r.reason)))))));
        } else {
          show(h('p', { class: 'form-message error', role: 'alert', testid: 'csv-error' }, describeError(err)));
        }
      } finally {
        importBtn.disabled = false;
      }
    });
    buttons.append(importBtn, file);
  }
  return { buttons, report };
}
