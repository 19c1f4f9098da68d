// Application shell: header (tenant, language, sign out) and module navigation.

import type { Me } from '../api';
import { h } from '../dom';
import { lang, setLang, t, type Key, type Lang } from '../i18n';
import { href } from '../router';

export const LANG_EVENT = 'xb:lang';

export function languageSwitch(): HTMLElement {
  const select = h('select', { id: 'lang-switch', testid: 'lang-switch', 'aria-label': t('lang.label') },
    h('option', { value: 'en', lang: 'en' }, 'English'),
    h('option', { value: 'zh', lang: 'zh-CN' }, '中文'));
  select.value = lang();
  select.addEventListener('change', () => {
    setLang(select.value as Lang);
    window.dispatchEvent(new Event(LANG_EVENT));
  });
  return h('div', { class: 'lang' }, select);
}

interface NavEntry {
  id: string;
  label: Key;
  /** Route segment; absent for modules still to come. */
  path?: string;
}

const MASTER_DATA: NavEntry[] = [
  { id: 'skus', label: 'nav.skus', path: 'skus' },
  { id: 'suppliers', label: 'nav.suppliers', path: 'suppliers' },
  { id: 'warehouses', label: 'nav.warehouses', path: 'warehouses' },
];

const MODULES: NavEntry[] = [
  { id: 'supplier-evaluation', label: 'nav.supplierEval', path: 'evaluation' },
  { id: 'procurement', label: 'nav.procurement', path: 'procurement' },
  { id: 'inventory', label: 'nav.inventory', path: 'inventory' },
  { id: 'warehouse-ops', label: 'nav.warehouseOps', path: 'warehouse' },
  { id: 'orders-customs', label: 'nav.orders', path: 'orders' },
  { id: 'tracking', label: 'nav.tracking' },
  { id: 'planning', label: 'nav.planning' },
  { id: 'mode-strategy', label: 'nav.modeStrategy' },
];

export interface Shell {
  element: HTMLElement;
  main: HTMLElement;
  /** Highlight the navigation entry of the current route. */
  setActive: (section: string) => void;
}

export function renderShell(me: Me, onSignOut: () => void): Shell {
  const main = h('main', { class: 'content', id: 'content', testid: 'content', tabindex: '-1' });

  const links = new Map<string, HTMLElement>();
  const navList = (entries: NavEntry[]) => h('ul', {}, entries.map((e) => {
    if (!e.path) {
      return h('li', {},
        h('span', { class: 'nav-item disabled', 'aria-disabled': 'true', testid: `nav-${e.id}` },
          h('span', {}, t(e.label)), h('span', { class: 'soon' }, t('nav.coming'))));
    }
    const a = h('a', { class: 'nav-item', href: href([e.path]), testid: `nav-${e.id}` }, t(e.label));
    links.set(e.path, a);
    return h('li', {}, a);
  }));

  const nav = h('nav', { class: 'sidenav', id: 'sidenav', testid: 'sidenav', 'aria-label': 'modules' },
    h('h2', {}, t('nav.masterData')), navList(MASTER_DATA),
    h('h2', {}, t('nav.modules')), navList(MODULES));

  const menuBtn = h('button', {
    type: 'button', class: 'menu-btn', testid: 'menu-toggle', 'aria-controls': 'sidenav', 'aria-expanded': 'false',
  }, '☰ ', h('span', { class: 'menu-label' }, t('shell.menu')));
  const root = h('div', { class: 'shell', testid: 'shell' });
  const setOpen = (open: boolean) => {
    root.classList.toggle('nav-open', open);
    menuBtn.setAttribute('aria-expanded', String(open));
  };
  menuBtn.addEventListener('click', () => setOpen(!root.classList.contains('nav-open')));
  nav.addEventListener('click', (ev) => {
    if ((ev.target as Element).closest('a')) setOpen(false);
  });

  const signOut = h('button', { type: 'button', class: 'btn ghost small', testid: 'signout' }, t('shell.signout'));
  signOut.addEventListener('click', onSignOut);

  const header = h('header', { class: 'topbar', testid: 'topbar' },
    menuBtn,
    h('a', { class: 'logo', href: href(['skus']) }, t('app.brand')),
    h('div', { class: 'tenant', testid: 'tenant' },
      h('span', { class: 'tenant-name' }, me.tenant?.name || me.tenant?.code || ''),
      h('span', { class: 'role' }, t('shell.role', { role: me.role }))),
    h('div', { class: 'topbar-actions' }, languageSwitch(), signOut));

  const backdrop = h('div', { class: 'nav-backdrop', testid: 'nav-backdrop', 'aria-hidden': 'true' });
  backdrop.addEventListener('click', () => setOpen(false));
  root.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && root.classList.contains('nav-open')) setOpen(false);
  });

  root.append(header, h('div', { class: 'shell-body' }, nav, backdrop, main));

  return {
    element: root,
    main,
    setActive: (section: string) => {
      for (const [path, a] of links) {
        const active = path === section;
        a.classList.toggle('active', active);
        if (active) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
      }
    },
  };
}
