// Types of the procurement API: price lists, purchase orders and goods receipts.

export const TRANSPORT_MODES = ['sea', 'air', 'express', 'rail', 'road'] as const;
export type TransportMode = (typeof TRANSPORT_MODES)[number];

export const PO_STATUSES = ['draft', 'confirmed', 'partly_received', 'received', 'cancelled'] as const;
export type PoStatus = (typeof PO_STATUSES)[number];

export interface PriceEntry {
  id: number;
  supplier_id: number;
  sku_id: number;
  currency: string;
  unit_price: string | number;
  min_order_qty: number;
  lead_time_days: Partial<Record<TransportMode, number>>;
  valid_from: string;
  valid_to: string | null;
  active?: boolean;
  version: number;
  created_at?: string;
  updated_at?: string;
}

export interface PoLine {
  line_no: number;
  sku_id: number;
  quantity: number;
  unit_price: string | number;
  quoted_price: string | number | null;
  received_qty: number;
  accepted_qty: number;
  rejected_qty: number;
}

export interface AtOrder {
  score: number | null;
  band: string | null;
  rank: number | null;
  candidates: number | null;
  warned: boolean;
}

export interface PurchaseOrder {
  id: number;
  code: string;
  supplier_id: number;
  warehouse_id: number;
  transport_mode: TransportMode;
  currency: string;
  status: PoStatus;
  order_date: string;
  expected_date: string;
  total: string | number;
  lines: PoLine[];
  at_order: AtOrder | null;
  version: number;
  warnings?: string[];
}

export interface ReceiptLine {
  line_no: number;
  received_qty: number;
  accepted_qty: number;
  rejected_qty: number;
  reason?: string;
}

export interface Receipt {
  id: number;
  purchase_order_id: number;
  received_on: string;
  lines: ReceiptLine[];
  actor?: string;
  created_at?: string;
}

/** "lines[2].quantity: …" or "line 3: …" → the 0-based line index the message is about. */
export function lineIndexOf(message: string): number | null {
  const a = /lines\[(\d+)\]/.exec(message);
  if (a) return Number(a[1]);
  const b = /\bline (\d+)\b/.exec(message);
  if (b) return Number(b[1]) - 1;
  return null;
}
