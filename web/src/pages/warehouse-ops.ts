// Warehouse operations: routes under #/warehouse and the section's tabs.
//
//   #/warehouse                           tasks (kind, state and warehouse filters, paging), new cycle count
//   #/warehouse/tasks/5                   one task: lines, close / cancel, receipt variances, count sheet
//   #/warehouse/parcels                   parcels (warehouse, order and state filters, paging)
//   #/warehouse/parcels/7                 one parcel: SSCC, contents, hand over to the carrier
//   #/warehouse/terminal                  scanner terminal: choose an open task
//   #/warehouse/terminal/5                scanner terminal: scan location, scan item, confirm quantity

import { h } from '../dom';
import { t } from '../i18n';
import { subTabs, type Tab } from '../kit';
import { href } from '../router';
import { renderParcelDetail, renderParcels } from './parcels';
import { renderTaskDetail } from './task-detail';
import { renderTasks } from './tasks';
import { renderTerminal, renderTerminalChooser } from './terminal';

const TABS: Tab[] = [
  { id: 'tasks', label: 'wh.tab.tasks', href: href(['warehouse']) },
  { id: 'parcels', label: 'wo.tab.parcels', href: href(['warehouse', 'parcels']) },
  { id: 'terminal', label: 'wh.tab.terminal', href: href(['warehouse', 'terminal']) },
];

export function warehouseTabs(active: string): HTMLElement {
  return subTabs(TABS, active);
}

function notFound(): HTMLElement {
  return h('section', { class: 'page', testid: 'page-not-found' }, h('h1', {}, t('error.notFoundPage')));
}

export function renderWarehouseOps(parts: string[], query: URLSearchParams): HTMLElement {
  const [sub, id] = parts;
  const numeric = id !== undefined && /^\d+$/.test(id);
  switch (sub) {
    case undefined:
      return renderTasks(query);
    case 'tasks':
      if (id === undefined) return renderTasks(query);
      return parts.length === 2 && numeric ? renderTaskDetail(id) : notFound();
    case 'parcels':
      if (id === undefined) return renderParcels(query);
      return parts.length === 2 && numeric ? renderParcelDetail(id) : notFound();
    case 'terminal':
      if (id === undefined) return renderTerminalChooser(query);
      return parts.length === 2 && numeric ? renderTerminal(id) : notFound();
    default:
      return notFound();
  }
}
