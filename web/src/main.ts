// Entry point: sign-in state, shell and hash-route dispatch.

import { ApiError, clearKey, fetchMe, getKey, setKey, setUnauthenticatedHandler, type Me } from './api';
import { h, replaceChildren } from './dom';
import { entityByPath, WAREHOUSE } from './entities';
import { describeError } from './form';
import { lang, setLang, t } from './i18n';
import { currentRoute, navigate } from './router';
import { binsSection } from './pages/bins';
import { renderCreate, renderDetail } from './pages/detail';
import { renderList } from './pages/list';
import { LANG_EVENT, renderShell, type Shell } from './pages/shell';
import { renderSignIn } from './pages/signin';
import { renderEvaluation } from './pages/evaluation';
import { renderProcurement } from './pages/procurement';
import { renderInventory } from './pages/inventory';
import { renderWarehouseOps } from './pages/warehouse-ops';
import { renderOrders } from './pages/orders';
import { runLeaveHooks } from './kit';

const root = document.getElementById('app')!;
let me: Me | null = null;
let shell: Shell | null = null;

function showSignIn(notice?: string): void {
  runLeaveHooks();
  me = null;
  shell = null;
  replaceChildren(root, renderSignIn((key, who) => {
    setKey(key);
    me = who;
    if (!currentRoute().parts.length) navigate('#/skus', true);
    else render();
  }, notice));
}

function signOut(): void {
  clearKey();
  me = null;
  shell = null;
  history.replaceState(null, '', location.pathname + location.search);
  showSignIn();
}

function renderPage(): HTMLElement {
  const { parts, query } = currentRoute();
  const [section = '', id] = parts;
  if (section === 'evaluation') return renderEvaluation(parts.slice(1), query);
  if (section === 'procurement') return renderProcurement(parts.slice(1), query);
  if (section === 'inventory') return renderInventory(parts.slice(1), query);
  if (section === 'warehouse') return renderWarehouseOps(parts.slice(1), query);
  if (section === 'orders') return renderOrders(parts.slice(1), query);
  const spec = entityByPath(section);
  if (!spec || parts.length > 2) {
    return h('section', { class: 'page', testid: 'page-not-found' }, h('h1', {}, t('error.notFoundPage')));
  }
  if (id === undefined) return renderList(spec, query);
  if (id === 'new') return renderCreate(spec);
  if (spec === WAREHOUSE) return renderDetail(spec, id, { sections: (w) => [binsSection(w)] });
  return renderDetail(spec, id);
}

function render(): void {
  if (!me) return;
  if (!currentRoute().parts.length) {
    navigate('#/skus', true);
    return;
  }
  if (!shell) {
    shell = renderShell(me, signOut);
    replaceChildren(root, shell.element);
  }
  shell.setActive(currentRoute().parts[0] ?? '');
  runLeaveHooks(); // charts, timers of the page being replaced
  replaceChildren(shell.main, renderPage());
  window.scrollTo(0, 0);
}

async function start(): Promise<void> {
  setLang(lang());
  setUnauthenticatedHandler(() => {
    clearKey();
    showSignIn(t('signin.expired'));
  });
  window.addEventListener('hashchange', () => {
    if (me) render();
  });
  window.addEventListener(LANG_EVENT, () => {
    if (me) {
      shell = null;
      render();
    } else {
      showSignIn();
    }
  });

  const key = getKey();
  if (!key) {
    showSignIn();
    return;
  }
  replaceChildren(root, h('p', { class: 'muted boot' }, t('list.loading')));
  try {
    me = await fetchMe(key);
    render();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      clearKey();
      showSignIn(t('signin.expired'));
    } else {
      showSignIn(describeError(err));
    }
  }
}

void start();
