// Consumer orders: filters (state, channel, order date range, search by channel order number or
// buyer) and keyset paging (GET /orders?after_id=). The filters live in the URL, so a view can be
// linked; "Next" follows next_after_id, "First page" starts again from the newest.

import { getJson } from '../api';
import { h, replaceChildren } from '../dom';
import { t, tDynamic } from '../i18n';
import { badge, boxError, field, fmtInt, loadingBox, recordCode, recordPicker } from '../kit';
import { ORDER_STATES, money, type Order, type OrderPage } from '../orders';
import { href, navigate } from '../router';
import { ordersTabs } from './orders';

export const ORDER_PAGE = 25;

export function orderStateBadge(state: string, testid = 'order-state'): HTMLElement {
  return badge('orderState', state, testid);
}

export function renderOrderList(query: URLSearchParams): HTMLElement {
  const limit = Math.min(200, Math.max(1, Number.parseInt(query.get('limit') ?? '', 10) || ORDER_PAGE));
  const afterId = Math.max(0, Number.parseInt(query.get('after_id') ?? '0', 10) || 0);
  // Rows on the pages before this one (keyset paging has no offset; the console counts them so
  // it can say "26–50 of 80" and knows the last page even when the server offers a next key).
  const before = afterId ? Math.max(0, Number.parseInt(query.get('shown') ?? '0', 10) || 0) : 0;
  const channelId = Number(query.get('channel_id')) || null;
  const current = {
    state: query.get('state') ?? '', channel_id: channelId, from: query.get('from') ?? '', to: query.get('to') ?? '', q: query.get('q') ?? '',
  };

  const state = h('select', { id: 'ord-filter-state', testid: 'filter-state' },
    h('option', { value: '' }, t('list.any')),
    ORDER_STATES.map((s) => h('option', { value: s }, tDynamic(`orderState.${s}`, s))));
  state.value = current.state;
  const channel = recordPicker({ path: 'channels', id: 'ord-filter-channel', testid: 'filter-channel', value: channelId, empty: t('list.any') });
  const from = h('input', { type: 'date', id: 'ord-filter-from', testid: 'filter-from', value: current.from });
  const to = h('input', { type: 'date', id: 'ord-filter-to', testid: 'filter-to', value: current.to });
  const q = h('input', { type: 'search', id: 'ord-filter-q', testid: 'filter-q', value: current.q, placeholder: t('ord.searchHint'), autocomplete: 'off' });

  const params = () => ({
    state: state.value || null, channel_id: channel.value(), from: from.value || null, to: to.value || null, q: q.value.trim() || null,
    limit: limit !== ORDER_PAGE ? limit : null,
  });
  const go = () => navigate(href(['orders'], params()));
  const toolbar = h('form', { class: 'toolbar filters', testid: 'order-filters' },
    field('q', t('ord.search'), q),
    field('state', t('inv.state'), state),
    field('channel_id', t('ord.channel'), channel.element, { input: channel.select }),
    field('from', t('ord.from'), from),
    field('to', t('ord.to'), to),
    h('div', { class: 'toolbar-actions' },
      h('button', { type: 'submit', class: 'btn primary', testid: 'order-filter' }, t('ranking.show')),
      h('a', { class: 'btn ghost', href: href(['orders']), testid: 'list-reset' }, t('list.reset'))));
  toolbar.addEventListener('submit', (ev) => { ev.preventDefault(); go(); });
  for (const sel of [state, channel.select]) sel.addEventListener('change', go);

  const box = loadingBox('orders-body');
  const range = h('span', { class: 'range', testid: 'list-total' });
  const first = h('button', { type: 'button', class: 'btn', testid: 'page-first', disabled: afterId === 0 }, `« ${t('ord.firstPage')}`);
  const next = h('button', { type: 'button', class: 'btn', testid: 'page-next', disabled: true }, `${t('list.next')} ›`);
  const base = { ...current, channel_id: channelId, limit: limit !== ORDER_PAGE ? limit : null };
  first.addEventListener('click', () => navigate(href(['orders'], base)));
  let nextAfter: number | null = null;
  let shownNow = 0;
  next.addEventListener('click', () => { if (nextAfter) navigate(href(['orders'], { ...base, after_id: nextAfter, shown: before + shownNow })); });

  void (async () => {
    try {
      const data = await getJson<OrderPage>('/orders', { ...current, after_id: afterId || null, limit });
      const items = data.items ?? [];
      nextAfter = data.next_after_id ?? null;
      shownNow = items.length;
      const total = typeof data.total === 'number' ? data.total : null;
      next.disabled = !nextAfter || items.length < limit || (total !== null && before + items.length >= total);
      if (total !== null) {
        range.textContent = items.length ? t('list.range', { from: before + 1, to: before + items.length, total }) : t('list.rangeEmpty', { total });
        range.setAttribute('data-total', String(total));
      } else {
        range.textContent = items.length ? t('list.rangeOpen', { from: before + 1, to: before + items.length }) : t('list.empty');
      }
      const cols = ['ord.order', 'ord.date', 'ord.channel', 'ord.buyer', 'inv.state', 'ord.customsChannel', 'ord.lines', 'ord.tax', 'ord.paid'] as const;
      replaceChildren(box, items.length ? h('table', { class: 'list', testid: 'orders-table' },
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c === 'ord.tax' || c === 'ord.paid' || c === 'ord.lines' ? 'num' : null }, t(c))))),
        h('tbody', {}, items.map((o: Order) => h('tr', {
          testid: 'order-row', 'data-id': o.id, 'data-no': o.channel_order_no, 'data-state': o.state, 'data-date': o.order_date,
        },
          h('td', { 'data-label': t(cols[0]) }, h('a', { href: href(['orders', o.id]), testid: 'order-link' }, o.channel_order_no || `#${o.id}`),
            h('div', { class: 'muted small' }, `#${o.id}`)),
          h('td', { 'data-label': t(cols[1]), class: 'nowrap' }, o.order_date),
          h('td', { 'data-label': t(cols[2]) }, recordCode('channels', o.channel_id)),
          h('td', { 'data-label': t(cols[3]), testid: 'order-buyer' }, o.buyer?.name ?? '—'),
          h('td', { 'data-label': t(cols[4]) }, orderStateBadge(o.state)),
          h('td', { 'data-label': t(cols[5]) }, o.customs_channel ? tDynamic(`customsChannel.${o.customs_channel}`, o.customs_channel) : '—'),
          h('td', { 'data-label': t(cols[6]), class: 'num' }, fmtInt((o.lines ?? []).length || null)),
          h('td', { 'data-label': t(cols[7]), class: 'num' }, money(o.tax)),
          h('td', { 'data-label': t(cols[8]), class: 'num' }, money(o.paid)))))) : h('p', { class: 'empty', testid: 'list-empty' }, t('ord.none')));
    } catch (err) {
      boxError(box, err);
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  })();

  return h('section', { class: 'page ord-page', testid: 'page-orders' },
    ordersTabs('orders'),
    h('div', { class: 'page-head' }, h('h1', {}, t('ord.title'))),
    h('div', { class: 'panel' }, toolbar),
    box,
    h('nav', { class: 'pager', 'aria-label': 'pagination' }, first, range, next));
}
