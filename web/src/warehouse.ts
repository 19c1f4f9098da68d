// Types of the warehouse-operations API (/tasks, /devices/{id}/events) and the terminal's
// device identity.

import { newKey } from './inventory';

export const TASK_KINDS = ['receive', 'putaway', 'pick', 'pack', 'ship', 'move', 'count'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const TASK_STATES = ['open', 'in_progress', 'recount', 'done', 'cancelled'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export interface LotReceipt {
  lot_number: string;
  production_date?: string | null;
  expiry_date?: string | null;
  quantity: number;
  condition: 'good' | 'damaged';
  reason?: string;
}

/** One line; which members are present depends on the task's kind (see src/flows/warehouse/warehouse_json.cpp). */
export interface TaskLine {
  line_no: number;
  sku_id: number;
  lot_id?: number;
  owner: string;
  from_bin?: number;
  to_bin?: number;
  /** The bin a count line counts. */
  bin?: number;
  expected_qty?: number;
  done_qty?: number;
  damaged_qty?: number;
  receipts?: LotReceipt[];
  reservation_id?: number;
  order_ref?: string;
  system_qty?: number | null;
  counted_qty?: number | null;
  recount_qty?: number | null;
  reason?: string;
}

export interface ReceiptVariance {
  line_no: number;
  expected: number;
  good: number;
  damaged: number;
  over: number;
  short: number;
}

export interface Task {
  id: number;
  code: string;
  kind: TaskKind;
  state: TaskState;
  warehouse_id: number;
  ref_type?: string;
  ref_id?: string;
  assignee?: string;
  line_count?: number;
  /** Present on a single task; a list may give only `line_count`. */
  lines: TaskLine[];
  variances?: ReceiptVariance[];
  version?: number;
  created_at?: string;
  updated_at?: string;
  closed_at?: string | null;
}

export function isClosed(state: TaskState): boolean {
  return state === 'done' || state === 'cancelled';
}

/** A count line whose first count disagrees with the system and has no recount yet. */
export function needsRecount(task: Task, line: TaskLine): boolean {
  if (task.kind !== 'count' || line.counted_qty === null || line.counted_qty === undefined) return false;
  if (line.recount_qty !== null && line.recount_qty !== undefined) return false;
  if (typeof line.system_qty === 'number') return line.counted_qty !== line.system_qty;
  return task.state === 'recount';
}

/** Whether a line needs nothing more: counted (and recounted where asked), or its quantity done. */
export function lineDone(task: Task, line: TaskLine): boolean {
  if (task.kind === 'count') return line.counted_qty !== null && line.counted_qty !== undefined && !needsRecount(task, line);
  const done = (line.done_qty ?? 0) + (line.damaged_qty ?? 0);
  const expected = line.expected_qty ?? 0;
  return expected > 0 && done >= expected;
}

/** The count that stands for a count line: the recount when there is one. */
export function finalCount(line: TaskLine): number | null {
  if (line.recount_qty !== null && line.recount_qty !== undefined) return line.recount_qty;
  if (line.counted_qty !== null && line.counted_qty !== undefined) return line.counted_qty;
  return null;
}

/** The bin a terminal user goes to for a line: where goods are taken from, or put to. */
export function binOfLine(kind: TaskKind, line: TaskLine): number {
  if (kind === 'count') return line.bin || line.from_bin || 0;
  const toFirst = kind === 'receive' || kind === 'putaway';
  return (toFirst ? line.to_bin || line.from_bin : line.from_bin || line.to_bin) || 0;
}

// ---- scanner terminal ----------------------------------------------------------------------

export const DEVICE_EVENT_TYPES = ['scan_location', 'scan_item', 'confirm'] as const;
export type DeviceEventType = (typeof DEVICE_EVENT_TYPES)[number];

export interface DeviceEvent {
  event_key: string;
  type: DeviceEventType;
  task_id: number;
  line_no: number;
  location?: string;
  barcode?: string;
  quantity?: number;
  device_time: string;
}

export interface Gs1Scan {
  gtin?: string | null;
  sscc?: string | null;
  lot?: string | null;
  production_date?: string | null;
  expiry_date?: string | null;
  quantity?: number | null;
  serial?: string | null;
}

/** What a scanned bin holds and which lines of the task are to be worked there. */
export interface ScannedBin {
  id: number;
  code: string;
  kind?: string;
  expected?: { line_no: number; sku_id: number; lot_id: number; action?: string; quantity?: number }[];
}

/** The server's answer to a device event (the first answer again on a retry). */
export interface DeviceAnswer {
  status: 'applied' | 'rejected' | 'ok';
  message?: string;
  device_id?: string;
  event_key?: string;
  task?: Partial<Task> & { line?: TaskLine };
  scan?: Gs1Scan;
  bin?: ScannedBin;
  error?: { code: string; message: string; field?: string };
}

const DEVICE_STORAGE = 'xb.deviceId';
let fallbackDevice: string | null = null;

/** This browser's terminal id: generated once and kept in localStorage, so retries name the same device. */
export function deviceId(): string {
  try {
    const stored = localStorage.getItem(DEVICE_STORAGE);
    if (stored && /^[A-Za-z0-9._:-]{1,64}$/.test(stored)) return stored;
    const id = newKey('web-').slice(0, 40);
    localStorage.setItem(DEVICE_STORAGE, id);
    return id;
  } catch {
    // storage unavailable: one id for the life of the page
    fallbackDevice ??= newKey('web-').slice(0, 40);
    return fallbackDevice;
  }
}

// ---- parcels (POST /parcels packs, POST /parcels/{id}/ship hands over) -----------------------

export const PARCEL_STATES = ['packed', 'shipped'] as const;
export type ParcelState = (typeof PARCEL_STATES)[number];

export interface ParcelLine {
  sku_id: number;
  lot_id: number;
  owner: string;
  quantity: number;
}

/** A parcel as src/flows/warehouse/warehouse_json.cpp (ParcelJson) writes it. */
export interface Parcel {
  id: number;
  sscc: string;
  warehouse_id: number;
  order_ref: string;
  pack_bin_id: number;
  lines: ParcelLine[];
  weight_grams: number;
  state: ParcelState;
  carrier_id: number | null;
  waybill_no: string | null;
  created_at: string;
  shipped_at: string | null;
}


/**
 * Idempotency keys for a form's create requests: the same body sent again (a double click, a retry
 * after no answer) carries the same key, so the server makes one task; a changed body a new key.
 */
export function keyPerBody(prefix = 'web-'): (body: unknown) => string {
  let last = '';
  let key = '';
  return (body) => {
    const text = JSON.stringify(body);
    if (text !== last || !key) { last = text; key = newKey(prefix); }
    return key;
  };
}
