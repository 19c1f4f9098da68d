// Generic entity form: renders inputs from FieldSpecs, parses them back into
// JSON values and shows errors next to the field they concern.

import { ApiError } from './api';
import { h, replaceChildren } from './dom';
import type { FieldSpec } from './entities';
import { fieldLabel, optionLabel, t, isKey } from './i18n';

export type Values = Record<string, unknown>;

export interface FormOptions {
  fields: FieldSpec[];
  /** Existing record (edit) or undefined (create). */
  record?: Values;
  /** Prefix for element ids, so two forms can live on one page. */
  idPrefix: string;
  submitLabel: string;
  /** Group fields into fieldsets by their `group`. */
  grouped?: boolean;
  testid?: string;
  /** Extra buttons placed after the submit button. */
  extraActions?: HTMLElement[];
  onSubmit: (form: EntityForm) => void | Promise<void>;
}

export interface Parsed {
  values: Values;
  errors: Record<string, string>;
}

export class EntityForm {
  readonly element: HTMLFormElement;
  private readonly opts: FormOptions;
  private readonly inputs = new Map<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>();
  private readonly errorEls = new Map<string, HTMLElement>();
  private readonly message: HTMLElement;
  private readonly submitButton: HTMLButtonElement;
  private busy = false;

  constructor(opts: FormOptions) {
    this.opts = opts;
    this.message = h('div', { class: 'form-message', testid: 'form-message', role: 'status', 'aria-live': 'polite', hidden: true });
    this.submitButton = h('button', { type: 'submit', class: 'btn primary', testid: 'form-submit' }, opts.submitLabel);
    this.element = h('form', { class: 'entity-form', novalidate: true, testid: opts.testid ?? 'entity-form' });
    this.element.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.submit();
    });

    const editing = opts.record !== undefined;
    const body: HTMLElement[] = [];
    if (opts.grouped) {
      const groups = new Map<string, FieldSpec[]>();
      for (const f of opts.fields) {
        const list = groups.get(f.group) ?? [];
        list.push(f);
        groups.set(f.group, list);
      }
      for (const [group, fields] of groups) {
        body.push(h('fieldset', { class: 'form-group' },
          h('legend', {}, isKey(group) ? t(group) : group),
          h('div', { class: 'form-grid' }, fields.map((f) => this.renderField(f, editing)))));
      }
    } else {
      body.push(h('div', { class: 'form-grid' }, opts.fields.map((f) => this.renderField(f, editing))));
    }

    this.element.append(
      ...body,
      this.message,
      h('div', { class: 'form-actions' }, this.submitButton, ...(opts.extraActions ?? [])),
    );
  }

  private renderField(f: FieldSpec, editing: boolean): HTMLElement {
    const id = `${this.opts.idPrefix}-${f.name}`;
    const hintId = `${id}-hint`;
    const errorId = `${id}-error`;
    const readOnly = editing && f.createOnly === true;
    const current = this.opts.record ? this.opts.record[f.name] : f.initial;
    const describedBy = [f.hint ? hintId : '', errorId].filter(Boolean).join(' ');
    let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

    switch (f.kind) {
      case 'select': {
        const select = h('select', { id, name: f.name },
          // An unknown current value (newer server) is kept rather than silently replaced.
          (f.options ?? []).concat(
            typeof current === 'string' && current && !(f.options ?? []).includes(current) ? [current] : [],
          ).map((v) => h('option', { value: v }, optionLabel(f.name, v))));
        if (!f.required) select.prepend(h('option', { value: '' }, '—'));
        select.value = current === undefined || current === null ? (f.required ? (f.options?.[0] ?? '') : '') : String(current);
        input = select;
        break;
      }
      case 'bool': {
        const box = h('input', { id, name: f.name, type: 'checkbox' });
        box.checked = current === true;
        input = box;
        break;
      }
      case 'textarea': {
        const area = h('textarea', { id, name: f.name, rows: 3 });
        area.value = current === undefined || current === null ? '' : String(current);
        input = area;
        break;
      }
      default: {
        const attrs: Record<string, string | boolean> = { id, name: f.name, type: 'text', autocomplete: 'off' };
        if (f.kind === 'email') attrs.type = 'email';
        if (f.kind === 'int' || f.kind === 'digits') attrs.inputmode = 'numeric';
        if (f.kind === 'number') attrs.inputmode = 'decimal';
        if (f.kind === 'code2') { attrs.maxlength = '2'; attrs.class = 'short upper'; }
        if (f.kind === 'code3') { attrs.maxlength = '3'; attrs.class = 'short upper'; }
        if (f.kind === 'int' || f.kind === 'number') attrs.class = 'num';
        const text = h('input', attrs);
        text.value = current === undefined || current === null ? '' : String(current);
        input = text;
      }
    }
    input.setAttribute('data-testid', `field-${f.name}`);
    input.setAttribute('aria-describedby', describedBy);
    if (f.required) input.setAttribute('aria-required', 'true');
    if (readOnly) {
      if (input instanceof HTMLSelectElement || (input instanceof HTMLInputElement && input.type === 'checkbox')) {
        input.disabled = true;
      } else {
        input.readOnly = true;
      }
    }
    this.inputs.set(f.name, input);

    const error = h('div', { class: 'field-error', id: errorId, testid: `field-error-${f.name}`, hidden: true });
    this.errorEls.set(f.name, error);

    const label = h('label', { for: id }, fieldLabel(f.name), f.required && !readOnly ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
    const cls = `field field-${f.kind}${f.wide ? ' wide' : ''}`;
    if (f.kind === 'bool') {
      return h('div', { class: cls, 'data-field': f.name },
        h('div', { class: 'check' }, input, label),
        f.hint ? h('div', { class: 'hint', id: hintId }, t(f.hint)) : null,
        error);
    }
    return h('div', { class: cls, 'data-field': f.name },
      label, input,
      f.hint ? h('div', { class: 'hint', id: hintId }, t(f.hint)) : null,
      error);
  }

  /** Read every input into JSON values; empty optional inputs become null. */
  parse(): Parsed {
    const values: Values = {};
    const errors: Record<string, string> = {};
    for (const f of this.opts.fields) {
      const input = this.inputs.get(f.name);
      if (!input) continue;
      if (f.kind === 'bool') {
        values[f.name] = (input as HTMLInputElement).checked;
        continue;
      }
      let raw = input.value.trim();
      if (f.kind === 'digits') raw = raw.replace(/\s+/g, '');
      if (f.kind === 'code2' || f.kind === 'code3') raw = raw.toUpperCase();
      if (raw === '') {
        values[f.name] = null;
        if (f.required) errors[f.name] = t('form.required');
        continue;
      }
      if (f.kind === 'int') {
        if (!/^-?\d+$/.test(raw)) { errors[f.name] = t('form.int'); continue; }
        values[f.name] = Number.parseInt(raw, 10);
      } else if (f.kind === 'number') {
        const n = Number(raw.replace(',', '.'));
        if (!Number.isFinite(n)) { errors[f.name] = t('form.number'); continue; }
        values[f.name] = n;
      } else {
        values[f.name] = raw;
      }
    }
    return { values, errors };
  }

  /** Body for POST: every non-empty value. */
  createBody(values: Values): Values {
    const body: Values = {};
    for (const [k, v] of Object.entries(values)) {
      if (v !== null) body[k] = v;
    }
    return body;
  }

  /** Body for PATCH: changed writable fields only (null clears an optional field). */
  patchBody(values: Values): Values {
    const body: Values = {};
    const record = this.opts.record ?? {};
    for (const f of this.opts.fields) {
      if (f.createOnly) continue;
      if (!(f.name in values)) continue;
      const before = record[f.name] === undefined || record[f.name] === '' ? null : record[f.name];
      const after = values[f.name];
      if (before !== after) body[f.name] = after;
    }
    return body;
  }

  clearErrors(): void {
    for (const [name, el] of this.errorEls) {
      el.hidden = true;
      el.textContent = '';
      this.inputs.get(name)?.removeAttribute('aria-invalid');
      el.parentElement?.classList.remove('invalid');
    }
    this.message.hidden = true;
    this.message.textContent = '';
    this.message.className = 'form-message';
  }

  setFieldError(name: string, message: string): boolean {
    const el = this.errorEls.get(name);
    if (!el) return false;
    el.textContent = message;
    el.hidden = false;
    el.parentElement?.classList.add('invalid');
    this.inputs.get(name)?.setAttribute('aria-invalid', 'true');
    return true;
  }

  setErrors(errors: Record<string, string>): void {
    const names = Object.keys(errors);
    let first: string | undefined;
    for (const name of names) {
      if (this.setFieldError(name, errors[name]) && !first) first = name;
    }
    if (names.length) this.showMessage(t('form.fixErrors'), 'error');
    if (first) this.inputs.get(first)?.focus();
  }

  /** Show an API error: beside its field when the server names one, else above the buttons. */
  showApiError(err: unknown, extra?: HTMLElement): void {
    if (err instanceof ApiError && err.field && this.setFieldError(err.field, err.message)) {
      this.showMessage(t('form.fixErrors'), 'error');
      this.inputs.get(err.field)?.focus();
      return;
    }
    this.showMessage(describeError(err), 'error', extra);
  }

  showMessage(text: string, kind: 'error' | 'ok', extra?: HTMLElement): void {
    replaceChildren(this.message, h('span', {}, text), extra ?? null);
    this.message.className = `form-message ${kind}`;
    this.message.setAttribute('data-kind', kind);
    this.message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    this.message.hidden = false;
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.submitButton.disabled = busy;
    this.element.setAttribute('aria-busy', String(busy));
  }

  private async submit(): Promise<void> {
    if (this.busy) return;
    this.clearErrors();
    this.setBusy(true);
    try {
      await this.opts.onSubmit(this);
    } finally {
      this.setBusy(false);
    }
  }
}

/** Human-readable text for any error thrown by the API client. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('error.network', { message: err.message });
    if (err.code === 'PERMISSION_DENIED') return t('error.forbidden', { message: err.message });
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
