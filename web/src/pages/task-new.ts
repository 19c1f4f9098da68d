// New warehouse tasks from the console: receive against an advance notice (ASN), putaway of a
// receive task, pick of reservations (one order or a wave) and moves between bins; each form checks
// what it can, shows the API's error beside the field it names, and opens the new task.
// (Cycle counts have their own form on the task list; a receive against a purchase order starts on
// the order's page.) Also the bin select shared with the order and task pages.

import { ApiError, getJson, postJson, type Entity, type Page } from '../api';
import { h, replaceChildren } from '../dom';
import { t, tDynamic } from '../i18n';
import { parseQty, type Reservation } from '../inventory';
import { clearFieldErrors, field, fmtInt, messageBox, recordCode, recordPicker, setFieldError, showApiError, type MessageBox } from '../kit';
import { href, navigate } from '../router';
import { keyPerBody, type Task } from '../warehouse';

// ---- bins -----------------------------------------------------------------------------------

export interface BinSelect {
  select: HTMLSelectElement;
  /** Loads the bins of a warehouse (none: empties the select); kinds in `prefer` come first. */
  load: (warehouseId: number | null) => Promise<void>;
  value: () => number | null;
  bins: () => Entity[];
}

const binsOfWarehouse = new Map<number, Promise<Entity[]>>();

/** The bins of a warehouse (active ones, up to 500), cached for the page's life. */
export function warehouseBins(warehouseId: number): Promise<Entity[]> {
  let p = binsOfWarehouse.get(warehouseId);
  if (!p) {
    p = getJson<Page<Entity>>(`/warehouses/${warehouseId}/bins`, { limit: 500 }).then((d) => d.items ?? []);
    p.catch(() => binsOfWarehouse.delete(warehouseId));
    binsOfWarehouse.set(warehouseId, p);
  }
  return p;
}

/** A select of a warehouse's bins; with `autoPick`, the one bin of the first preferred kind is chosen for the user. */
export function binSelect(id: string, testid: string, prefer: string[] = [], empty = t('wo.chooseBin'), autoPick = true): BinSelect {
  const select = h('select', { id, testid, 'aria-busy': 'false' }, h('option', { value: '' }, empty));
  let items: Entity[] = [];
  let seq = 0;
  const rank = (b: Entity) => {
    const i = prefer.indexOf(String(b.kind ?? ''));
    return i < 0 ? prefer.length : i;
  };
  return {
    select,
    bins: () => items,
    value: () => (select.value ? Number(select.value) : null),
    load: async (warehouseId) => {
      const mine = ++seq;
      if (!warehouseId) { items = []; replaceChildren(select, h('option', { value: '' }, empty)); return; }
      select.setAttribute('aria-busy', 'true');
      try {
        const all = await warehouseBins(warehouseId);
        if (mine !== seq) return;
        items = [...all].filter((b) => b.status !== 'archived')
          .sort((a, b) => rank(a) - rank(b) || String(a.code).localeCompare(String(b.code)));
        const keep = select.value;
        replaceChildren(select, h('option', { value: '' }, empty),
          items.map((b) => h('option', { value: b.id, 'data-code': b.code, 'data-kind': String(b.kind ?? '') },
            `${b.code} · ${tDynamic(`opt.kind.${String(b.kind)}`, String(b.kind ?? ''))}`)));
        if (keep && items.some((b) => String(b.id) === keep)) select.value = keep;
        else if (autoPick && prefer.length && items.length && rank(items[0]) === 0 && items.filter((b) => rank(b) === 0).length === 1) select.value = String(items[0].id);
      } catch (err) {
        if (mine === seq) select.title = err instanceof Error ? err.message : String(err);
      } finally {
        if (mine === seq) select.setAttribute('aria-busy', 'false');
      }
    },
  };
}

/**
 * Shows an API error beside its field: nested names ("asn.lines[0].quantity", "lines[1].to_bin")
 * go to the list they belong to; anything else as showApiError does.
 */
