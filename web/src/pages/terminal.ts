// Scanner terminal in the browser, laid out for a phone: choose an open task, then for a line
// scan the location, scan the item (a GS1 string or a GTIN, typed or pasted) and confirm the
// quantity. Each step is one device event (POST /devices/{device_id}/events) with a fresh
// event key; the last event can be sent again with the same key, and the server answers a
// repeat with its first answer, so nothing is counted twice. The device id is kept in
// localStorage. The task's progress is read back from the server after every confirm.

import { ApiError, getJson, postForAnswer, type Page } from '../api';
import { h, replaceChildren } from '../dom';
import { describeError } from '../form';
import { t, tDynamic } from '../i18n';
import { lotLabel, newKey, parseQty } from '../inventory';
import { badge, boxError, fmtInt, loadingBox, recordCode } from '../kit';
import { href, navigate } from '../router';
import {
  TASK_KINDS, binOfLine, deviceId, isClosed, lineDone, needsRecount, type DeviceAnswer, type DeviceEvent, type DeviceEventType,
  type Gs1Scan, type Task, type TaskLine,
} from '../warehouse';
import { taskKindLabel, taskProgress } from './tasks';
import { warehouseTabs } from './warehouse-ops';

const OPEN_STATES = ['open', 'in_progress', 'recount'] as const;

// ---- choosing a task -------------------------------------------------------------------------

