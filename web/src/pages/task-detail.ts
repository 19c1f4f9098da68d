// One warehouse task: its state and lines, close / cancel, and by kind: the receipt form and the
// receipt variances (over, short, damaged) of a receive task; the count sheet of a count task
// (first counts, recounts with a reason where a count disagrees, the adjustment at close); the
// progress form of putaway, move and pick tasks and their close with every line done; packing a
// pick task's picked stock into parcels (SSCC) and the parcels of its orders.

import { ApiError, getJson, postJson } from '../api';
import { formatTime, h, replaceChildren } from '../dom';
import { describeError } from '../form';
import { lang, t, tDynamic } from '../i18n';
import { lotLabel, parseQty } from '../inventory';
import type { Page } from '../api';
import { badge, clearFieldErrors, field, fmtInt, messageBox, recordCode, setFieldError, showApiError, type MessageBox } from '../kit';
import { href, navigate } from '../router';
import { finalCount, isClosed, keyPerBody, lineDone, needsRecount, type Parcel, type ReceiptVariance, type Task, type TaskLine } from '../warehouse';
import { parcelsTable, ssccText } from './parcels';
import { binSelect, showTaskError } from './task-new';
import { taskKindLabel, taskProgress } from './tasks';
import { warehouseTabs } from './warehouse-ops';

/** Reason codes offered for recounts and count adjustments (free text is accepted too). */
export const COUNT_REASONS = ['miscount', 'damaged', 'lost', 'found', 'unrecorded_move', 'theft'] as const;

function binCell(id: number | null | undefined): Node | string {
  return id ? recordCode('bins', id) : '—';
}

function variancesOf(task: Task): ReceiptVariance[] {
  if (Array.isArray(task.variances)) return task.variances;
  return (task.lines ?? []).map((l) => {
    const got = (l.done_qty ?? 0) + (l.damaged_qty ?? 0);
    const expected = l.expected_qty ?? 0;
    return {
      line_no: l.line_no, expected, good: l.done_qty ?? 0, damaged: l.damaged_qty ?? 0,
      over: Math.max(0, got - expected), short: Math.max(0, expected - got),
    };
  });
}

