// Types of the orders and customs API (/orders, /returns, /customs/*, /tax/quote) and small
// helpers the orders pages share. Money comes as decimal strings ("425.00"), rates as decimal
// strings ("0.13"). Personal data (ID numbers, phones) comes masked from the server and is shown
// exactly as it comes; the console never holds an unmasked number except while the quota lookup
// form sends one.

import { ApiError } from './api';
import { h } from './dom';
import { t } from './i18n';

export const ORDER_STATES = [
  'received', 'accepted', 'declared', 'inspection_hold', 'released', 'shipped', 'delivered', 'cancelled', 'rejected', 'returned',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** States from which an order may still be cancelled (orders.h). */
export const CANCELLABLE: readonly string[] = ['received', 'accepted', 'declared'];
/** States after which a return may be requested. */
export const RETURNABLE: readonly string[] = ['released', 'shipped', 'delivered'];

export const DECLARATION_STATES = ['queued', 'submitted', 'accepted', 'released', 'inspection_hold', 'rejected', 'cancelled', 'returned'] as const;
export const RETURN_STATES = ['requested', 'received', 'reshelved', 'quarantined', 'refused'] as const;
export const RULE_KINDS = [
  'single_limit', 'annual_limit', 'cbec_tax_share', 'vat_rate', 'tariff_rate', 'consumption_tax_rate',
  'cosmetics_threshold', 'goods_cap', 'return_apply_days', 'return_arrive_days',
] as const;
export const ID_TYPES = ['id_card', 'passport'] as const;
export const LEGAL_UNITS = ['g', 'kg', 'ml', 'l', 'piece'] as const;

export type Money = string;

export interface Person {
  name?: string;
  id_type?: string;
  id_number?: string; // masked
  phone?: string; // masked
}

export interface OrderLine {
  id?: number;
  line_no: number;
  sku_id: number;
  sku_code?: string;
  quantity: number;
  unit_price?: Money;
  discount?: Money;
  dutiable?: Money;
  tariff?: Money;
  consumption_tax?: Money;
  vat?: Money;
  mode?: string; // "1210" | "9610" | "backorder"
  warehouse_id?: number;
  reservation_id?: number;
  shipment_ref?: string;
  route_note?: string;
  returned_quantity?: number;
}

export interface Order {
  id: number;
  channel_id: number;
  channel_order_no: string;
  order_date: string;
  state: string;
  policy?: string;
  customs_channel?: string;
  buyer?: Person;
  address?: Record<string, string> & { consignee?: string; phone?: string };
  payment?: { payment_no?: string; payer_name?: string; payer_id_type?: string; payer_id_number?: string; amount?: Money };
  lines?: OrderLine[];
  goods?: Money;
  freight?: Money;
  insurance?: Money;
  discount?: Money;
  tax?: Money;
  paid?: Money;
  reason?: string;
  created_at?: string;
  updated_at?: string;
  version?: number;
}

export interface OrderPage {
  items: Order[];
  total?: number;
  next_after_id?: number | null;
}

export interface TimelineEvent {
  id?: number;
  at: string;
  state: string;
  detail?: string;
}

export interface RuleRef {
  id: number;
  kind?: string;
  key?: string;
  rate?: string | null;
  amount?: Money | null;
  quantity?: number | null;
  valid_from?: string;
  valid_to?: string | null;
  source?: string;
}

export interface TaxLine {
  ref?: string;
  line_no?: number;
  dutiable?: Money;
  tariff_rate?: string;
  vat_rate?: string;
  consumption_tax_rate?: string;
  tariff?: Money;
  consumption_tax?: Money;
  vat?: Money;
  total?: Money;
  total_tax?: Money;
  unit_price?: string;
  rules_used?: (number | RuleRef)[];
  notes?: string[];
}

export interface TaxQuote {
  channel: string;
  lines: TaxLine[];
  dutiable?: Money;
  tariff?: Money;
  consumption_tax?: Money;
  vat?: Money;
  total_tax?: Money;
  total?: Money;
  tax_share?: string;
  reasons?: string[];
  rules?: RuleRef[];
}

export interface DocCheck {
  check: string;
  passed: boolean;
  detail?: string;
}

export interface Receipt {
  receipt_id: string;
  list_no?: string;
  kind: string;
  reason?: string;
  at: string;
}

export type Doc = Record<string, unknown>;

export interface DeclarationDocs {
  id: number;
  list_no: string;
  state: string;
  shipment_ref?: string;
  signing_key?: string;
  reason?: string;
  order?: Doc;
  payment?: Doc;
  waybill?: Doc;
  list?: Doc;
  checks?: DocCheck[];
  receipts?: Receipt[];
}

export interface Declaration {
  id: number;
  order_id: number;
  list_no: string;
  state: string;
  shipment_ref?: string;
  trade_mode?: string;
  signing_key?: string;
  checks_passed?: boolean;
  attempts?: number;
  next_attempt_at?: string | null;
  released_at?: string | null;
  reason?: string;
  created_at?: string;
  updated_at?: string;
}

export interface QueueKey {
  signing_key: string;
  queued: number;
  submitted: number;
  oldest_queued_at?: string | null;
  rate_per_s?: number | string;
}

export interface QueueView {
  keys: QueueKey[];
  submitted_total?: number;
  receipts_total?: number;
}

export interface ReturnLine {
  line_no?: number;
  order_line_id?: number;
  sku_id?: number;
  quantity: number;
  value?: Money;
  tax?: Money;
  lot_number?: string;
  expiry_date?: string | null;
  outcome?: string;
}

export interface OrderReturn {
  id: number;
  order_id: number;
  declaration_id?: number;
  state: string;
  reason?: string;
  lines: ReturnLine[];
  requested_at?: string;
  received_at?: string | null;
  apply_by?: string;
  arrive_by?: string;
}

export interface QuotaEntry {
  kind: string;
  amount: Money;
  order_id?: number;
  ref?: string;
  at: string;
}

export interface QuotaView {
  id_type?: string;
  id_number: string; // masked by the server
  year: number;
  used: Money;
  limit: Money;
  remaining: Money;
  entries?: QuotaEntry[];
}

export interface RuleRow {
  id: number;
  tenant_id?: number;
  scope?: string; // "platform" | "tenant"
  kind: string;
  key?: string;
  rate?: string | null;
  amount?: Money | null;
  quantity?: number | null;
  unit?: string;
  valid_from: string;
  valid_to?: string | null;
  source?: string;
}

export interface PositiveLine {
  hs_code: string;
  description?: string;
  valid_from?: string;
  valid_to?: string | null;
  source?: string;
}

/** A list answer: `{items: [...]}` or a bare array. */
export function itemsOf<T>(data: unknown): T[] {
  if (Array.isArray(data)) return data as T[];
  if (data && typeof data === 'object' && Array.isArray((data as { items?: unknown }).items)) return (data as { items: T[] }).items;
  return [];
}

/** The value a rule row holds, as text: its rate, amount or quantity (with unit). */
export function ruleValue(r: { rate?: string | null; amount?: Money | null; quantity?: number | null; unit?: string }): string {
  if (r.rate !== undefined && r.rate !== null && r.rate !== '') return String(r.rate);
  if (r.amount !== undefined && r.amount !== null && r.amount !== '') return `${r.amount} CNY`;
  if (r.quantity !== undefined && r.quantity !== null) return `${r.quantity}${r.unit ? ` ${r.unit}` : ''}`;
  return '—';
}

/** "2019-01-01 – open" / "2016-04-08 – 2018-12-31". */
export function validity(from?: string, to?: string | null): string {
  return `${from ?? '—'} – ${to || t('ord.open')}`;
}

/** The rule a 422 refusal names (`error.rule`), if any. */
export function ruleOf(err: unknown): string | undefined {
  if (err instanceof ApiError && typeof err.details.rule === 'string') return err.details.rule;
  // Refusals by a rule name it as the error's field (flows/orders/order_intake.h).
  if (err instanceof ApiError && err.status === 422 && err.field) return err.field;
  return undefined;
}

/** A money cell: the server's decimal string as it is (exact, no float formatting). */
export function money(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  return String(v);
}

/** A decimal string of fen arithmetic: "12.30" + "0.70" without floating point. */
export function addMoney(...values: (Money | undefined)[]): string {
  let fen = 0n;
  for (const v of values) {
    if (!v) continue;
    const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(v.trim());
    if (!m) continue;
    const f = BigInt(m[2]) * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0');
    fen += m[1] ? -f : f;
  }
  const neg = fen < 0n;
  const abs = neg ? -fen : fen;
  return `${neg ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Mode label: 1210 bonded / 9610 direct mail / backorder. */
export function modeLabel(mode: string | undefined): HTMLElement {
  const m = mode ?? '';
  const text = m === '1210' ? t('ord.mode.1210') : m === '9610' ? t('ord.mode.9610') : m === 'backorder' ? t('ord.mode.backorder') : m || '—';
  return h('span', { class: `badge mode-${m || 'none'}`, testid: 'line-mode', 'data-value': m }, text);
}

/** Checks of the three-document match and the documents each one compares. */
export const CHECK_DOCS: Record<string, string[]> = {
  present: ['order', 'payment', 'waybill', 'list'],
  same_order: ['order', 'payment', 'waybill', 'list'],
  waybill_matches_list: ['waybill', 'list'],
  buyer_is_payer: ['order', 'payment'],
  paid_equation: ['order'],
  payment_amount: ['order', 'payment'],
  list_lines_match_order: ['order', 'list'],
};
