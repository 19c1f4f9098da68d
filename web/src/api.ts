// JSON client for the xborder API (/api/v1, same origin).

const KEY_STORAGE = 'xb.apiKey';
export const API_BASE = '/api/v1';

export interface RowError {
  line: number;
  column?: string;
  reason: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly rows: RowError[];
  /** The whole `error` object of the response, for route-specific members (e.g. `cr`, `disagreements`). */
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, field?: string, rows?: RowError[], details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.rows = rows ?? [];
    this.details = details ?? {};
  }
}

export interface Me {
  tenant: { id: number; code: string; name: string };
  role: string;
  key: { id: number; name: string };
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface HistoryChange {
  field: string;
  old: unknown;
  new: unknown;
}

export interface HistoryEvent {
  seq: number;
  type: string;
  at: string;
  actor: string;
  changes?: HistoryChange[];
}

export type Entity = Record<string, unknown> & {
  id: number;
  code: string;
  name: string;
  status: string;
  version: number;
  created_at: string;
  updated_at: string;
};

export function getKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function setKey(key: string): void {
  sessionStorage.setItem(KEY_STORAGE, key);
}

export function clearKey(): void {
  sessionStorage.removeItem(KEY_STORAGE);
}

/** Called whenever the server answers 401 for the stored key. */
let onUnauthenticated: (() => void) | null = null;
export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn;
}

/** Absolute URL of an API path on this origin, with query parameters (empty ones left out). */
export function apiUrl(path: string, query?: Record<string, string | number | boolean | undefined | null>): string {
  const url = new URL(`${API_BASE}${path}`, location.origin);
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      url.searchParams.set(k, String(v));
    }
  }
  return url.toString();
}

interface RequestOptions {
  method?: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  json?: unknown;
  body?: string;
  contentType?: string;
  accept?: string;
  key?: string;
  headers?: Record<string, string>;
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers, Accept: opts.accept ?? 'application/json' };
  const key = opts.key ?? getKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = opts.contentType ?? 'text/plain';
    body = opts.body;
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), { method: opts.method ?? 'GET', headers, body });
  } catch (e) {
    throw new ApiError(0, 'UNAVAILABLE', e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) {
    throw await toError(res, opts.key === undefined);
  }
  return res;
}

async function toError(res: Response, notify: boolean): Promise<ApiError> {
  let code = statusCode(res.status);
  let message = res.statusText || `HTTP ${res.status}`;
  let field: string | undefined;
  let rows: RowError[] | undefined;
  let details: Record<string, unknown> | undefined;
  try {
    const data = await res.json();
    const err = data && typeof data === 'object' ? (data as { error?: unknown }).error : undefined;
    if (err && typeof err === 'object') {
      const e = err as Record<string, unknown>;
      details = e;
      if (typeof e.code === 'string') code = e.code;
      if (typeof e.message === 'string') message = e.message;
      if (typeof e.field === 'string' && e.field) field = e.field;
      if (Array.isArray(e.rows)) rows = e.rows as RowError[];
    }
  } catch {
    // not JSON: keep the status text
  }
  if (res.status === 401 && notify && onUnauthenticated) onUnauthenticated();
  return new ApiError(res.status, code, message, field, rows, details);
}

function statusCode(status: number): string {
  switch (status) {
    case 400: return 'INVALID_ARGUMENT';
    case 401: return 'UNAUTHENTICATED';
    case 403: return 'PERMISSION_DENIED';
    case 404: return 'NOT_FOUND';
    case 409: return 'CONFLICT';
    case 422: return 'FAILED_PRECONDITION';
    case 503: return 'UNAVAILABLE';
    default: return 'INTERNAL';
  }
}

export async function getJson<T>(path: string, query?: RequestOptions['query']): Promise<T> {
  const res = await send(path, { query });
  return (await res.json()) as T;
}

export async function postJson<T>(path: string, json: unknown = {}, headers?: Record<string, string>): Promise<T> {
  const res = await send(path, { method: 'POST', json, headers });
  return (await res.json()) as T;
}

/** A POST whose every answer is data (e.g. a device event): the status, the body, and whether it was a replay. */
export interface Answer<T> {
  status: number;
  replayed: boolean;
  data: T | null;
}

/**
 * POST that returns 4xx answers instead of throwing them, so a caller can show the server's
 * answer as it is. Throws ApiError only when there is no answer (network, 401, 5xx).
 */
export async function postForAnswer<T>(path: string, json: unknown): Promise<Answer<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' };
  const key = getKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  let res: Response;
  try {
    res = await fetch(apiUrl(path), { method: 'POST', headers, body: JSON.stringify(json) });
  } catch (e) {
    throw new ApiError(0, 'UNAVAILABLE', e instanceof Error ? e.message : String(e));
  }
  if (res.status === 401 || res.status === 403 || res.status >= 500) throw await toError(res, true);
  let data: T | null = null;
  try {
    data = (await res.json()) as T;
  } catch {
    // an empty or non-JSON answer
  }
  const replay = (res.headers.get('Idempotent-Replay') ?? res.headers.get('Idempotent-Replayed') ?? '').toLowerCase();
  return { status: res.status, replayed: replay === 'true', data };
}

export async function putJson<T>(path: string, json: unknown): Promise<T> {
  const res = await send(path, { method: 'PUT', json });
  return (await res.json()) as T;
}

export async function patchJson<T>(path: string, json: unknown): Promise<T> {
  const res = await send(path, { method: 'PATCH', json });
  return (await res.json()) as T;
}

/** Validate a key before storing it (sign-in). Does not trigger the 401 handler. */
export async function fetchMe(key?: string): Promise<Me> {
  const res = await send('/me', key === undefined ? {} : { key });
  return (await res.json()) as Me;
}

export async function getText(path: string): Promise<{ text: string; type: string }> {
  const res = await send(path, { accept: 'text/csv' });
  return { text: await res.text(), type: res.headers.get('Content-Type') ?? 'text/csv' };
}

export async function postCsv<T>(path: string, csv: string): Promise<T> {
  const res = await send(path, { method: 'POST', body: csv, contentType: 'text/csv' });
  return (await res.json()) as T;
}