export function showTaskError(form: HTMLElement, msg: MessageBox, err: unknown): void {
  if (err instanceof ApiError && err.field) {
    const base = err.field.replace(/\[\d+\].*$/, '');
    for (const name of [err.field, base]) {
      if (form.querySelector(`[data-field="${CSS.escape(name)}"]`) && setFieldError(form, name, err.message)) {
        msg.show(t('form.fixErrors'), 'error');
        return;
      }
    }
  }
  showApiError(form, msg, err);
}

/** An error slot for a block that is not a single input (lists of lines, checkboxes). */
function block(name: string, label: string, content: HTMLElement, hint?: string): HTMLElement {
  return h('div', { class: 'field wide', 'data-field': name },
    h('span', { class: 'label' }, label), content,
    hint ? h('div', { class: 'hint' }, hint) : null,
    h('div', { class: 'field-error', testid: `field-error-${name}`, hidden: true }));
}

// ---- lines of an advance notice or a move ---------------------------------------------------

interface LineRow {
  element: HTMLElement;
  sku: () => number | null;
  qty: () => string;
  lot?: () => number | null;
  from?: () => number | null;
  to?: () => number | null;
}

function lineEditor(kind: 'asn' | 'move', bins: () => Entity[]): { element: HTMLElement; rows: () => LineRow[]; refreshBins: () => void } {
  const list = h('div', { class: 'task-lines-edit', testid: `${kind}-lines` });
  const rows: LineRow[] = [];
  const binOptions = (sel: HTMLSelectElement) => {
    const keep = sel.value;
    replaceChildren(sel, h('option', { value: '' }, t('wo.chooseBin')),
      bins().map((b) => h('option', { value: b.id, 'data-code': b.code }, String(b.code))));
    sel.value = keep;
  };
  const fromSels: HTMLSelectElement[] = [];
  const toSels: HTMLSelectElement[] = [];
  let n = 0;
  const add = () => {
    const i = ++n;
    const sku = recordPicker({ path: 'skus', id: `${kind}-line-sku-${i}`, testid: 'line-sku', onChange: (r) => void loadLots(r?.id ?? null) });
    const qty = h('input', { type: 'text', inputmode: 'numeric', class: 'num', testid: 'line-qty', id: `${kind}-line-qty-${i}`, autocomplete: 'off' });
    const lot = h('select', { testid: 'line-lot', id: `${kind}-line-lot-${i}` }, h('option', { value: '' }, t('wo.anyLot')));
    const from = h('select', { testid: 'line-from', id: `${kind}-line-from-${i}` });
    const to = h('select', { testid: 'line-to', id: `${kind}-line-to-${i}` });
    let lotSeq = 0;
    async function loadLots(skuId: number | null): Promise<void> {
      const mine = ++lotSeq;
      replaceChildren(lot, h('option', { value: '' }, t('wo.anyLot')));
      if (!skuId || kind !== 'move') return;
      lot.setAttribute('aria-busy', 'true');
      try {
        const data = await getJson<Page<Entity>>('/lots', { sku_id: skuId, limit: 200 });
        if (mine !== lotSeq) return;
        lot.append(...(data.items ?? []).map((l) => h('option', { value: l.id, 'data-code': String(l.lot_number ?? '') },
          `${String(l.lot_number ?? '')}${l.expiry_date ? ` · ${String(l.expiry_date)}` : ''}`)));
      } catch {
        // the lot stays "no lot"; the server names a wrong one
      } finally {
        if (mine === lotSeq) lot.setAttribute('aria-busy', 'false');
      }
    }
    const remove = h('button', { type: 'button', class: 'btn ghost small', testid: 'line-remove' }, t('wo.removeLine'));
    const lab = (text: string, control: HTMLElement) => h('div', { class: 'field' }, h('label', { for: control.id }, text), control);
    const element = h('div', { class: 'form-grid task-line-edit', testid: 'new-task-line' },
      h('div', { class: 'field' }, h('label', { for: sku.select.id }, t('wo.sku')), sku.element),
      kind === 'move' ? [lab(t('wo.lot'), lot), lab(t('wo.fromBin'), from), lab(t('wo.toBin'), to)] : null,
      lab(t('wo.quantity'), qty),
      h('div', { class: 'field' }, h('span', { class: 'label' }, '\u00a0'), remove));
    if (kind === 'move') { binOptions(from); binOptions(to); fromSels.push(from); toSels.push(to); }
    const row: LineRow = {
      element,
      sku: () => sku.value(),
      qty: () => qty.value,
      lot: () => (lot.value ? Number(lot.value) : null),
      from: () => (from.value ? Number(from.value) : null),
      to: () => (to.value ? Number(to.value) : null),
    };
    remove.addEventListener('click', () => {
      if (rows.length <= 1) return;
      rows.splice(rows.indexOf(row), 1);
      element.remove();
    });
    rows.push(row);
    list.append(element);
  };
  add();
  const addBtn = h('button', { type: 'button', class: 'btn small', testid: `${kind}-add-line` }, `+ ${t('wo.addLine')}`);
  addBtn.addEventListener('click', add);
  return {
    element: h('div', {}, list, addBtn),
    rows: () => rows,
    refreshBins: () => { fromSels.forEach(binOptions); toSels.forEach(binOptions); },
  };
}

