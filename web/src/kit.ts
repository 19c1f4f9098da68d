// Small building blocks for the hand-made pages (evaluation, procurement): form fields with
// error slots, a message box, record pickers, sub-navigation tabs, number and money formats,
// and clean-up hooks that run when the page is left.

import { ApiError, getJson, type Entity, type Page } from './api';
import { h, replaceChildren } from './dom';
import { describeError } from './form';
import { lang, t, tDynamic, type Key } from './i18n';

// ---- page clean-up --------------------------------------------------------------------------

const leaveHooks: (() => void)[] = [];

/** Run `fn` when the current page is replaced (e.g. dispose a chart, stop a timer). */
export function onLeave(fn: () => void): void {
  leaveHooks.push(fn);
}

export function runLeaveHooks(): void {
  while (leaveHooks.length) {
    try {
      leaveHooks.pop()!();
    } catch {
      // a failing clean-up must not stop the next page
    }
  }
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): ((...args: A) => void) & { cancel: () => void } {
  let timer: number | undefined;
  const wrapped = (...args: A) => {
    if (timer !== undefined) window.clearTimeout(timer);
    timer = window.setTimeout(() => { timer = undefined; fn(...args); }, ms);
  };
  wrapped.cancel = () => { if (timer !== undefined) window.clearTimeout(timer); timer = undefined; };
  onLeave(wrapped.cancel);
  return wrapped;
}

// ---- formats --------------------------------------------------------------------------------

const locale = () => (lang() === 'zh' ? 'zh-CN' : 'en-GB');

export function fmtNum(v: unknown, digits = 2): string {
  if (v === null || v === undefined || v === '') return '—';
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) return String(v);
  return n.toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtInt(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n.toLocaleString(locale(), { maximumFractionDigits: 0 }) : String(v);
}

export function fmtPercent(share: unknown, digits = 1): string {
  if (share === null || share === undefined) return '—';
  const n = Number(share);
  return Number.isFinite(n) ? `${(n * 100).toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits })} %` : String(share);
}

/** Money as the API sends it: a decimal string ("12.50") or a number, with its currency. */
export function fmtMoney(amount: unknown, currency?: string): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const text = String(amount);
  const n = Number(text);
  if (!Number.isFinite(n)) return `${text}${currency ? ` ${currency}` : ''}`;
  const decimals = text.includes('.') ? text.split('.')[1].length : 0;
  const shown = n.toLocaleString(locale(), { minimumFractionDigits: decimals, maximumFractionDigits: Math.max(decimals, 2) });
  return currency ? `${shown} ${currency}` : shown;
}