export function renderTerminalChooser(query: URLSearchParams): HTMLElement {
  const kind = query.get('kind') ?? '';
  const kindSel = h('select', { id: 'terminal-kind', testid: 'terminal-kind', class: 'big' },
    h('option', { value: '' }, t('terminal.allKinds')),
    TASK_KINDS.map((k) => h('option', { value: k }, taskKindLabel(k))));
  kindSel.value = kind;
  kindSel.addEventListener('change', () => navigate(href(['warehouse', 'terminal'], { kind: kindSel.value || null })));
  const box = loadingBox('terminal-tasks', 'terminal-tasks');

  void (async () => {
    try {
      const pages = await Promise.all(OPEN_STATES.map((state) => getJson<Page<Task>>('/tasks', { state, kind, limit: 50 })));
      const tasks = pages.flatMap((p) => p.items ?? []).sort((a, b) => b.id - a.id);
      replaceChildren(box, tasks.length ? h('ul', { class: 'terminal-list' }, tasks.map((task) => h('li', {},
        h('a', { class: 'terminal-task', href: href(['warehouse', 'terminal', task.id]), testid: 'terminal-task', 'data-id': task.id, 'data-code': task.code, 'data-kind': task.kind },
          h('span', { class: 'terminal-task-head' }, h('strong', { class: 'code' }, task.code || `#${task.id}`), badge('taskState', task.state)),
          h('span', { class: 'muted' }, taskKindLabel(task.kind), ' · ', recordCode('warehouses', task.warehouse_id)),
          taskProgress(task)))))
        : h('p', { class: 'empty', testid: 'list-empty' }, t('terminal.noTasks')));
    } catch (err) {
      boxError(box, err);
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  })();

  return h('section', { class: 'page terminal-page', testid: 'page-terminal-choose' },
    warehouseTabs('terminal'),
    h('div', { class: 'page-head' }, h('h1', {}, t('terminal.chooseTitle'))),
    h('p', { class: 'muted small', testid: 'terminal-device' }, t('terminal.device', { id: deviceId() })),
    h('div', { class: 'field' }, h('label', { for: 'terminal-kind' }, t('wh.kind')), kindSel),
    box);
}

// ---- the terminal for one task ---------------------------------------------------------------

type Outcome = DeviceAnswer['status'] | 'sending' | 'unanswered';

interface Sent {
  event: DeviceEvent;
  outcome: Outcome;
  message: string;
  replayed: boolean;
}

/** The server's answer in one shape: its status and message, from an answer body or an error body. */
function readAnswer(status: number, data: unknown): { outcome: DeviceAnswer['status']; message: string; answer: DeviceAnswer | null } {
  const obj = data && typeof data === 'object' ? data as Record<string, unknown> : {};
  if (typeof obj.status === 'string' && ['applied', 'rejected', 'ok'].includes(obj.status)) {
    const answer = obj as unknown as DeviceAnswer;
    const outcome = status >= 400 && answer.status !== 'rejected' ? 'rejected' : answer.status;
    return { outcome, message: answer.message ?? '', answer };
  }
  const err = obj.error && typeof obj.error === 'object' ? obj.error as Record<string, unknown> : null;
  if (err) return { outcome: 'rejected', message: String(err.message ?? ''), answer: null };
  return { outcome: status >= 400 ? 'rejected' : 'ok', message: status >= 400 ? `HTTP ${status}` : '', answer: null };
}

export function renderTerminal(id: string): HTMLElement {
  const device = deviceId();
  const eventsPath = `/devices/${encodeURIComponent(device)}/events`;
  let task: Task | null = null;
  let lineNo = 0;
  let scan: Gs1Scan | null = null;
  let last: Sent | null = null;
  const log: Sent[] = [];

  // --- elements that live for the whole page ---
  const head = h('div', { class: 'terminal-head' }, h('p', { class: 'muted' }, t('list.loading')));
  const linesBox = h('div', { class: 'terminal-lines', testid: 'terminal-lines', role: 'group', 'aria-label': t('po.lines') });
  const current = h('div', { class: 'terminal-current panel', testid: 'terminal-current' });

  const location = h('input', {
    type: 'text', id: 'scan-location', testid: 'scan-location', class: 'scan-input', autocomplete: 'off', autocapitalize: 'characters',
    spellcheck: 'false', enterkeyhint: 'send', placeholder: t('terminal.locationHint'),
  });
  const item = h('input', {
    type: 'text', id: 'scan-item', testid: 'scan-item', class: 'scan-input', autocomplete: 'off', autocapitalize: 'off',
    spellcheck: 'false', enterkeyhint: 'send', placeholder: t('terminal.itemHint'),
  });
  const qty = h('input', { type: 'text', id: 'confirm-qty', testid: 'confirm-qty', class: 'scan-input num', inputmode: 'numeric', autocomplete: 'off', enterkeyhint: 'send' });
  const minus = h('button', { type: 'button', class: 'btn big step-btn', testid: 'qty-minus', 'aria-label': '−1' }, '−');
  const plus = h('button', { type: 'button', class: 'btn big step-btn', testid: 'qty-plus', 'aria-label': '+1' }, '+');
  minus.addEventListener('click', () => { const n = parseQty(qty.value, false) ?? 0; qty.value = String(Math.max(0, n - 1)); });
  plus.addEventListener('click', () => { const n = parseQty(qty.value, false) ?? 0; qty.value = String(n + 1); });
  const locState = h('span', { class: 'step-state', testid: 'step-location-state', 'data-state': 'todo' });
  const itemState = h('span', { class: 'step-state', testid: 'step-item-state', 'data-state': 'todo' });
  const parsed = h('div', { class: 'scan-parsed', testid: 'scan-parsed', hidden: true });

  const stepForm = (testid: string, n: number, label: string, state: HTMLElement, controls: (Node | null)[], submitId: string, submitLabel: string) => {
    const submit = h('button', { type: 'submit', class: 'btn primary big', testid: submitId }, submitLabel);
    const form = h('form', { class: 'terminal-step', testid, novalidate: true },
      h('div', { class: 'step-head' }, h('span', { class: 'step-no' }, String(n)), h('label', { for: (controls.find((c) => c instanceof HTMLInputElement) as HTMLInputElement | undefined)?.id ?? '' }, label), state),
      h('div', { class: 'step-controls' }, controls),
      submit);
    return { form, submit };
  };
  const locStep = stepForm('step-location', 1, t('terminal.scanLocation'), locState, [location], 'scan-location-submit', t('terminal.send'));
  const itemStep = stepForm('step-item', 2, t('terminal.scanItem'), itemState, [item, parsed], 'scan-item-submit', t('terminal.send'));
  const confirmStep = stepForm('step-confirm', 3, t('terminal.confirmQty'), h('span', {}), [h('div', { class: 'qty-row' }, minus, qty, plus)], 'confirm-submit', t('terminal.confirm'));

  const answerBox = h('div', { class: 'terminal-answer', testid: 'terminal-answer', 'data-status': 'none', role: 'status', 'aria-live': 'assertive', hidden: true });
  const logBox = h('ol', { class: 'terminal-log', testid: 'terminal-log', reversed: true });
  const main = h('div', { class: 'terminal-main', hidden: true }, linesBox, current, locStep.form, itemStep.form, confirmStep.form, answerBox,
    h('details', { class: 'terminal-log-box' }, h('summary', {}, t('terminal.log')), logBox));
  const body = h('div', { class: 'terminal-body', testid: 'terminal-body', 'aria-busy': 'true' }, head, main);

  const line = (): TaskLine | undefined => task?.lines.find((l) => l.line_no === lineNo);

  function setStep(el: HTMLElement, state: 'todo' | 'ok' | 'rejected' | 'sending' | 'elsewhere'): void {
    el.setAttribute('data-state', state);
    el.textContent = state === 'todo' ? '' : tDynamic(`terminal.state.${state}`, state);
  }

  function resetSteps(keepLocation: boolean): void {
    if (!keepLocation) { location.value = ''; setStep(locState, 'todo'); }
    item.value = '';
    qty.value = '';
    scan = null;
    parsed.hidden = true;
    setStep(itemState, 'todo');
  }

  function renderLines(): void {
    if (!task) return;
    const t0 = task;
    replaceChildren(linesBox, t0.lines.map((l) => {
      const done = lineDone(t0, l);
      const b = h('button', {
        type: 'button', class: `terminal-line${l.line_no === lineNo ? ' current' : ''}${done ? ' done' : ''}`, testid: 'terminal-line',
        'data-line': l.line_no, 'data-done': done ? 'true' : 'false', 'aria-pressed': l.line_no === lineNo ? 'true' : 'false',
      }, done ? `✓ ${l.line_no}` : String(l.line_no));
      b.addEventListener('click', () => {
        if (l.line_no === lineNo) return;
        lineNo = l.line_no;
        resetSteps(false);
        renderLines();
        renderCurrent();
        location.focus();
      });
      return b;
    }));
  }

  function renderCurrent(): void {
    const l = line();
    if (!task || !l) { replaceChildren(current, h('p', { class: 'muted' }, t('terminal.noLines'))); return; }
    const bin = binOfLine(task.kind, l);
    const counting = task.kind === 'count';
    const done = lineDone(task, l);
    const expected = l.expected_qty ?? 0;
    const progress = counting
      ? h('div', { class: 'line-progress', testid: 'line-progress', 'data-done': l.counted_qty ?? '', 'data-expected': '', 'data-complete': done ? 'true' : 'false' },
        needsRecount(task, l) ? t('terminal.recountAsked') : l.counted_qty === null || l.counted_qty === undefined ? t('terminal.notCounted') : t('terminal.counted'))
      : h('div', { class: 'line-progress', testid: 'line-progress', 'data-done': l.done_qty ?? 0, 'data-expected': expected, 'data-complete': done ? 'true' : 'false' },
        h('span', { class: 'share-bar' }, h('span', { class: 'hbar', style: `width:${expected ? Math.min(100, Math.round(((l.done_qty ?? 0) / expected) * 100)) : 0}%` })),
        h('strong', {}, `${fmtInt(l.done_qty ?? 0)} / ${fmtInt(expected)}`),
        l.damaged_qty ? h('span', { class: 'muted small' }, ` ${t('terminal.damagedN', { n: l.damaged_qty })}`) : null);
    const next = task.lines.find((x) => x.line_no > l.line_no && !lineDone(task!, x)) ?? task.lines.find((x) => !lineDone(task!, x) && x.line_no !== l.line_no);
    const nextBtn = done && next ? h('button', { type: 'button', class: 'btn big wide', testid: 'terminal-next-line' }, t('terminal.nextLine', { n: next.line_no })) : null;
    nextBtn?.addEventListener('click', () => { lineNo = next!.line_no; resetSteps(false); renderLines(); renderCurrent(); location.focus(); });
    replaceChildren(current,
      h('div', { class: 'current-head' }, h('span', { class: 'muted' }, t('po.lineNo', { n: l.line_no })), done ? badge('line', 'done') : null),
      h('div', { class: 'current-sku' }, recordCode('skus', l.sku_id, true)),
      h('dl', { class: 'current-facts' },
        h('dt', {}, t('terminal.goTo')), h('dd', { class: 'big-code', testid: 'current-bin' }, bin ? recordCode('bins', bin) : '—'),
        l.lot_id ? [h('dt', {}, t('inv.lot')), h('dd', {}, lotLabel(l.lot_id))] : null,
        l.owner && l.owner !== 'own' ? [h('dt', {}, t('inv.owner')), h('dd', {}, l.owner)] : null,
        task.kind === 'pick' && l.to_bin ? [h('dt', {}, t('wh.toBin')), h('dd', {}, recordCode('bins', l.to_bin))] : null,
        l.order_ref ? [h('dt', {}, t('res.order')), h('dd', {}, l.order_ref)] : null),
      progress,
      nextBtn);
    if (!qty.value && !counting) qty.value = String(Math.max(0, expected - (l.done_qty ?? 0) - (l.damaged_qty ?? 0)) || '');
  }

  function showAnswer(sent: Sent): void {
    answerBox.hidden = false;
    answerBox.setAttribute('data-status', sent.outcome);
    answerBox.setAttribute('data-replayed', sent.replayed ? 'true' : 'false');
    answerBox.setAttribute('data-key', sent.event.event_key);
    answerBox.setAttribute('data-type', sent.event.type);
    answerBox.className = `terminal-answer answer-${sent.outcome}`;
    const title = tDynamic(`terminal.answer.${sent.outcome}`, sent.outcome);
    const resend = h('button', { type: 'button', class: 'btn big', testid: sent.outcome === 'unanswered' ? 'answer-retry' : 'answer-resend' },
      sent.outcome === 'unanswered' ? t('terminal.retry') : t('terminal.resend'));
    resend.addEventListener('click', () => void send(sent.event));
    replaceChildren(answerBox,
      h('div', { class: 'answer-title', testid: 'answer-title' }, title, sent.replayed ? h('span', { class: 'badge replay', testid: 'answer-replayed' }, t('terminal.replayed')) : null),
      sent.message ? h('p', { class: 'answer-message', testid: 'answer-message' }, sent.message) : null,
      h('p', { class: 'muted small answer-meta' }, `${tDynamic(`terminal.type.${sent.event.type}`, sent.event.type)} · ${t('terminal.key', { key: sent.event.event_key.slice(0, 8) })}`),
      sent.outcome === 'sending' ? null : resend);
    // On a phone the answer is below the steps: bring it into view.
    if (sent.outcome !== 'sending') answerBox.scrollIntoView({ block: 'nearest' });
  }

  function addLog(sent: Sent): void {
    log.unshift(sent);
    log.length = Math.min(log.length, 30);
    replaceChildren(logBox, log.map((s) => h('li', {
      testid: 'log-entry', 'data-status': s.outcome, 'data-key': s.event.event_key, 'data-type': s.event.type, 'data-replayed': s.replayed ? 'true' : 'false',
    },
      h('span', { class: `badge answer-${s.outcome}` }, tDynamic(`terminal.answer.${s.outcome}`, s.outcome)), ' ',
      tDynamic(`terminal.type.${s.event.type}`, s.event.type), ` · ${t('po.lineNo', { n: s.event.line_no })}`,
      s.replayed ? h('span', { class: 'muted' }, ` · ${t('terminal.replayed')}`) : null,
      s.message ? h('div', { class: 'muted small' }, s.message) : null)));
  }

  const buttons = () => [locStep.submit, itemStep.submit, confirmStep.submit];

  /** Sends one event (again, with its key, when it is a repeat) and shows the answer. */
  async function send(event: DeviceEvent): Promise<void> {
    const sending: Sent = { event, outcome: 'sending', message: t('terminal.sending'), replayed: false };
    last = sending;
    showAnswer(sending);
    buttons().forEach((b) => { b.disabled = true; });
    let sent: Sent;
    let answer: DeviceAnswer | null = null;
    try {
      const res = await postForAnswer<unknown>(eventsPath, event);
      const read = readAnswer(res.status, res.data);
      answer = read.answer;
      sent = { event, outcome: read.outcome, message: read.message, replayed: res.replayed };
    } catch (err) {
      // No answer (network, server error): the event may or may not have been applied; sending
      // it again with the same key is safe.
      sent = { event, outcome: 'unanswered', message: describeError(err), replayed: false };
      if (err instanceof ApiError && err.status === 401) return;
    } finally {
      buttons().forEach((b) => { b.disabled = false; });
    }
    last = sent;
    addLog(sent);
    showAnswer(sent);
    if (sent.outcome === 'unanswered') return;
    const accepted = sent.outcome !== 'rejected';
    if (event.type === 'scan_location' && event.line_no === lineNo) {
      // A known bin is answered "ok" with the lines to be worked there; none for this line means
      // the user stands at the wrong bin (the confirm would be refused).
      const here = answer?.bin?.expected;
      const elsewhere = accepted && Array.isArray(here) && !here.some((e) => e.line_no === lineNo);
      setStep(locState, elsewhere ? 'elsewhere' : accepted ? 'ok' : 'rejected');
      if (elsewhere) {
        const note = h('p', { class: 'answer-note', testid: 'answer-elsewhere' }, t('terminal.notThisLine', { bin: answer?.bin?.code ?? event.location ?? '', n: lineNo }));
        answerBox.insertBefore(note, answerBox.children[1] ?? null);
        answerBox.classList.add('answer-warn');
      }
      if (accepted && !elsewhere) item.focus(); else location.select();
    } else if (event.type === 'scan_item' && event.line_no === lineNo) {
      setStep(itemState, accepted ? 'ok' : 'rejected');
      scan = accepted ? answer?.scan ?? null : null;
      showScan();
      if (accepted) {
        if (typeof scan?.quantity === 'number' && scan.quantity > 0) qty.value = String(scan.quantity);
        qty.focus();
        qty.select();
      } else {
        item.select();
      }
    } else if (event.type === 'confirm') {
      await refresh();
      if (sent.outcome === 'applied' && event.line_no === lineNo && !sent.replayed) {
        resetSteps(true);
        renderCurrent();
        item.focus();
      }
    }
  }

  function showScan(): void {
    if (!scan) { parsed.hidden = true; return; }
    const facts: [string, string | number | null | undefined][] = [
      ['GTIN', scan.gtin], ['SSCC', scan.sscc], [t('inv.lot'), scan.lot], [t('inv.expiry'), scan.expiry_date],
      [t('inv.produced'), scan.production_date], [t('po.quantity'), scan.quantity], [t('terminal.serial'), scan.serial],
    ];
    replaceChildren(parsed, h('dl', { class: 'current-facts small' }, facts.filter(([, v]) => v !== null && v !== undefined && v !== '')
      .flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-fact': k }, String(v))])));
    parsed.hidden = false;
  }

  function event(type: DeviceEventType, extra: Partial<DeviceEvent>): DeviceEvent {
    return { event_key: newKey(), type, task_id: Number(id), line_no: lineNo, device_time: new Date().toISOString(), ...extra };
  }

  /** A problem found before sending anything: shown where answers go, nothing is sent. */
  const localError = (text: string) => {
    answerBox.hidden = false;
    answerBox.setAttribute('data-status', 'local');
    answerBox.className = 'terminal-answer answer-rejected';
    replaceChildren(answerBox, h('div', { class: 'answer-title', testid: 'answer-title' }, text));
  };
  const needs = (input: HTMLInputElement, text: string): boolean => {
    if (input.value.trim()) return true;
    localError(text);
    input.focus();
    return false;
  };

  locStep.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!needs(location, t('terminal.needLocation'))) return;
    setStep(locState, 'sending');
    void send(event('scan_location', { location: location.value.trim() }));
  });
  itemStep.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!needs(item, t('terminal.needItem'))) return;
    setStep(itemState, 'sending');
    void send(event('scan_item', { location: location.value.trim(), barcode: item.value.trim() }));
  });
  confirmStep.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!needs(location, t('terminal.needLocation')) || !needs(item, t('terminal.needItem'))) return;
    const counting = task?.kind === 'count';
    const n = parseQty(qty.value, !counting);
    if (n === null || n < 0) {
      localError(counting ? t('form.int') : t('po.quantityInvalid'));
      qty.focus();
      return;
    }
    void send(event('confirm', { location: location.value.trim(), barcode: item.value.trim(), quantity: n }));
  });

  async function refresh(): Promise<void> {
    try {
      task = await getJson<Task>(`/tasks/${encodeURIComponent(id)}`);
      renderHead();
      renderLines();
      renderCurrent();
    } catch (err) {
      if (last) showAnswer({ ...last, message: `${last.message} (${describeError(err)})` });
    }
  }

  function renderHead(): void {
    if (!task) return;
    replaceChildren(head,
      h('div', { class: 'terminal-title' },
        h('h1', {}, h('span', { class: 'code', testid: 'terminal-task-code' }, task.code || `#${task.id}`)),
        badge('taskState', task.state, 'task-state')),
      h('p', { class: 'muted small' }, taskKindLabel(task.kind), ' · ', recordCode('warehouses', task.warehouse_id), ' · ',
        h('span', { testid: 'terminal-device', 'data-device': device }, t('terminal.device', { id: device }))),
      isClosed(task.state) ? h('p', { class: 'form-message error', testid: 'terminal-closed' }, t('terminal.closed', { state: tDynamic(`taskState.${task.state}`, task.state) })) : null);
  }

  void (async () => {
    try {
      task = await getJson<Task>(`/tasks/${encodeURIComponent(id)}`);
      const firstOpen = task.lines.find((l) => !lineDone(task!, l)) ?? task.lines[0];
      lineNo = firstOpen?.line_no ?? 0;
      renderHead();
      renderLines();
      renderCurrent();
      main.hidden = false;
      location.focus();
    } catch (err) {
      boxError(head, err, 'detail-error');
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
  })();

  return h('section', { class: 'page terminal-page', testid: 'page-terminal' },
    h('a', { class: 'back', href: href(['warehouse', 'terminal']), testid: 'terminal-back' }, `‹ ${t('terminal.otherTask')}`),
    body,
    h('p', { class: 'muted small terminal-foot' }, t('terminal.rule')));
}
