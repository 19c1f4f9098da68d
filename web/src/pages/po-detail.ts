// One purchase order: summary, the supplier's standing at ordering, lines with received,
// accepted and rejected quantities, confirm / cancel, the receive form and the receipts; the
// warehouse receive task of the order (created here, then driven on the terminal or task page).

import { ApiError, getJson, postJson, type Page } from '../api';
import { formatTime, h, replaceChildren } from '../dom';
import { describeError } from '../form';
import { lang, t } from '../i18n';
import { badge, clearFieldErrors, field, fmtMoney, messageBox, recordCode, setFieldError, showApiError, todayIso } from '../kit';
import { lineIndexOf, type PoLine, type PurchaseOrder, type Receipt, type ReceiptLine } from '../procurement';
import { href, navigate } from '../router';
import { keyPerBody, type Task } from '../warehouse';
import { standingPanel } from './po-create';
import { procurementTabs } from './procurement';
import { binSelect, showTaskError } from './task-new';
import { taskKindLabel } from './tasks';

export function renderPoDetail(id: string): HTMLElement {
  const body = h('div', { class: 'po-body' }, h('p', { class: 'muted' }, t('list.loading')));
  const page = h('section', { class: 'page proc-page', testid: 'page-po-detail' },
    procurementTabs('orders'),
    h('a', { class: 'back', href: href(['procurement']), testid: 'back-to-list' }, `‹ ${t('detail.back')}`),
    body);
  const path = `/purchase-orders/${encodeURIComponent(id)}`;

  async function load(notice?: string): Promise<void> {
    try {
      const [po, receipts] = await Promise.all([
        getJson<PurchaseOrder>(path),
        getJson<{ items: Receipt[] }>(`${path}/receipts`).catch(() => ({ items: [] as Receipt[] })),
      ]);
      show(po, receipts.items ?? [], notice);
    } catch (err) {
      replaceChildren(body, h('p', { class: 'form-message error', role: 'alert', testid: 'detail-error' }, describeError(err)));
    }
  }

  function show(po: PurchaseOrder, receipts: Receipt[], notice?: string): void {
    const msg = messageBox('po-message');
    if (notice) msg.show(notice, 'ok');
    const lines = po.lines ?? [];

    const action = (name: 'confirm' | 'cancel', label: string, cls: string) => {
      const b = h('button', { type: 'button', class: `btn ${cls}`, testid: `po-${name}` }, label);
      b.addEventListener('click', async () => {
        if (name === 'cancel' && !window.confirm(t('po.cancelConfirm', { code: po.code }))) return;
        b.disabled = true;
        try {
          await postJson<PurchaseOrder>(`${path}/${name}`, { version: po.version });
          await load(name === 'confirm' ? t('po.confirmedOk', { code: po.code }) : t('po.cancelledOk', { code: po.code }));
        } catch (err) {
          if (err instanceof ApiError && err.code === 'CONFLICT') {
            const reload = h('button', { type: 'button', class: 'btn small', testid: 'reload' }, t('detail.reload'));
            reload.addEventListener('click', () => void load());
            msg.show(`${t('detail.conflict')} (${err.message})`, 'error', reload);
          } else {
            msg.show(describeError(err), 'error');
          }
          b.disabled = false;
        }
      });
      return b;
    };
    const canConfirm = po.status === 'draft';
    const canCancel = po.status === 'draft' || po.status === 'confirmed';
    const canReceive = po.status === 'confirmed' || po.status === 'partly_received';

    const summary = h('dl', { class: 'summary', testid: 'po-summary' },
      h('dt', {}, t('scores.supplier')), h('dd', {}, h('a', { href: href(['suppliers', po.supplier_id]) }, recordCode('suppliers', po.supplier_id, true))),
      h('dt', {}, t('po.warehouse')), h('dd', {}, recordCode('warehouses', po.warehouse_id, true)),
      h('dt', {}, t('po.mode')), h('dd', {}, t(`mode.${po.transport_mode}` as 'mode.sea')),
      h('dt', {}, t('po.orderDate')), h('dd', {}, po.order_date ?? ''),
      h('dt', {}, t('po.expectedDate')), h('dd', {}, po.expected_date ?? ''),
      h('dt', {}, t('po.total')), h('dd', { testid: 'po-total' }, fmtMoney(po.total, po.currency)));

    const cols = ['po.line', 'risk.sku', 'po.quantity', 'po.unitPrice', 'po.quoted', 'po.qtyReceived', 'po.qtyAccepted', 'po.qtyRejected', 'po.qtyOpen'] as const;
    const table = h('table', { class: 'list', testid: 'po-lines-table' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
      h('tbody', {}, lines.map((l) => h('tr', {
        testid: 'po-line-row', 'data-line': l.line_no, 'data-received': l.received_qty, 'data-accepted': l.accepted_qty, 'data-rejected': l.rejected_qty,
      },
        h('td', { 'data-label': t(cols[0]) }, String(l.line_no)),
        h('td', { 'data-label': t(cols[1]) }, h('a', { href: href(['skus', l.sku_id]) }, recordCode('skus', l.sku_id, true))),
        h('td', { 'data-label': t(cols[2]), class: 'num' }, String(l.quantity)),
        h('td', { 'data-label': t(cols[3]), class: 'num' }, fmtMoney(l.unit_price, po.currency)),
        h('td', { 'data-label': t(cols[4]), class: 'num' }, l.quoted_price === null || l.quoted_price === undefined ? '—' : fmtMoney(l.quoted_price, po.currency)),
        h('td', { 'data-label': t(cols[5]), class: 'num' }, String(l.received_qty ?? 0)),
        h('td', { 'data-label': t(cols[6]), class: 'num' }, String(l.accepted_qty ?? 0)),
        h('td', { 'data-label': t(cols[7]), class: 'num' }, String(l.rejected_qty ?? 0)),
        h('td', { 'data-label': t(cols[8]), class: 'num' }, String(Math.max(0, l.quantity - (l.received_qty ?? 0))))))));

    replaceChildren(body,
      h('div', { class: 'page-head' },
        h('h1', {}, h('span', { class: 'code', testid: 'po-code' }, po.code), ' ', badge('po', po.status, 'po-status')),
        h('div', { class: 'page-actions' },
          canConfirm ? action('confirm', t('po.confirm'), 'primary') : null,
          canCancel ? action('cancel', t('po.cancel'), 'danger') : null)),
      h('p', { class: 'muted meta', testid: 'po-meta', 'data-version': po.version }, t('po.meta', { version: po.version })),
      msg.element,
      h('div', { class: 'detail-grid' },
        h('div', { class: 'detail-main' },
          h('div', { class: 'panel' }, summary),
          h('div', { class: 'panel' }, h('h2', {}, t('po.lines')), h('div', { class: 'table-box' }, table)),
          canReceive ? receiveTaskPanel(po) : null,
          canReceive ? receiveForm(lines) : null),
        h('aside', { class: 'detail-side' },
          h('div', { class: 'panel' }, h('h2', {}, t('po.atOrder')), standingPanel(po.at_order)),
          receiptsPanel(receipts, lines))));
  }

  /** Creates the warehouse receive task of the order (expecting what is still open) and opens it; lists the order's receive tasks. */
  function receiveTaskPanel(po: PurchaseOrder): HTMLElement {
    const msg = messageBox('receive-task-message');
    const keyOf = keyPerBody();
    const bin = binSelect('receive-task-bin', 'receive-task-bin', ['receiving']);
    void bin.load(po.warehouse_id);
    const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'receive-task-create' }, t('po.createReceiveTask'));
    const form = h('form', { class: 'receive-task-form', testid: 'receive-task-form', novalidate: true },
      h('div', { class: 'form-grid' }, field('receiving_bin_id', t('wo.receivingBin'), bin.select, { required: true })),
      msg.element,
      h('div', { class: 'form-actions' }, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      msg.hide();
      if (!bin.value()) { setFieldError(form, 'receiving_bin_id', t('form.required')); msg.show(t('form.fixErrors'), 'error'); return; }
      const req = { warehouse_id: po.warehouse_id, receiving_bin_id: bin.value(), purchase_order_id: po.id };
      submit.disabled = true;
      try {
        const task = await postJson<Task>('/tasks/receive', req, { 'Idempotency-Key': keyOf(req) });
        navigate(href(['warehouse', 'tasks', task.id]));
      } catch (err) {
        showTaskError(form, msg, err);
        submit.disabled = false;
      }
    });
    const tasks = h('div', { testid: 'po-receive-tasks', 'aria-busy': 'true' });
    void (async () => {
      try {
        const data = await getJson<Page<Task>>('/tasks', { kind: 'receive', warehouse_id: po.warehouse_id, limit: 200 });
        // The task names its order by id (the mock by code).
        const mine = (data.items ?? []).filter((x) => x.ref_type === 'purchase_order' && (x.ref_id === String(po.id) || x.ref_id === po.code));
        replaceChildren(tasks, mine.length ? h('ul', { class: 'plain-list compact' }, mine.map((x) => h('li', { testid: 'po-receive-task', 'data-id': x.id, 'data-state': x.state },
          h('a', { href: href(['warehouse', 'tasks', x.id]) }, x.code || `#${x.id}`), ' ', taskKindLabel(x.kind), ' ', badge('taskState', x.state))))
          : h('p', { class: 'muted small' }, t('po.noReceiveTasks')));
      } catch (err) {
        replaceChildren(tasks, h('p', { class: 'muted small' }, describeError(err)));
      } finally {
        tasks.setAttribute('aria-busy', 'false');
      }
    })();
    return h('div', { class: 'panel', testid: 'receive-task-panel' },
      h('h2', {}, t('po.receiveInWarehouse')),
      h('p', { class: 'muted small' }, t('po.receiveInWarehouseLead')),
      form,
      h('h3', {}, t('po.receiveTasks')), tasks);
  }

  function receiveForm(lines: PoLine[]): HTMLElement {
    const msg = messageBox('receive-message');
    const on = h('input', { type: 'date', id: 'receive-on', testid: 'receive-on', value: todayIso() });
    const rows = lines.filter((l) => (l.received_qty ?? 0) < l.quantity).map((l) => {
      const open = l.quantity - (l.received_qty ?? 0);
      const received = h('input', { type: 'text', inputmode: 'numeric', class: 'num', testid: 'receive-received', value: String(open), 'aria-label': t('po.qtyReceived') });
      const accepted = h('input', { type: 'text', inputmode: 'numeric', class: 'num', testid: 'receive-accepted', value: String(open), 'aria-label': t('po.qtyAccepted') });
      const rejected = h('input', { type: 'text', inputmode: 'numeric', class: 'num', testid: 'receive-rejected', value: '0', 'aria-label': t('po.qtyRejected') });
      const reason = h('input', { type: 'text', testid: 'receive-reason', 'aria-label': t('po.reason'), autocomplete: 'off' });
      // Received splits into accepted + rejected: keep the sum while the user types.
      received.addEventListener('input', () => {
        const r = Number(received.value) || 0;
        accepted.value = String(Math.max(0, r - (Number(rejected.value) || 0)));
      });
      accepted.addEventListener('input', () => {
        rejected.value = String(Math.max(0, (Number(received.value) || 0) - (Number(accepted.value) || 0)));
      });
      rejected.addEventListener('input', () => {
        accepted.value = String(Math.max(0, (Number(received.value) || 0) - (Number(rejected.value) || 0)));
      });
      const tr = h('tr', { testid: 'receive-row', 'data-line': l.line_no, 'data-field': `line-${l.line_no}` },
        h('td', { 'data-label': t('po.line') }, String(l.line_no)),
        h('td', { 'data-label': t('risk.sku') }, recordCode('skus', l.sku_id)),
        h('td', { 'data-label': t('po.qtyOpen'), class: 'num' }, String(open)),
        h('td', { 'data-label': t('po.qtyReceived') }, received),
        h('td', { 'data-label': t('po.qtyAccepted') }, accepted),
        h('td', { 'data-label': t('po.qtyRejected') }, rejected),
        h('td', { 'data-label': t('po.reason') }, reason, h('div', { class: 'field-error', testid: 'receive-line-error', hidden: true })));
      return { line: l, tr, received, accepted, rejected, reason };
    });
    const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'receive-submit' }, t('po.receive'));
    const form = h('form', { class: 'receive-form', testid: 'receive-form', novalidate: true },
      h('div', { class: 'form-grid' }, field('received_on', t('po.receivedOn'), on, { required: true })),
      h('div', { class: 'table-box' }, h('table', { class: 'list' },
        h('thead', {}, h('tr', {}, ['po.line', 'risk.sku', 'po.qtyOpen', 'po.qtyReceived', 'po.qtyAccepted', 'po.qtyRejected', 'po.reason'].map((k) => h('th', {}, t(k as 'po.line'))))),
        h('tbody', {}, rows.map((r) => r.tr)))),
      h('div', { 'data-field': 'lines' }, h('div', { class: 'field-error', testid: 'field-error-lines', hidden: true })),
      msg.element,
      h('div', { class: 'form-actions' }, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      msg.hide();
      const errors: [string, string][] = [];
      const out: ReceiptLine[] = [];
      for (const r of rows) {
        const received = r.received.value.trim();
        if (!received || received === '0') continue; // nothing arrived for this line
        const nums = [received, r.accepted.value.trim() || '0', r.rejected.value.trim() || '0'];
        if (!nums.every((v) => /^\d+$/.test(v))) { errors.push([`line-${r.line.line_no}`, t('form.int')]); continue; }
        const [rec, acc, rej] = nums.map(Number);
        if (acc + rej !== rec) { errors.push([`line-${r.line.line_no}`, t('po.sumMismatch')]); continue; }
        if (rej > 0 && !r.reason.value.trim()) { errors.push([`line-${r.line.line_no}`, t('po.reasonNeeded')]); continue; }
        const line: ReceiptLine = { line_no: r.line.line_no, received_qty: rec, accepted_qty: acc, rejected_qty: rej };
        if (r.reason.value.trim()) line.reason = r.reason.value.trim();
        out.push(line);
      }
      if (!on.value) errors.push(['received_on', t('form.required')]);
      if (!errors.length && !out.length) errors.push(['lines', t('po.nothingReceived')]);
      if (errors.length) {
        for (const [name, text] of errors) setFieldError(form, name, text);
        msg.show(t('form.fixErrors'), 'error');
        return;
      }
      submit.disabled = true;
      try {
        await postJson<Receipt>(`${path}/receipts`, { received_on: on.value, lines: out });
        await load(t('po.receivedOk', { n: out.reduce((s, l) => s + l.received_qty, 0) }));
      } catch (err) {
        // "line 2: …" names the order's line; "lines[0]…" the receipt's first line.
        const text = err instanceof ApiError ? err.message : '';
        const named = /\bline (\d+)\b/.exec(text);
        const index = named ? null : lineIndexOf(text);
        const lineNo = named ? Number(named[1]) : index === null ? null : out[index]?.line_no;
        if (err instanceof ApiError && err.field === 'lines' && lineNo && setFieldError(form, `line-${lineNo}`, err.message)) {
          msg.show(t('form.fixErrors'), 'error');
        } else {
          showApiError(form, msg, err);
        }
      } finally {
        submit.disabled = false;
      }
    });
    return h('div', { class: 'panel', testid: 'receive-panel' }, h('h2', {}, t('po.receiveTitle')), form);
  }

  function receiptsPanel(receipts: Receipt[], lines: PoLine[]): HTMLElement {
    const skuOf = new Map(lines.map((l) => [l.line_no, l.sku_id]));
    return h('div', { class: 'panel', testid: 'receipts' },
      h('h2', {}, t('po.receipts')),
      receipts.length ? h('ol', { class: 'events' }, [...receipts].reverse().map((r) => h('li', { testid: 'receipt', 'data-id': r.id },
        h('div', { class: 'event-head' },
          h('strong', {}, r.received_on),
          h('span', { class: 'muted small' }, [r.actor ? t('history.by', { actor: r.actor }) : '', r.created_at ? formatTime(r.created_at, lang()) : ''].filter(Boolean).join(' · '))),
        h('ul', { class: 'changes' }, (r.lines ?? []).map((l) => h('li', { testid: 'receipt-line' },
          t('po.receiptLine', { line: l.line_no, received: l.received_qty, accepted: l.accepted_qty, rejected: l.rejected_qty }), ' ',
          h('span', { class: 'muted' }, '('), recordCode('skus', skuOf.get(l.line_no)), h('span', { class: 'muted' }, ')'),
          l.reason ? h('span', { class: 'muted' }, ` — ${l.reason}`) : null))))))
        : h('p', { class: 'muted', testid: 'receipts-empty' }, t('po.noReceipts')));
  }

  void load();
  return page;
}
