// Types of the stock and reservation API (/stock, /stock/summary, /stock/expiring, /lots,
// /skus/{id}/stock-card, /reservations) and small helpers the inventory pages share.

import { getJson } from './api';
import { h } from './dom';

export const STOCK_STATES = ['available', 'quarantine', 'customs_hold', 'damaged', 'picked'] as const;
export type StockState = (typeof STOCK_STATES)[number];

export const RESERVATION_STATES = ['active', 'released', 'expired', 'consumed'] as const;
export type ReservationState = (typeof RESERVATION_STATES)[number];

/** The tenant's own stock; other owners are merchants whose goods the warehouse holds. */
export const OWN_STOCK = 'own';

export interface Balance {
  warehouse_id: number;
  bin_id: number;
  sku_id: number;
  lot_id: number;
  lot_number?: string | null;
  expiry_date?: string | null;
  owner: string;
  state: StockState;
  on_hand: number;
}

export interface StockSummary {
  warehouse_id: number;
  sku_id: number;
  owner: string;
  on_hand: number;
  reserved: number;
  available: number;
  held: number;
  picked: number;
  inbound: number;
  in_transit: number;
  projected: number;
}

export interface ExpiringBalance extends Balance {
  days_left: number;
  status: 'expired' | 'near_expiry';
}

export interface Lot {
  id: number;
  sku_id: number;
  lot_number: string;
  production_date?: string | null;
  expiry_date?: string | null;
}

export interface Place {
  warehouse_id: number;
  bin_id: number;
  state: StockState;
}

export interface Movement {
  id: number;
  sku_id: number;
  lot_id: number;
  owner: string;
  from: Place | null;
  to: Place | null;
  quantity: number;
  reason: string;
  ref_type?: string;
  ref_id?: string;
  device?: string;
  actor?: string;
  note?: string;
  at: string;
}

export interface CardLine extends Movement {
  signed_quantity: number;
  running_balance: number;
}

export interface StockCard {
  sku_id: number;
  opening_balance: number;
  items: CardLine[];
  next_after_id: number | null;
}

export interface ReservationLine {
  lot_id: number;
  quantity: number;
  picked: number;
}

export interface Reservation {
  id: number;
  warehouse_id: number;
  sku_id: number;
  owner: string;
  order_ref: string;
  quantity: number;
  lines: ReservationLine[];
  state: ReservationState;
  expires_at: string | null;
  created_at: string;
}

const lots = new Map<number, Promise<Lot | null>>();

/** A lot by id, cached for the session; null when it cannot be read. */
export function lotById(id: number | null | undefined): Promise<Lot | null> {
  if (!id) return Promise.resolve(null);
  let p = lots.get(id);
  if (!p) {
    p = getJson<Lot>(`/lots/${id}`).catch(() => {
      lots.delete(id);
      return null;
    });
    lots.set(id, p);
  }
  return p;
}

export function rememberLot(lot: Lot): void {
  lots.set(lot.id, Promise.resolve(lot));
}

/** The lot number (and expiry) of a lot id once loaded; "—" for stock without lots. */
export function lotLabel(id: number | null | undefined, known?: { lot_number?: string | null; expiry_date?: string | null }): HTMLElement {
  const text = (n?: string | null, e?: string | null) => (n ? `${n}${e ? ` · ${e}` : ''}` : id ? `#${id}` : '—');
  const el = h('span', { class: 'ref lot', 'data-lot-id': id ?? 0 }, text(known?.lot_number, known?.expiry_date));
  if (id && !known?.lot_number) {
    void lotById(id).then((lot) => { if (lot) el.textContent = text(lot.lot_number, lot.expiry_date); });
  }
  return el;
}

/** A whole number from a text input, or null when it is not one (optionally only > 0). */
export function parseQty(text: string, positive = true): number | null {
  const v = text.trim();
  if (!/^-?\d+$/.test(v)) return null;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) return null;
  if (positive && n <= 0) return null;
  return n;
}

/** A fresh random key for idempotent requests (reservations, device events). */
export function newKey(prefix = ''): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c && typeof c.randomUUID === 'function') return `${prefix}${c.randomUUID()}`;
  const bytes = new Uint8Array(16);
  if (c) c.getRandomValues(bytes); else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