// ---- the form -------------------------------------------------------------------------------

export const CREATABLE_KINDS = ['receive', 'putaway', 'pick', 'move'] as const;
type Creatable = (typeof CREATABLE_KINDS)[number];

export function newTaskPanel(): HTMLElement {
  const msg = messageBox('new-task-message');
  const keyOf = keyPerBody();
  const kindSel = h('select', { id: 'new-task-kind', testid: 'new-task-kind' },
    CREATABLE_KINDS.map((k) => h('option', { value: k }, t(`wo.kind.${k}`))));
  const warehouse = recordPicker({
    path: 'warehouses', id: 'new-task-warehouse', testid: 'new-task-warehouse',
    onChange: (w) => void warehouseChanged(w?.id ?? null),
  });

  // receive (ASN)
  const receivingBin = binSelect('new-task-receiving-bin', 'new-task-receiving-bin', ['receiving']);
  const asnRef = h('input', { type: 'text', id: 'new-task-asn-ref', testid: 'new-task-asn-ref', autocomplete: 'off', maxlength: 64 });
  const owner = h('input', { type: 'text', id: 'new-task-owner', testid: 'new-task-owner', autocomplete: 'off', maxlength: 64, placeholder: 'own' });
  const asnLines = lineEditor('asn', () => []);
  // putaway
  const receiveTask = h('select', { id: 'new-task-receive-task', testid: 'new-task-receive-task' }, h('option', { value: '' }, t('picker.choose')));
  // pick
  const stagingBin = binSelect('new-task-staging-bin', 'new-task-staging-bin', ['shipping']);
  const reservations = h('div', { class: 'bin-checks', testid: 'new-task-reservations' }, h('p', { class: 'muted small' }, t('wh.chooseWarehouseFirst')));
  // move
  const moveBins = binSelect('new-task-move-bins', 'new-task-move-bins');
  const moveLines = lineEditor('move', () => moveBins.bins());
  const moveOwner = h('input', { type: 'text', id: 'new-task-move-owner', testid: 'new-task-move-owner', autocomplete: 'off', maxlength: 64, placeholder: 'own' });

  const section = (kind: Creatable, ...children: HTMLElement[]) =>
    h('div', { class: 'form-grid', testid: `new-task-${kind}`, 'data-kind': kind }, children);
  const sections: Record<Creatable, HTMLElement> = {
    receive: section('receive',
      field('receiving_bin_id', t('wo.receivingBin'), receivingBin.select, { required: true }),
      field('asn', t('wo.asnRef'), asnRef, { required: true }),
      field('owner', t('wo.owner'), owner, { hint: t('wo.ownerHint') }),
      block('asn.lines', t('wo.lines'), asnLines.element)),
    putaway: section('putaway',
      field('receive_task_id', t('wo.receiveTaskId'), receiveTask, { required: true, hint: t('wo.receiveTaskHint'), wide: true })),
    pick: section('pick',
      field('staging_bin_id', t('wo.stagingBin'), stagingBin.select, { required: true }),
      block('reservation_ids', t('wo.reservations'), reservations)),
    move: section('move',
      field('move_owner', t('wo.owner'), moveOwner, { hint: t('wo.ownerHint') }),
      block('lines', t('wo.lines'), moveLines.element)),
  };
  const showKind = () => {
    const k = kindSel.value as Creatable;
    for (const [name, el] of Object.entries(sections)) el.hidden = name !== k;
    clearFieldErrors(form);
    msg.hide();
  };
  kindSel.addEventListener('change', showKind);

  let seq = 0;
  async function warehouseChanged(id: number | null): Promise<void> {
    const mine = ++seq;
    await Promise.all([receivingBin.load(id), stagingBin.load(id), moveBins.load(id)]);
    moveLines.refreshBins();
    if (mine !== seq) return;
    replaceChildren(receiveTask, h('option', { value: '' }, t('picker.choose')));
    if (!id) { replaceChildren(reservations, h('p', { class: 'muted small' }, t('wh.chooseWarehouseFirst'))); return; }
    reservations.setAttribute('aria-busy', 'true');
    receiveTask.setAttribute('aria-busy', 'true');
    try {
      const [rcv, res] = await Promise.all([
        getJson<Page<Task>>('/tasks', { kind: 'receive', warehouse_id: id, limit: 200 }),
        getJson<Page<Reservation>>('/reservations', { warehouse_id: id, state: 'active', limit: 200 }),
      ]);
      if (mine !== seq) return;
      const usable = (rcv.items ?? []).filter((x) => x.state !== 'cancelled' && x.state !== 'open');
      replaceChildren(receiveTask, h('option', { value: '' }, usable.length ? t('picker.choose') : t('wo.noReceiveTasks')),
        usable.map((x) => h('option', { value: x.id, 'data-code': x.code },
          `${x.code} · ${tDynamic(`taskState.${x.state}`, x.state)}${x.ref_id ? ` · ${x.ref_id}` : ''}`)));
      const items = res.items ?? [];
      replaceChildren(reservations, items.length ? items.map((r) => h('label', { class: 'check bin-check' },
        h('input', { type: 'checkbox', value: r.id, testid: 'new-task-reservation', 'data-order': r.order_ref }),
        h('span', {}, r.order_ref), ' ', recordCode('skus', r.sku_id), h('span', { class: 'muted small' }, ` × ${fmtInt(r.quantity)}`)))
        : h('p', { class: 'muted small' }, t('wo.noReservations')));
    } catch (err) {
      if (mine === seq) msg.show(err instanceof Error ? err.message : String(err), 'error');
    } finally {
      if (mine === seq) { reservations.setAttribute('aria-busy', 'false'); receiveTask.setAttribute('aria-busy', 'false'); }
    }
  }

  const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'new-task-submit' }, t('wo.create'));
  const form = h('form', { class: 'new-task-form', testid: 'new-task-form', novalidate: true },
    h('div', { class: 'form-grid' },
      field('kind', t('wo.kindToCreate'), kindSel, { required: true }),
      field('warehouse_id', t('po.warehouse'), warehouse.element, { input: warehouse.select, required: true })),
    Object.values(sections),
    msg.element,
    h('div', { class: 'form-actions' }, submit));
  showKind();

  /** The request of the chosen kind, or null after marking what is wrong. */
  function build(kind: Creatable, wh: number): { path: string; body: Record<string, unknown> } | null {
    const bad = (name: string, text: string) => { setFieldError(form, name, text); };
    const ownerText = (kind === 'move' ? moveOwner : owner).value.trim();
    const lineErrors = (rows: LineRow[], name: string, check: (r: LineRow) => string | null) => {
      const errs = rows.map((r, i) => { const e = check(r); return e ? t('wo.lineInvalid', { n: i + 1, what: e }) : null; }).filter(Boolean);
      if (errs.length) bad(name, errs.join(' · '));
      return !errs.length;
    };
    switch (kind) {
      case 'receive': {
        const bin = receivingBin.value();
        if (!bin) bad('receiving_bin_id', t('form.required'));
        if (!asnRef.value.trim()) bad('asn', t('form.required'));
        const ok = lineErrors(asnLines.rows(), 'asn.lines', (r) => (!r.sku() ? t('wo.needSku') : parseQty(r.qty()) === null ? t('wo.needQty') : null));
        if (!bin || !asnRef.value.trim() || !ok) return null;
        return {
          path: '/tasks/receive',
          body: {
            warehouse_id: wh, receiving_bin_id: bin, ...(ownerText ? { owner: ownerText } : {}),
            asn: { ref: asnRef.value.trim(), lines: asnLines.rows().map((r) => ({ sku_id: r.sku(), quantity: parseQty(r.qty()) })) },
          },
        };
      }
      case 'putaway':
        if (!receiveTask.value) { bad('receive_task_id', t('form.required')); return null; }
        return { path: '/tasks/putaway', body: { receive_task_id: Number(receiveTask.value) } };
      case 'pick': {
        const bin = stagingBin.value();
        const ids = [...reservations.querySelectorAll<HTMLInputElement>('input[type="checkbox"]:checked')].map((c) => Number(c.value));
        if (!bin) bad('staging_bin_id', t('form.required'));
        if (!ids.length) bad('reservation_ids', t('wo.chooseReservations'));
        if (!bin || !ids.length) return null;
        return { path: '/tasks/pick', body: { warehouse_id: wh, staging_bin_id: bin, reservation_ids: ids } };
      }
      case 'move': {
        const ok = lineErrors(moveLines.rows(), 'lines', (r) => {
          if (!r.sku()) return t('wo.needSku');
          if (!r.from?.() || !r.to?.()) return t('wo.needBins');
          if (r.from() === r.to()) return t('wo.sameBin');
          return parseQty(r.qty()) === null ? t('wo.needQty') : null;
        });
        if (!ok) return null;
        return {
          path: '/tasks/move',
          body: {
            warehouse_id: wh,
            lines: moveLines.rows().map((r) => ({
              sku_id: r.sku(), ...(r.lot?.() ? { lot_id: r.lot() } : {}), ...(ownerText ? { owner: ownerText } : {}),
              from_bin: r.from?.(), to_bin: r.to?.(), quantity: parseQty(r.qty()),
            })),
          },
        };
      }
    }
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.hide();
    const kind = kindSel.value as Creatable;
    const wh = warehouse.value();
    if (!wh) setFieldError(form, 'warehouse_id', t('form.required'));
    const request = wh ? build(kind, wh) : (build(kind, 0), null);
    if (!request) { msg.show(t('form.fixErrors'), 'error'); return; }
    submit.disabled = true;
    try {
      const task = await postJson<Task>(request.path, request.body, { 'Idempotency-Key': keyOf([request.path, request.body]) });
      navigate(href(['warehouse', 'tasks', task.id]));
    } catch (err) {
      showTaskError(form, msg, err);
      submit.disabled = false;
    }
  });

  return h('details', { class: 'panel', testid: 'new-task-panel' },
    h('summary', { testid: 'new-task-open' }, h('strong', {}, t('wo.newTask'))),
    h('p', { class: 'muted small' }, t('wo.newTaskLead')),
    form);
}