export function todayIso(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** This month as an evaluation period, e.g. "2026-11". */
export function currentPeriod(): string {
  return todayIso().slice(0, 7);
}

export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/;

// ---- fields and errors ----------------------------------------------------------------------

export type Input = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface FieldOptions {
  hint?: string;
  required?: boolean;
  wide?: boolean;
  /** Error slot id (defaults to the field name). */
  errorName?: string;
  /** The control the label points at, when `control` wraps several (e.g. a picker). */
  input?: Input;
}

/** A labelled field with its own error slot, styled like the generic forms. */
export function field(name: string, label: string, control: HTMLElement, opts: FieldOptions = {}): HTMLElement {
  const input = opts.input ?? (control.matches('input,select,textarea') ? control : control.querySelector('input,select,textarea')) as Input | null;
  const id = input?.id || `x-${name}`;
  if (input && !input.id) input.id = id;
  const errName = opts.errorName ?? name;
  const error = h('div', { class: 'field-error', id: `${id}-error`, testid: `field-error-${errName}`, hidden: true });
  if (input) input.setAttribute('aria-describedby', `${opts.hint ? `${id}-hint ` : ''}${id}-error`);
  return h('div', { class: `field${opts.wide ? ' wide' : ''}`, 'data-field': errName },
    h('label', { for: id }, label, opts.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control,
    opts.hint ? h('div', { class: 'hint', id: `${id}-hint` }, opts.hint) : null,
    error);
}

/** Shows an error inside the `[data-field=name]` block of `scope`; false when there is none. */
export function setFieldError(scope: Element, name: string, message: string): boolean {
  const box = scope.querySelector<HTMLElement>(`[data-field="${CSS.escape(name)}"]`);
  const slot = box?.querySelector<HTMLElement>('.field-error');
  if (!box || !slot) return false;
  slot.textContent = message;
  slot.hidden = false;
  box.classList.add('invalid');
  box.querySelector('input,select,textarea')?.setAttribute('aria-invalid', 'true');
  return true;
}

export function clearFieldErrors(scope: Element): void {
  scope.querySelectorAll<HTMLElement>('.field-error').forEach((el) => { el.hidden = true; el.textContent = ''; });
  scope.querySelectorAll('.invalid').forEach((el) => el.classList.remove('invalid'));
  scope.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
}

export interface MessageBox {
  element: HTMLElement;
  show: (text: string, kind: 'ok' | 'error' | 'warn', extra?: Node | null) => void;
  hide: () => void;
}

export function messageBox(testid = 'form-message'): MessageBox {
  const element = h('div', { class: 'form-message', testid, role: 'status', 'aria-live': 'polite', hidden: true });
  return {
    element,
    show: (text, kind, extra) => {
      replaceChildren(element, h('span', {}, text), extra ?? null);
      element.className = `form-message ${kind}`;
      element.setAttribute('data-kind', kind);
      element.setAttribute('role', kind === 'error' ? 'alert' : 'status');
      element.hidden = false;
    },
    hide: () => { element.hidden = true; replaceChildren(element); },
  };
}

/**
 * Shows an API error beside the field the server names (`error.field`) when the scope has it,
 * otherwise in the message box. Returns the field name used, if any.
 */
export function showApiError(scope: Element, box: MessageBox, err: unknown, alias: Record<string, string> = {}): string | undefined {
  if (err instanceof ApiError && err.field) {
    // The server names nested fields by path ("indicators.performance", "scores.fill_rate"); the
    // forms name them by the indicator's code.
    const raw = err.field;
    const leaf = raw.replace(/^(indicators|scores)\./, '');
    const name = alias[raw] ?? alias[leaf] ?? (scope.querySelector(`[data-field="${CSS.escape(raw)}"]`) ? raw : leaf);
    if (setFieldError(scope, name, err.message)) {
      box.show(t('form.fixErrors'), 'error');
      scope.querySelector<HTMLElement>(`[data-field="${CSS.escape(name)}"] input, [data-field="${CSS.escape(name)}"] select`)?.focus();
      return name;
    }
  }
  box.show(describeError(err), 'error');
  return undefined;
}

// ---- sub-navigation -------------------------------------------------------------------------

export interface Tab {
  id: string;
  label: Key;
  href: string;
}

export function subTabs(tabs: Tab[], active: string): HTMLElement {
  return h('nav', { class: 'subtabs', 'aria-label': 'sections', testid: 'subtabs' },
    tabs.map((tab) => h('a', {
      href: tab.href, class: `subtab${tab.id === active ? ' active' : ''}`, testid: `tab-${tab.id}`,
      'aria-current': tab.id === active ? 'page' : null,
    }, t(tab.label))));
}

export function badge(kind: string, value: string | null | undefined, testid?: string): HTMLElement {
  const v = value ?? '';
  return h('span', { class: `badge ${kind}-${v || 'none'}`, testid: testid ?? null, 'data-value': v },
    v ? tDynamic(`${kind}.${v}`, v) : '—');
}

// ---- records: labels and pickers ------------------------------------------------------------

/** Record kinds readable by id; `bins` only by id (GET /bins/{id}), never listed by a picker. */
export type RecordPath = 'suppliers' | 'skus' | 'warehouses' | 'bins' | 'channels';

const cache = new Map<string, Promise<Entity | null>>();

/** A master record by id, cached for the session of the page; null when it cannot be read. */
export function recordById(path: RecordPath, id: number | null | undefined): Promise<Entity | null> {
  if (!id) return Promise.resolve(null);
  const key = `${path}/${id}`;
  let p = cache.get(key);
  if (!p) {
    p = getJson<Entity>(`/${path}/${id}`).catch(() => {
      cache.delete(key);
      return null;
    });
    cache.set(key, p);
  }
  return p;
}

export function remember(path: RecordPath, record: Entity): void {
  cache.set(`${path}/${record.id}`, Promise.resolve(record));
}

/** A text node that turns into the record's code once loaded (the id until then). */
export function recordCode(path: RecordPath, id: number | null | undefined, withName = false): HTMLElement {
  const el = h('span', { class: 'ref', 'data-id': id ?? '' }, id ? `#${id}` : '—');
  void recordById(path, id).then((r) => {
    if (r) el.textContent = withName ? `${r.code} — ${r.name}` : r.code;
  });
  return el;
}

export interface Picker {
  element: HTMLElement;
  select: HTMLSelectElement;
  value: () => number | null;
  record: () => Entity | null;
  setValue: (id: number | null) => Promise<void>;
}

export interface PickerOptions {
  path: RecordPath;
  id: string;
  testid: string;
  value?: number | null;
  /** Label of the empty choice ("any" for filters, "choose" for forms). */
  empty?: string;
  onChange?: (record: Entity | null) => void;
}

/** A select of master records with a search box that narrows it (by code or name). */
export function recordPicker(opts: PickerOptions): Picker {
  const search = h('input', {
    type: 'search', class: 'picker-search', id: `${opts.id}-search`, testid: `${opts.testid}-search`,
    placeholder: t('picker.search'), 'aria-label': t('picker.search'), autocomplete: 'off',
  });
  const select = h('select', { id: opts.id, name: opts.id, testid: opts.testid });
  const records = new Map<number, Entity>();
  let current: number | null = opts.value ?? null;
  let seq = 0;

  const fill = (items: Entity[]) => {
    for (const r of items) { records.set(r.id, r); remember(opts.path, r); }
    const shown = [...items];
    if (current && !shown.some((r) => r.id === current) && records.has(current)) shown.unshift(records.get(current)!);
    replaceChildren(select,
      h('option', { value: '' }, opts.empty ?? t('picker.choose')),
      shown.map((r) => h('option', { value: r.id, 'data-code': r.code }, `${r.code} — ${r.name}`)));
    select.value = current ? String(current) : '';
  };

  const load = async (q: string) => {
    const mine = ++seq;
    select.setAttribute('aria-busy', 'true');
    try {
      const data = await getJson<Page<Entity>>(`/${opts.path}`, { q, limit: 100, status: 'active' });
      if (mine !== seq) return;
      const items = Array.isArray(data.items) ? data.items : [];
      fill(items);
      // A search that finds exactly one record picks it.
      if (q && items.length === 1 && current !== items[0].id) {
        current = items[0].id;
        select.value = String(current);
        opts.onChange?.(items[0]);
      }
    } catch (err) {
      if (mine === seq) select.title = describeError(err);
    } finally {
      if (mine === seq) select.setAttribute('aria-busy', 'false');
    }
  };

  const searchLater = debounce(() => void load(search.value.trim()), 250);
  search.addEventListener('input', searchLater);
  search.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); searchLater.cancel(); void load(search.value.trim()); } });
  select.addEventListener('change', () => {
    current = select.value ? Number(select.value) : null;
    opts.onChange?.(current ? records.get(current) ?? null : null);
  });

  const setValue = async (id: number | null) => {
    current = id;
    if (id && !records.has(id)) {
      const r = await recordById(opts.path, id);
      if (r) records.set(r.id, r);
    }
    fill([...records.values()].filter((r) => r.id === id || !search.value));
    opts.onChange?.(id ? records.get(id) ?? null : null);
  };

  void (async () => {
    if (current) {
      const r = await recordById(opts.path, current);
      if (r) records.set(r.id, r);
    }
    await load('');
    if (current && records.has(current)) opts.onChange?.(records.get(current)!);
  })();

  return {
    element: h('div', { class: 'picker' }, search, select),
    select,
    value: () => current,
    record: () => (current ? records.get(current) ?? null : null),
    setValue,
  };
}

