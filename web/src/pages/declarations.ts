// Declarations (state and order filters, keyset paging) and the outbound queue: per signing key
// the declarations queued and submitted, the oldest one waiting and the signing rate.

import { getJson, postJson } from '../api';
import { formatTime, h, replaceChildren } from '../dom';
import { describeError } from '../form';
import { lang, t, tDynamic } from '../i18n';
import { badge, boxError, field, fmtInt, loadingBox, messageBox } from '../kit';
import { DECLARATION_STATES, itemsOf, type Declaration, type QueueView } from '../orders';
import { href, navigate } from '../router';
import { ordersTabs } from './orders';

const PAGE = 50;
const CANCELLABLE_DECL = ['queued', 'submitted', 'accepted'];

export function renderDeclarations(query: URLSearchParams): HTMLElement {
  const state = query.get('state') ?? '';
  const orderId = query.get('order_id') ?? '';
  const afterId = Math.max(0, Number.parseInt(query.get('after_id') ?? '0', 10) || 0);

  const stateSel = h('select', { id: 'decl-filter-state', testid: 'filter-state' },
    h('option', { value: '' }, t('list.any')),
    DECLARATION_STATES.map((s) => h('option', { value: s }, tDynamic(`declState.${s}`, s))));
  stateSel.value = state;
  const order = h('input', { type: 'text', inputmode: 'numeric', id: 'decl-filter-order', testid: 'filter-order', value: orderId, autocomplete: 'off' });
  const params = () => ({ state: stateSel.value || null, order_id: order.value.trim() || null });
  const toolbar = h('form', { class: 'toolbar filters', testid: 'declaration-filters' },
    field('state', t('inv.state'), stateSel),
    field('order_id', t('ord.orderId'), order),
    h('div', { class: 'toolbar-actions' },
      h('button', { type: 'submit', class: 'btn primary', testid: 'declaration-filter' }, t('ranking.show')),
      h('a', { class: 'btn ghost', href: href(['orders', 'declarations']), testid: 'list-reset' }, t('list.reset'))));
  toolbar.addEventListener('submit', (ev) => { ev.preventDefault(); navigate(href(['orders', 'declarations'], params())); });
  stateSel.addEventListener('change', () => navigate(href(['orders', 'declarations'], params())));

  const queue = loadingBox('queue-body', 'panel queue');
  const msg = messageBox('declarations-message');
  const box = loadingBox('declarations-body');
  const next = h('button', { type: 'button', class: 'btn', testid: 'page-next', disabled: true }, `${t('list.next')} ›`);
  const first = h('button', { type: 'button', class: 'btn', testid: 'page-first', disabled: afterId === 0 }, `« ${t('ord.firstPage')}`);
  first.addEventListener('click', () => navigate(href(['orders', 'declarations'], { state, order_id: orderId })));
  let nextAfter: number | null = null;
  next.addEventListener('click', () => { if (nextAfter) navigate(href(['orders', 'declarations'], { state, order_id: orderId, after_id: nextAfter })); });

  async function loadQueue(): Promise<void> {
    try {
      const q = await getJson<QueueView>('/customs/queue');
      const keys = q.keys ?? [];
      const cols = ['ord.signingKeyCol', 'ord.queued', 'ord.submitted', 'ord.oldestQueued', 'ord.rate'] as const;
      replaceChildren(queue,
        h('h2', {}, t('ord.queueTitle')),
        h('p', { class: 'muted small' }, t('ord.queueLead')),
        keys.length ? h('table', { class: 'list', testid: 'queue-table' },
          h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c === 'ord.queued' || c === 'ord.submitted' || c === 'ord.rate' ? 'num' : null }, t(c))))),
          h('tbody', {}, keys.map((k) => h('tr', { testid: 'queue-row', 'data-key': k.signing_key, 'data-queued': k.queued, 'data-submitted': k.submitted },
            h('td', { 'data-label': t(cols[0]) }, h('span', { class: 'code' }, k.signing_key)),
            h('td', { 'data-label': t(cols[1]), class: `num${k.queued ? ' strong' : ''}` }, fmtInt(k.queued)),
            h('td', { 'data-label': t(cols[2]), class: 'num' }, fmtInt(k.submitted)),
            h('td', { 'data-label': t(cols[3]), class: 'nowrap' }, k.oldest_queued_at ? formatTime(k.oldest_queued_at, lang()) : '—'),
            h('td', { 'data-label': t(cols[4]), class: 'num' }, k.rate_per_s === undefined ? '—' : t('ord.perSecond', { n: String(k.rate_per_s) })))))) : h('p', { class: 'empty', testid: 'queue-empty' }, t('ord.queueEmpty')),
        h('p', { class: 'muted small', testid: 'queue-totals' }, t('ord.queueTotals', { submitted: q.submitted_total ?? 0, receipts: q.receipts_total ?? 0 })));
    } catch (err) {
      boxError(queue, err);
    } finally {
      queue.setAttribute('aria-busy', 'false');
    }
  }

  async function load(): Promise<void> {
    box.setAttribute('aria-busy', 'true');
    try {
      const data = await getJson<{ items: Declaration[]; next_after_id?: number | null }>('/customs/declarations', {
        state, order_id: orderId, after_id: afterId || null, limit: PAGE,
      });
      const items = itemsOf<Declaration>(data);
      nextAfter = data.next_after_id ?? null;
      // The server offers a next key whenever a page is full; a next page may still be empty.
      next.disabled = !nextAfter || items.length < PAGE;
      const cols = ['ord.listNo', 'ord.order', 'ord.shipment', 'ord.signingKeyCol', 'inv.state', 'ord.checksTitle', 'ord.attempts', 'ord.reason', 'res.actions'] as const;
      replaceChildren(box, items.length ? h('table', { class: 'list', testid: 'declarations-table' },
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
        h('tbody', {}, items.map((d) => h('tr', { testid: 'declaration-row', 'data-id': d.id, 'data-state': d.state, 'data-list-no': d.list_no, 'data-order-id': d.order_id },
          h('td', { 'data-label': t(cols[0]) }, h('span', { class: 'code' }, d.list_no), d.trade_mode ? h('div', { class: 'muted small' }, d.trade_mode) : null),
          h('td', { 'data-label': t(cols[1]) }, h('a', { href: href(['orders', d.order_id]) }, `#${d.order_id}`)),
          h('td', { 'data-label': t(cols[2]), class: 'nowrap' }, d.shipment_ref ?? '—'),
          h('td', { 'data-label': t(cols[3]) }, d.signing_key ?? '—'),
          h('td', { 'data-label': t(cols[4]) }, badge('declState', d.state, 'declaration-state')),
          h('td', { 'data-label': t(cols[5]) }, d.checks_passed === undefined ? '—'
            : h('span', { class: `badge check-${d.checks_passed ? 'passed' : 'failed'}`, testid: 'declaration-checks', 'data-value': String(d.checks_passed) },
              d.checks_passed ? `✓ ${t('ord.passed')}` : `✗ ${t('ord.failed')}`)),
          h('td', { 'data-label': t(cols[6]), class: 'num' }, fmtInt(d.attempts ?? 0),
            d.next_attempt_at && d.state === 'queued' ? h('div', { class: 'muted small' }, t('ord.nextAttempt', { at: formatTime(d.next_attempt_at, lang()) })) : null),
          h('td', { 'data-label': t(cols[7]) }, d.reason || '', h('div', { class: 'muted small nowrap' }, formatTime(d.updated_at ?? d.created_at, lang()))),
          h('td', { 'data-label': t(cols[8]), class: 'row-actions' }, CANCELLABLE_DECL.includes(d.state) ? cancelButton(d) : null))))) : h('p', { class: 'empty', testid: 'list-empty' }, t('ord.noDeclarations')));
    } catch (err) {
      boxError(box, err);
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  }

  function cancelButton(d: Declaration): HTMLElement {
    const b = h('button', { type: 'button', class: 'btn small danger', testid: 'declaration-cancel' }, t('ord.cancelDeclaration'));
    b.addEventListener('click', async () => {
      if (!window.confirm(t('ord.cancelDeclarationConfirm', { no: d.list_no }))) return;
      b.disabled = true;
      try {
        await postJson(`/customs/declarations/${d.id}/cancel`, {});
        msg.show(t('ord.declarationCancelledOk', { no: d.list_no }), 'ok');
        await Promise.all([load(), loadQueue()]);
      } catch (err) {
        msg.show(describeError(err), 'error');
        b.disabled = false;
      }
    });
    return b;
  }

  void loadQueue();
  void load();
  return h('section', { class: 'page ord-page', testid: 'page-declarations' },
    ordersTabs('declarations'),
    h('div', { class: 'page-head' }, h('h1', {}, t('ord.declarationsTitle'))),
    queue,
    h('div', { class: 'panel' }, toolbar),
    msg.element,
    box,
    h('nav', { class: 'pager', 'aria-label': 'pagination' }, first, next));
}