export function renderTaskDetail(id: string): HTMLElement {
  const body = h('div', { class: 'task-body', testid: 'task-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('list.loading')));
  const path = `/tasks/${encodeURIComponent(id)}`;
  const page = h('section', { class: 'page wh-page', testid: 'page-task-detail' },
    warehouseTabs('tasks'),
    h('a', { class: 'back', href: href(['warehouse']), testid: 'back-to-list' }, `‹ ${t('detail.back')}`),
    body);

  async function load(notice?: string, kind: 'ok' | 'error' = 'ok'): Promise<void> {
    body.setAttribute('aria-busy', 'true');
    try {
      show(await getJson<Task>(path), notice, kind);
    } catch (err) {
      replaceChildren(body, h('p', { class: 'form-message error', role: 'alert', testid: 'detail-error' }, describeError(err)));
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
  }

  function show(task: Task, notice?: string, kind: 'ok' | 'error' = 'ok'): void {
    const msg = messageBox('task-message');
    if (notice) msg.show(notice, kind);
    const closed = isClosed(task.state);

    const action = (name: 'close' | 'cancel' | 'close-complete', label: string, cls: string) => {
      const b = h('button', { type: 'button', class: `btn ${cls}`, testid: `task-${name}` }, label);
      b.addEventListener('click', async () => {
        if (name === 'cancel' && !window.confirm(t('wh.cancelConfirm', { code: task.code }))) return;
        if (name === 'close-complete' && !window.confirm(t('wo.closeCompleteConfirm', { code: task.code }))) return;
        b.disabled = true;
        try {
          if (name === 'close-complete') await postJson<Task>(`${path}/close`, { complete: true });
          else await postJson<Task>(`${path}/${name}`, {});
          await load(t(name === 'cancel' ? 'wh.cancelledOk' : 'wh.closedOk', { code: task.code }));
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

    const fact = (label: string, value: Node | string, testid?: string, dataValue?: string) =>
      h('div', { class: 'fact' }, h('span', { class: 'muted small' }, label), h('span', { testid: testid ?? null, 'data-value': dataValue ?? null }, value));
    const summary = h('div', { class: 'panel task-facts', testid: 'task-summary' },
      fact(t('wh.kind'), taskKindLabel(task.kind), 'task-kind', task.kind),
      fact(t('po.warehouse'), recordCode('warehouses', task.warehouse_id, true)),
      fact(t('wh.ref'), task.ref_type ? `${tDynamic(`refType.${task.ref_type}`, task.ref_type)} ${task.ref_id ?? ''}` : '—'),
      task.assignee ? fact(t('wh.assignee'), task.assignee) : null,
      fact(t('wh.progress'), taskProgress(task)),
      fact(t('wh.created'), formatTime(task.created_at, lang())),
      task.closed_at ? fact(t('wh.closed'), formatTime(task.closed_at, lang())) : null);

    let lines: HTMLElement[];
    if (task.kind === 'count') lines = [countSheet(task)];
    else if (task.kind === 'receive') lines = [receiveLines(task), variancesPanel(task), closed ? null : receiptForm(task)].filter((x): x is HTMLElement => !!x);
    else {
      lines = [movingLines(task), closed ? null : progressForm(task)].filter((x): x is HTMLElement => !!x);
      if (task.kind === 'pick') lines.push(packPanel(task));
    }
    const moving = task.kind === 'pick' || task.kind === 'putaway' || task.kind === 'move';

    replaceChildren(body,
      h('div', { class: 'page-head' },
        h('h1', {}, h('span', { class: 'code', testid: 'task-code' }, task.code || `#${task.id}`), ' ',
          h('span', { class: 'muted' }, taskKindLabel(task.kind)), ' ', badge('taskState', task.state, 'task-state')),
        h('div', { class: 'page-actions' },
          task.kind === 'receive' && (task.lines ?? []).some((l) => (l.done_qty ?? 0) > 0) ? putawayButton(task, msg) : null,
          closed ? null : h('a', { class: 'btn', href: href(['warehouse', 'terminal', task.id]), testid: 'task-terminal' }, t('wh.openTerminal')),
          closed || !moving ? null : action('close-complete', t('wo.closeComplete'), ''),
          closed ? null : action('close', t('wh.close'), 'primary'),
          closed ? null : action('cancel', t('wh.cancel'), 'danger'))),
      msg.element,
      h('div', { class: 'task-main' }, summary, lines));
  }

  /** Starts the putaway of what a receive task took in good condition; opens the new task. */
  function putawayButton(task: Task, msg: MessageBox): HTMLElement {
    const b = h('button', { type: 'button', class: 'btn', testid: 'task-putaway' }, t('wh.createPutaway'));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        const created = await postJson<Task>('/tasks/putaway', { receive_task_id: task.id });
        navigate(href(['warehouse', 'tasks', created.id]));
      } catch (err) {
        msg.show(describeError(err), 'error');
        b.disabled = false;
      }
    });
    return b;
  }

  // ---- pick, putaway, move, pack, ship -----------------------------------------------------

  function movingLines(task: Task): HTMLElement {
    const cols = ['po.line', 'risk.sku', 'inv.lot', 'inv.owner', 'wh.fromBin', 'wh.toBin', 'wh.expected', 'wh.done', 'res.order'] as const;
    return h('div', { class: 'panel' }, h('h2', {}, t('po.lines')), h('div', { class: 'table-box' }, h('table', { class: 'list', testid: 'task-lines' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
      h('tbody', {}, (task.lines ?? []).map((l) => h('tr', {
        testid: 'task-line', 'data-line': l.line_no, 'data-done': l.done_qty ?? 0, 'data-expected': l.expected_qty ?? 0, class: lineDone(task, l) ? 'line-done' : null,
      },
        h('td', { 'data-label': t(cols[0]) }, String(l.line_no)),
        h('td', { 'data-label': t(cols[1]) }, recordCode('skus', l.sku_id)),
        h('td', { 'data-label': t(cols[2]) }, l.lot_id ? lotLabel(l.lot_id) : '—'),
        h('td', { 'data-label': t(cols[3]) }, l.owner ?? ''),
        h('td', { 'data-label': t(cols[4]) }, binCell(l.from_bin)),
        h('td', { 'data-label': t(cols[5]) }, binCell(l.to_bin)),
        h('td', { 'data-label': t(cols[6]), class: 'num' }, fmtInt(l.expected_qty ?? 0)),
        h('td', { 'data-label': t(cols[7]), class: 'num' }, fmtInt(l.done_qty ?? 0)),
        h('td', { 'data-label': t(cols[8]) }, l.order_ref || (l.reservation_id ? `#${l.reservation_id}` : '—'))))))));
  }

  // ---- progress of putaway, move and pick lines -----------------------------------------------

  function progressForm(task: Task): HTMLElement {
    const msg = messageBox('progress-message');
    const keyOf = keyPerBody();
    const open = (l: TaskLine) => Math.max(0, (l.expected_qty ?? 0) - (l.done_qty ?? 0));
    const openLines = (task.lines ?? []).filter((l) => open(l) > 0);
    const line = h('select', { id: 'progress-line', testid: 'progress-line' },
      openLines.map((l) => h('option', { value: l.line_no }, `${t('po.lineNo', { n: l.line_no })} · ${open(l)}`)));
    const qty = h('input', { type: 'text', inputmode: 'numeric', class: 'num', id: 'progress-qty', testid: 'progress-qty', autocomplete: 'off' });
    const toBin = binSelect('progress-to-bin', 'progress-to-bin', ['storage', 'pick'], t('wo.toBinSuggested'), false);
    const fillQty = () => {
      const l = openLines.find((x) => String(x.line_no) === line.value);
      qty.value = l ? String(open(l)) : '';
    };
    line.addEventListener('change', fillQty);
    fillQty();
    if (task.kind === 'putaway') void toBin.load(task.warehouse_id);
    const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'progress-submit', disabled: !openLines.length }, t('wo.progressSubmit'));
    const form = h('form', { class: 'progress-form', testid: 'progress-form', novalidate: true },
      h('div', { class: 'form-grid' },
        field('line_no', t('wo.line'), line, { required: true }),
        field('quantity', t('po.quantity'), qty, { required: true }),
        task.kind === 'putaway' ? field('to_bin', t('wo.toBinOverride'), toBin.select) : null),
      msg.element,
      h('div', { class: 'form-actions' }, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      msg.hide();
      const n = parseQty(qty.value);
      if (!line.value) setFieldError(form, 'line_no', t('form.required'));
      if (n === null) setFieldError(form, 'quantity', t('po.quantityInvalid'));
      if (!line.value || n === null) { msg.show(t('form.fixErrors'), 'error'); return; }
      const req: Record<string, unknown> = { line_no: Number(line.value), quantity: n };
      if (task.kind === 'putaway' && toBin.value()) req.to_bin = toBin.value();
      submit.disabled = true;
      try {
        await postJson<Task>(`${path}/progress`, req, { 'Idempotency-Key': keyOf(req) });
        await load(t('wo.progressOk', { n, line: Number(line.value) }));
      } catch (err) {
        showTaskError(form, msg, err);
        submit.disabled = false;
      }
    });
    return h('div', { class: 'panel', testid: 'progress-panel' },
      h('h2', {}, t('wo.progressTitle')), h('p', { class: 'muted small' }, t('wo.progressLead')), form);
  }

  // ---- packing a pick task's picked stock into parcels ---------------------------------------

  function packPanel(task: Task): HTMLElement {
    // Picked quantities per order, SKU, lot and owner, staged in the task's staging bin(s).
    const orders = [...new Set((task.lines ?? []).map((l) => l.order_ref ?? '').filter(Boolean))];
    const parcels = h('div', { class: 'table-box', testid: 'task-parcels', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('list.loading')));
    const loadParcels = async () => {
      parcels.setAttribute('aria-busy', 'true');
      try {
        const lists = await Promise.all(orders.map((o) => getJson<Page<Parcel>>('/parcels', { warehouse_id: task.warehouse_id, order_ref: o, limit: 200 })));
        const items = lists.flatMap((l) => l.items ?? []);
        replaceChildren(parcels, items.length ? parcelsTable(items) : h('p', { class: 'muted', testid: 'list-empty' }, t('wo.noParcels')));
      } catch (err) {
        replaceChildren(parcels, h('p', { class: 'form-message error', role: 'alert' }, describeError(err)));
      } finally {
        parcels.setAttribute('aria-busy', 'false');
      }
    };
    void loadParcels();

    const picked = (task.lines ?? []).filter((l) => (l.done_qty ?? 0) > 0);
    const msg = messageBox('pack-message');
    const keyOf = keyPerBody();
    const orderSel = h('select', { id: 'pack-order', testid: 'pack-order' }, orders.map((o) => h('option', { value: o }, o)));
    const weight = h('input', { type: 'text', inputmode: 'numeric', class: 'num', id: 'pack-weight', testid: 'pack-weight', autocomplete: 'off' });
    const sscc = h('div', { class: 'sscc-box', testid: 'packed-sscc', hidden: true });
    const rowsBox = h('tbody', {});
    let rows: { line: TaskLine; input: HTMLInputElement }[] = [];
    const fillRows = () => {
      rows = picked.filter((l) => (l.order_ref ?? '') === orderSel.value || orders.length <= 1).map((l) => ({
        line: l,
        input: h('input', { type: 'text', inputmode: 'numeric', class: 'num', testid: 'pack-qty', value: String(l.done_qty ?? 0), 'aria-label': t('po.quantity') }),
      }));
      replaceChildren(rowsBox, rows.map((r) => h('tr', { testid: 'pack-line', 'data-line': r.line.line_no },
        h('td', { 'data-label': t('po.line') }, String(r.line.line_no)),
        h('td', { 'data-label': t('risk.sku') }, recordCode('skus', r.line.sku_id)),
        h('td', { 'data-label': t('inv.lot') }, r.line.lot_id ? lotLabel(r.line.lot_id) : '—'),
        h('td', { 'data-label': t('wh.done'), class: 'num' }, fmtInt(r.line.done_qty ?? 0)),
        h('td', { 'data-label': t('po.quantity') }, r.input))));
    };
    orderSel.addEventListener('change', fillRows);
    fillRows();
    const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'pack-submit', disabled: !picked.length }, t('wo.pack'));
    const form = h('form', { class: 'pack-form', testid: 'pack-form', novalidate: true },
      h('div', { class: 'form-grid' },
        orders.length > 1 ? field('order_ref', t('wo.orderRef'), orderSel) : h('div', { 'data-field': 'order_ref' }, h('div', { class: 'field-error', hidden: true })),
        field('weight_grams', t('wo.weight'), weight)),
      h('div', { class: 'table-box', 'data-field': 'lines' }, h('table', { class: 'list' },
        h('thead', {}, h('tr', {}, (['po.line', 'risk.sku', 'inv.lot', 'wh.done', 'po.quantity'] as const).map((c) => h('th', { scope: 'col' }, t(c))))),
        rowsBox), h('div', { class: 'field-error', testid: 'field-error-lines', hidden: true })),
      msg.element,
      h('div', { class: 'form-actions' }, submit),
      sscc);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      msg.hide();
      sscc.hidden = true;
      const lines: Record<string, unknown>[] = [];
      let bad = false;
      for (const r of rows) {
        const text = r.input.value.trim();
        if (!text || text === '0') continue;
        const n = parseQty(text);
        if (n === null) { bad = true; continue; }
        lines.push({ sku_id: r.line.sku_id, lot_id: r.line.lot_id ?? 0, owner: r.line.owner, quantity: n });
      }
      const w = weight.value.trim();
      if (w && parseQty(w, false) === null) setFieldError(form, 'weight_grams', t('form.int'));
      if (bad) setFieldError(form, 'lines', t('po.quantityInvalid'));
      else if (!lines.length) setFieldError(form, 'lines', t('wo.packNothing'));
      if (form.querySelector('.invalid')) { msg.show(t('form.fixErrors'), 'error'); return; }
      const binOf = rows.find((r) => r.line.to_bin)?.line.to_bin ?? 0;
      const req = {
        warehouse_id: task.warehouse_id, order_ref: orders.length > 1 ? orderSel.value : (orders[0] ?? ''),
        pack_bin_id: binOf, lines, ...(w ? { weight_grams: Number(w) } : {}),
      };
      submit.disabled = true;
      try {
        const parcel = await postJson<Parcel>('/parcels', req, { 'Idempotency-Key': keyOf(req) });
        msg.show(t('wo.packedOk', { sscc: parcel.sscc }), 'ok');
        replaceChildren(sscc, h('span', { class: 'muted small' }, t('wo.sscc')), ' ',
          h('a', { href: href(['warehouse', 'parcels', parcel.id]), class: 'code', testid: 'packed-sscc-link', 'data-value': parcel.sscc }, ssccText(parcel.sscc)));
        sscc.setAttribute('data-value', parcel.sscc);
        sscc.hidden = false;
        await loadParcels();
      } catch (err) {
        showTaskError(form, msg, err);
      } finally {
        submit.disabled = false;
      }
    });
    return h('div', { class: 'panel', testid: 'pack-panel' },
      h('h2', {}, t('wo.packTitle')), h('p', { class: 'muted small' }, t('wo.packLead')),
      picked.length ? form : null,
      h('h3', {}, t('wo.parcelsOfOrder')), parcels);
  }

  // ---- receive -------------------------------------------------------------------------------

  function receiveLines(task: Task): HTMLElement {
    const cols = ['po.line', 'risk.sku', 'wh.expected', 'wh.good', 'wh.damaged', 'wh.receipts'] as const;
    return h('div', { class: 'panel' }, h('h2', {}, t('po.lines')), h('div', { class: 'table-box' }, h('table', { class: 'list', testid: 'task-lines' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
      h('tbody', {}, (task.lines ?? []).map((l) => h('tr', {
        testid: 'task-line', 'data-line': l.line_no, 'data-done': l.done_qty ?? 0, 'data-damaged': l.damaged_qty ?? 0, 'data-expected': l.expected_qty ?? 0,
      },
        h('td', { 'data-label': t(cols[0]) }, String(l.line_no)),
        h('td', { 'data-label': t(cols[1]) }, recordCode('skus', l.sku_id)),
        h('td', { 'data-label': t(cols[2]), class: 'num' }, fmtInt(l.expected_qty ?? 0)),
        h('td', { 'data-label': t(cols[3]), class: 'num' }, fmtInt(l.done_qty ?? 0)),
        h('td', { 'data-label': t(cols[4]), class: 'num' }, fmtInt(l.damaged_qty ?? 0)),
        h('td', { 'data-label': t(cols[5]) }, (l.receipts ?? []).length ? h('ul', { class: 'plain-list compact' }, (l.receipts ?? []).map((r) => h('li', { testid: 'lot-receipt' },
          `${r.lot_number || t('inv.noLot')}${r.expiry_date ? ` · ${r.expiry_date}` : ''} × ${fmtInt(r.quantity)}`,
          r.condition === 'damaged' ? [' ', badge('condition', 'damaged'), r.reason ? h('span', { class: 'muted' }, ` ${r.reason}`) : null] : null))) : '—')))))));
  }

  function variancesPanel(task: Task): HTMLElement {
    const rows = variancesOf(task);
    const off = rows.filter((v) => v.over || v.short || v.damaged);
    const cols = ['po.line', 'wh.expected', 'wh.good', 'wh.damaged', 'wh.over', 'wh.short'] as const;
    return h('div', { class: 'panel', testid: 'variances' },
      h('h2', {}, t('wh.variances')),
      h('p', { class: 'muted small' }, off.length ? t(isClosed(task.state) ? 'wh.variancesLead' : 'wh.variancesOpenLead') : t('wh.noVariances')),
      h('div', { class: 'table-box' }, h('table', { class: 'list', testid: 'variances-table' },
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: 'num' }, t(c))))),
        h('tbody', {}, rows.map((v) => h('tr', {
          testid: 'variance-row', 'data-line': v.line_no, 'data-over': v.over, 'data-short': v.short, 'data-damaged': v.damaged,
          class: v.over || v.short || v.damaged ? 'variance' : null,
        },
          h('td', { 'data-label': t(cols[0]), class: 'num' }, String(v.line_no)),
          h('td', { 'data-label': t(cols[1]), class: 'num' }, fmtInt(v.expected)),
          h('td', { 'data-label': t(cols[2]), class: 'num' }, fmtInt(v.good)),
          h('td', { 'data-label': t(cols[3]), class: `num${v.damaged ? ' loss' : ''}` }, fmtInt(v.damaged)),
          h('td', { 'data-label': t(cols[4]), class: `num${v.over ? ' gain' : ''}` }, fmtInt(v.over)),
          h('td', { 'data-label': t(cols[5]), class: `num${v.short ? ' loss' : ''}` }, fmtInt(v.short))))))));
  }

  function receiptForm(task: Task): HTMLElement {
    const msg = messageBox('receipt-message');
    const line = h('select', { id: 'receipt-line', testid: 'receipt-line' },
      (task.lines ?? []).map((l) => h('option', { value: l.line_no }, `${t('po.lineNo', { n: l.line_no })} · ${l.expected_qty ?? 0}`)));
    const lot = h('input', { type: 'text', id: 'receipt-lot', testid: 'receipt-lot', autocomplete: 'off', maxlength: 20 });
    const produced = h('input', { type: 'date', id: 'receipt-produced', testid: 'receipt-produced' });
    const expiry = h('input', { type: 'date', id: 'receipt-expiry', testid: 'receipt-expiry' });
    const qty = h('input', { type: 'text', inputmode: 'numeric', class: 'num', id: 'receipt-qty', testid: 'receipt-qty', autocomplete: 'off' });
    const condition = h('select', { id: 'receipt-condition', testid: 'receipt-condition' },
      ['good', 'damaged'].map((c) => h('option', { value: c }, tDynamic(`condition.${c}`, c))));
    const reason = h('input', { type: 'text', id: 'receipt-reason', testid: 'receipt-reason', autocomplete: 'off' });
    const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'receipt-submit' }, t('wh.recordReceipt'));
    const form = h('form', { class: 'receipt-form', testid: 'receipt-form', novalidate: true },
      h('div', { class: 'form-grid' },
        field('line_no', t('po.line'), line, { required: true }),
        field('lot_number', t('inv.lotNumber'), lot),
        field('production_date', t('inv.produced'), produced),
        field('expiry_date', t('inv.expiry'), expiry),
        field('quantity', t('po.quantity'), qty, { required: true }),
        field('condition', t('wh.condition'), condition),
        field('reason', t('wh.reason'), reason, { hint: t('wh.reasonDamaged') })),
      msg.element,
      h('div', { class: 'form-actions' }, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      msg.hide();
      const n = parseQty(qty.value);
      if (n === null) setFieldError(form, 'quantity', t('po.quantityInvalid'));
      if (condition.value === 'damaged' && !reason.value.trim()) setFieldError(form, 'reason', t('po.reasonNeeded'));
      if (form.querySelector('.invalid')) { msg.show(t('form.fixErrors'), 'error'); return; }
      submit.disabled = true;
      try {
        await postJson<Task>(`${path}/receipts`, {
          line_no: Number(line.value), lot_number: lot.value.trim(), production_date: produced.value || null, expiry_date: expiry.value || null,
          quantity: n, condition: condition.value, reason: reason.value.trim(),
        });
        await load(t('wh.receiptOk', { n: n ?? 0 }));
      } catch (err) {
        showApiError(form, msg, err);
        submit.disabled = false;
      }
    });
    return h('div', { class: 'panel', testid: 'receipt-panel' }, h('h2', {}, t('wh.receiveTitle')), form);
  }

  // ---- count sheet ---------------------------------------------------------------------------

  function countSheet(task: Task): HTMLElement {
    const closed = isClosed(task.state);
    const msg = messageBox('count-message');
    const reasons = h('datalist', { id: 'count-reasons' }, COUNT_REASONS.map((r) => h('option', { value: r }, tDynamic(`countReason.${r}`, r))));
    const counts: { line: TaskLine; input: HTMLInputElement; error: HTMLElement }[] = [];
    const recounts: { line: TaskLine; input: HTMLInputElement; reason: HTMLInputElement; error: HTMLElement }[] = [];
    const cols = ['po.line', 'inv.bin', 'risk.sku', 'inv.lot', 'inv.owner', 'wh.counted', 'wh.system', 'wh.difference', 'wh.recount', 'wh.final'] as const;

    const rows = (task.lines ?? []).map((l) => {
      const counted = l.counted_qty ?? null;
      const system = typeof l.system_qty === 'number' ? l.system_qty : null;
      const showSystem = counted !== null || closed; // blind until counted
      const final = finalCount(l);
      const diff = final !== null && system !== null ? final - system : null;
      const error = h('div', { class: 'field-error', testid: 'count-row-error', hidden: true });
      let countCell: Node | string = counted === null ? '—' : fmtInt(counted);
      if (counted === null && !closed) {
        const input = h('input', { type: 'text', inputmode: 'numeric', class: 'num count-input', testid: 'count-input', 'aria-label': t('wh.countOf', { n: l.line_no }), autocomplete: 'off' });
        counts.push({ line: l, input, error });
        countCell = input;
      }
      let recountCell: Node | (Node | string)[] | string = l.recount_qty === null || l.recount_qty === undefined ? '—' : [fmtInt(l.recount_qty), l.reason ? h('div', { class: 'muted small', testid: 'recount-reason-shown' }, tDynamic(`countReason.${l.reason}`, l.reason)) : ''];
      const asked = !closed && needsRecount(task, l);
      if (asked) {
        const input = h('input', { type: 'text', inputmode: 'numeric', class: 'num count-input', testid: 'recount-input', 'aria-label': t('wh.recountOf', { n: l.line_no }), autocomplete: 'off' });
        const reason = h('input', { type: 'text', list: 'count-reasons', testid: 'recount-reason', placeholder: t('wh.reason'), 'aria-label': t('wh.reason'), autocomplete: 'off' });
        recounts.push({ line: l, input, reason, error });
        recountCell = h('div', { class: 'recount-cell' }, input, reason);
      }
      return h('tr', {
        testid: 'count-row', 'data-line': l.line_no, 'data-bin-id': l.bin || l.from_bin || 0, 'data-counted': counted ?? '', 'data-recount': l.recount_qty ?? '',
        'data-system': showSystem && system !== null ? system : '', 'data-diff': diff ?? '', 'data-asked': asked ? 'true' : 'false',
        class: asked ? 'recount-asked' : null,
      },
        h('td', { 'data-label': t(cols[0]) }, String(l.line_no)),
        h('td', { 'data-label': t(cols[1]) }, binCell(l.bin || l.from_bin)),
        h('td', { 'data-label': t(cols[2]) }, recordCode('skus', l.sku_id)),
        h('td', { 'data-label': t(cols[3]) }, l.lot_id ? lotLabel(l.lot_id) : '—'),
        h('td', { 'data-label': t(cols[4]) }, l.owner ?? ''),
        h('td', { 'data-label': t(cols[5]), class: 'num' }, countCell),
        h('td', { 'data-label': t(cols[6]), class: 'num' }, showSystem && system !== null ? fmtInt(system) : h('span', { class: 'muted small' }, t('wh.blind'))),
        h('td', { 'data-label': t(cols[7]), class: `num${diff ? (diff > 0 ? ' gain' : ' loss') : ''}`, testid: 'count-diff' },
          diff === null ? '—' : diff > 0 ? `+${fmtInt(diff)}` : fmtInt(diff)),
        h('td', { 'data-label': t(cols[8]) }, recountCell, error),
        h('td', { 'data-label': t(cols[9]), class: 'num strong' }, final === null ? '—' : fmtInt(final)));
    });

    async function saveAll(kind: 'counts' | 'recounts', button: HTMLButtonElement): Promise<void> {
      clearFieldErrors(sheet);
      sheet.querySelectorAll<HTMLElement>('[data-testid="count-row-error"]').forEach((e) => { e.hidden = true; e.textContent = ''; });
      msg.hide();
      const work: { line_no: number; body: Record<string, unknown>; error: HTMLElement }[] = [];
      let bad = false;
      const fail = (error: HTMLElement, text: string) => { error.textContent = text; error.hidden = false; bad = true; };
      if (kind === 'counts') {
        for (const c of counts) {
          if (!c.input.value.trim()) continue;
          const n = parseQty(c.input.value, false);
          if (n === null || n < 0) { fail(c.error, t('form.int')); continue; }
          work.push({ line_no: c.line.line_no, body: { line_no: c.line.line_no, counted: n }, error: c.error });
        }
      } else {
        for (const c of recounts) {
          if (!c.input.value.trim() && !c.reason.value.trim()) continue;
          const n = parseQty(c.input.value, false);
          if (n === null || n < 0) { fail(c.error, t('form.int')); continue; }
          if (!c.reason.value.trim()) { fail(c.error, t('wh.reasonNeeded')); continue; }
          work.push({ line_no: c.line.line_no, body: { line_no: c.line.line_no, counted: n, reason: c.reason.value.trim() }, error: c.error });
        }
      }
      if (bad) { msg.show(t('form.fixErrors'), 'error'); return; }
      if (!work.length) { msg.show(t(kind === 'counts' ? 'wh.nothingCounted' : 'wh.nothingRecounted'), 'error'); return; }
      button.disabled = true;
      let saved = 0;
      for (const w of work) {
        try {
          await postJson<Task>(`${path}/${kind}`, w.body);
          saved++;
        } catch (err) {
          w.error.textContent = describeError(err);
          w.error.hidden = false;
          msg.show(t('wh.countsPartly', { n: saved, m: work.length }), 'error');
          button.disabled = false;
          if (saved) await load(t('wh.countsPartly', { n: saved, m: work.length }), 'error');
          return;
        }
      }
      await load(t(kind === 'counts' ? 'wh.countsSaved' : 'wh.recountsSaved', { n: saved }));
    }

    const saveCounts = h('button', { type: 'button', class: 'btn primary', testid: 'counts-save' }, t('wh.saveCounts'));
    saveCounts.addEventListener('click', () => void saveAll('counts', saveCounts));
    const saveRecounts = h('button', { type: 'button', class: 'btn primary', testid: 'recounts-save' }, t('wh.saveRecounts'));
    saveRecounts.addEventListener('click', () => void saveAll('recounts', saveRecounts));
    const adjustments = (task.lines ?? []).filter((l) => {
      const f = finalCount(l);
      return f !== null && typeof l.system_qty === 'number' && f !== l.system_qty;
    }).length;

    const sheet: HTMLElement = h('div', { class: 'panel count-sheet', testid: 'count-sheet' },
      h('h2', {}, t('wh.countSheet')),
      h('p', { class: 'muted small' }, closed ? t('wh.countClosedLead', { n: adjustments }) : t('wh.countLead')),
      reasons,
      h('div', { class: 'table-box' }, h('table', { class: 'list', testid: 'count-table' },
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
        h('tbody', {}, rows))),
      msg.element,
      closed ? null : h('div', { class: 'form-actions' }, counts.length ? saveCounts : null, recounts.length ? saveRecounts : null));
    return sheet;
  }

  void load();
  return page;
}