// ---- paging ---------------------------------------------------------------------------------

export interface Pager {
  element: HTMLElement;
  /** Shows "from–to of total" and enables the buttons for the page just loaded; a null total is unknown (next while pages are full). */
  show: (count: number, total: number | null) => void;
}

/** Previous / next buttons and the range label of an offset-paged list. */
export function pager(offset: number, limit: number, go: (offset: number) => void): Pager {
  const range = h('span', { class: 'range', testid: 'list-total' });
  const prev = h('button', { type: 'button', class: 'btn', testid: 'page-prev', disabled: true }, `‹ ${t('list.prev')}`);
  const next = h('button', { type: 'button', class: 'btn', testid: 'page-next', disabled: true }, `${t('list.next')} ›`);
  prev.addEventListener('click', () => go(Math.max(0, offset - limit)));
  next.addEventListener('click', () => go(offset + limit));
  return {
    element: h('nav', { class: 'pager', 'aria-label': 'pagination' }, prev, range, next),
    show: (count, total) => {
      if (total === null) {
        range.textContent = count ? t('list.rangeOpen', { from: offset + 1, to: offset + count }) : t('list.empty');
        range.removeAttribute('data-total');
        next.disabled = count < limit;
      } else {
        range.textContent = count ? t('list.range', { from: offset + 1, to: offset + count, total }) : t('list.rangeEmpty', { total });
        range.setAttribute('data-total', String(total));
        next.disabled = offset + count >= total;
      }
      prev.disabled = offset <= 0;
    },
  };
}

/** Offset and limit of a list route's query (limit 1..200, default `size`). */
export function pageOf(query: URLSearchParams, size: number): { offset: number; limit: number } {
  const offset = Math.max(0, Number.parseInt(query.get('offset') ?? '0', 10) || 0);
  const limit = Math.min(200, Math.max(1, Number.parseInt(query.get('limit') ?? String(size), 10) || size));
  return { offset, limit };
}

/** A loading area that tests can wait on (`aria-busy="false"` once loaded). */
export function loadingBox(testid: string, cls = 'table-box'): HTMLElement {
  return h('div', { class: cls, testid, 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('list.loading')));
}

/** Shows an error inside a loading area. */
export function boxError(box: HTMLElement, err: unknown, testid = 'list-error'): void {
  replaceChildren(box, h('p', { class: 'form-message error', role: 'alert', testid }, describeError(err)));
}
