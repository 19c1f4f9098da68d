// Inventory: routes under #/inventory and the section's tabs.
//
//   #/inventory                           stock balances (warehouse, owner, SKU, lot, state, expiry window)
//   #/inventory/summary                   per SKU: on hand, reserved, available, held, picked, inbound, projected
//   #/inventory/expiring?days=30          expired and near-expiry stock
//   #/inventory/reservations              reservations (filters), reserve, release / confirm
//   #/inventory/skus/12?warehouse_id&owner  stock card of one SKU

import { h } from '../dom';
import { t } from '../i18n';
import { subTabs, type Tab } from '../kit';
import { href } from '../router';
import { renderReservations } from './reservations';
import { renderExpiring, renderStock, renderSummary } from './stock';
import { renderStockCard } from './stock-card';

/** The section's tabs; the warehouse, SKU and owner in view go along where the tab filters by them. */
export function inventoryTabs(active: string, query?: URLSearchParams): HTMLElement {
  const q = (name: string) => query?.get(name) || null;
  const tabs: Tab[] = [
    { id: 'stock', label: 'inv.tab.stock', href: href(['inventory'], { warehouse_id: q('warehouse_id'), sku_id: q('sku_id'), owner: q('owner') }) },
    { id: 'summary', label: 'inv.tab.summary', href: href(['inventory', 'summary'], { warehouse_id: q('warehouse_id'), sku_id: q('sku_id'), owner: q('owner') }) },
    { id: 'expiring', label: 'inv.tab.expiring', href: href(['inventory', 'expiring'], { warehouse_id: q('warehouse_id') }) },
    { id: 'reservations', label: 'inv.tab.reservations', href: href(['inventory', 'reservations'], { warehouse_id: q('warehouse_id'), sku_id: q('sku_id') }) },
  ];
  return subTabs(tabs, active);
}

function notFound(): HTMLElement {
  return h('section', { class: 'page', testid: 'page-not-found' }, h('h1', {}, t('error.notFoundPage')));
}

export function renderInventory(parts: string[], query: URLSearchParams): HTMLElement {
  const [sub, id] = parts;
  switch (sub) {
    case undefined:
      return renderStock(query);
    case 'summary':
      return parts.length === 1 ? renderSummary(query) : notFound();
    case 'expiring':
      return parts.length === 1 ? renderExpiring(query) : notFound();
    case 'reservations':
      return parts.length === 1 ? renderReservations(query) : notFound();
    case 'skus':
      return parts.length === 2 && /^\d+$/.test(id) ? renderStockCard(id, query) : notFound();
    default:
      return notFound();
  }
}
