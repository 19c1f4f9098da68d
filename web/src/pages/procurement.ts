// Procurement: routes under #/procurement and the section's tabs.
//
//   #/procurement                         purchase orders (filters, paging)
//   #/procurement/orders/new              new purchase order
//   #/procurement/orders/7                purchase order: lines, confirm / cancel, receipts
//   #/procurement/prices                  price lists (list and create form)
//   #/procurement/prices/4                one price list entry

import { h } from '../dom';
import { t } from '../i18n';
import { subTabs, type Tab } from '../kit';
import { href } from '../router';
import { renderPoCreate } from './po-create';
import { renderPoDetail } from './po-detail';
import { renderPoList } from './po-list';
import { renderPriceDetail, renderPrices } from './prices';

const TABS: Tab[] = [
  { id: 'orders', label: 'proc.tab.orders', href: href(['procurement']) },
  { id: 'prices', label: 'proc.tab.prices', href: href(['procurement', 'prices']) },
];

export function procurementTabs(active: string): HTMLElement {
  return subTabs(TABS, active);
}

export function renderProcurement(parts: string[], query: URLSearchParams): HTMLElement {
  const [sub, id] = parts;
  if (sub === undefined || (sub === 'orders' && id === undefined)) return renderPoList(query);
  if (sub === 'orders' && parts.length === 2) return id === 'new' ? renderPoCreate(query) : renderPoDetail(id);
  if (sub === 'prices' && parts.length === 1) return renderPrices(query);
  if (sub === 'prices' && parts.length === 2) return renderPriceDetail(id);
  return h('section', { class: 'page', testid: 'page-not-found' }, h('h1', {}, t('error.notFoundPage')));
}
