// Orders and customs: routes under #/orders and the section's tabs.
//
//   #/orders                      consumer orders (state, channel, date range, search; keyset paging)
//   #/orders/12                   one order: timeline, lines and routing, tax per line, the three
//                                 documents side by side with each check, receipts, cancel, return request
//   #/orders/returns              returns (order filter); #/orders/returns/5 one return and its receive form
//   #/orders/declarations         declarations (state, order) and the outbound queue per signing key
//   #/orders/quota                annual quota of one identity (the number is sent by POST, shown masked)
//   #/orders/rules                dated rule rows by kind, the positive list (search, CSV import)
//   #/orders/tax                  tax quote calculator (POST /tax/quote)

import { h } from '../dom';
import { t } from '../i18n';
import { subTabs, type Tab } from '../kit';
import { href } from '../router';
import { renderDeclarations } from './declarations';
import { renderOrderDetail } from './order-detail';
import { renderOrderList } from './order-list';
import { renderQuota } from './quota';
import { renderReturnDetail, renderReturns } from './returns';
import { renderRules } from './rules';
import { renderTaxQuote } from './tax-quote';

const TABS: Tab[] = [
  { id: 'orders', label: 'ord.tab.orders', href: href(['orders']) },
  { id: 'returns', label: 'ord.tab.returns', href: href(['orders', 'returns']) },
  { id: 'declarations', label: 'ord.tab.declarations', href: href(['orders', 'declarations']) },
  { id: 'quota', label: 'ord.tab.quota', href: href(['orders', 'quota']) },
  { id: 'rules', label: 'ord.tab.rules', href: href(['orders', 'rules']) },
  { id: 'tax', label: 'ord.tab.tax', href: href(['orders', 'tax']) },
];

export function ordersTabs(active: string): HTMLElement {
  return subTabs(TABS, active);
}

function notFound(): HTMLElement {
  return h('section', { class: 'page', testid: 'page-not-found' }, h('h1', {}, t('error.notFoundPage')));
}

export function renderOrders(parts: string[], query: URLSearchParams): HTMLElement {
  const [sub, id] = parts;
  const numeric = (s: string | undefined) => s !== undefined && /^\d+$/.test(s);
  if (sub === undefined) return renderOrderList(query);
  if (numeric(sub)) return parts.length === 1 ? renderOrderDetail(sub) : notFound();
  switch (sub) {
    case 'returns':
      if (id === undefined) return renderReturns(query);
      return parts.length === 2 && numeric(id) ? renderReturnDetail(id) : notFound();
    case 'declarations':
      return parts.length === 1 ? renderDeclarations(query) : notFound();
    case 'quota':
      return parts.length === 1 ? renderQuota() : notFound();
    case 'rules':
      return parts.length === 1 ? renderRules(query) : notFound();
    case 'tax':
      return parts.length === 1 ? renderTaxQuote() : notFound();
    default:
      return notFound();
  }
}
