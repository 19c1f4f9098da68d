// Supplier evaluation: routes under #/evaluation and the section's tabs.
//
//   #/evaluation                          tree versions
//   #/evaluation/trees/12                 tree editor
//   #/evaluation/trees/12/ahp/root        AHP matrix of a node
//   #/evaluation/scores?supplier_id&period
//   #/evaluation/ranking?period&sku_id
//   #/evaluation/trend?supplier_id
//   #/evaluation/risk?from&to
//   #/evaluation/bands

import { h } from '../dom';
import { t } from '../i18n';
import { subTabs, type Tab } from '../kit';
import { href } from '../router';
import { renderAhp } from './eval-ahp';
import { renderBands } from './eval-bands';
import { renderRanking } from './eval-ranking';
import { renderRisk } from './eval-risk';
import { renderScores } from './eval-scores';
import { renderTreeEditor, renderTreeList } from './eval-trees';
import { renderTrend } from './eval-trend';

const TABS: Tab[] = [
  { id: 'trees', label: 'eval.tab.trees', href: href(['evaluation']) },
  { id: 'scores', label: 'eval.tab.scores', href: href(['evaluation', 'scores']) },
  { id: 'ranking', label: 'eval.tab.ranking', href: href(['evaluation', 'ranking']) },
  { id: 'trend', label: 'eval.tab.trend', href: href(['evaluation', 'trend']) },
  { id: 'risk', label: 'eval.tab.risk', href: href(['evaluation', 'risk']) },
  { id: 'bands', label: 'eval.tab.bands', href: href(['evaluation', 'bands']) },
];

export function evaluationTabs(active: string): HTMLElement {
  return subTabs(TABS, active);
}

function notFound(): HTMLElement {
  return h('section', { class: 'page', testid: 'page-not-found' }, h('h1', {}, t('error.notFoundPage')));
}

export function renderEvaluation(parts: string[], query: URLSearchParams): HTMLElement {
  const [sub, id, action, node] = parts;
  switch (sub) {
    case undefined:
      return renderTreeList();
    case 'trees':
      if (id === undefined) return renderTreeList();
      if (action === undefined) return renderTreeEditor(id);
      if (action === 'ahp' && node !== undefined && parts.length === 4) return renderAhp(id, node);
      return notFound();
    case 'scores':
      return parts.length === 1 ? renderScores(query) : notFound();
    case 'ranking':
      return parts.length === 1 ? renderRanking(query) : notFound();
    case 'trend':
      return parts.length === 1 ? renderTrend(query) : notFound();
    case 'risk':
      return parts.length === 1 ? renderRisk(query) : notFound();
    case 'bands':
      return parts.length === 1 ? renderBands() : notFound();
    default:
      return notFound();
  }
}
