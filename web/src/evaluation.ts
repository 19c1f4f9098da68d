// Types and calls of the supplier-evaluation API (/api/v1/evaluation/...).

import { getJson } from './api';

export type Direction = 'higher_is_better' | 'lower_is_better';
export type TreeStatus = 'draft' | 'active' | 'retired';
export type Consequence = 'none' | 'warn' | 'block';

export interface SubIndicator {
  code: string;
  name: string;
  weight: number | null;
  direction: Direction;
  scale_min: number;
  scale_max: number;
}

export interface Indicator {
  code: string;
  name: string;
  weight: number | null;
  children: SubIndicator[];
}

export interface Judgement {
  node: string;
  matrix: number[][];
  cr: number;
  lambda_max: number;
  ri_table: string;
}

export interface TreeSummary {
  id: number;
  name: string;
  version_no: number;
  status: TreeStatus;
  created_by: string;
  created_at: string;
  activated_at: string | null;
}

export interface Tree extends TreeSummary {
  version: number;
  indicators: Indicator[];
  judgements: Judgement[];
}

export interface Disagreement {
  row: number;
  column: number;
  given: number;
  implied: number;
}

export interface AhpPreview {
  weights: number[] | Record<string, number>;
  lambda_max: number;
  ci: number;
  cr: number;
  ri_table: string;
  consistent: boolean;
  disagreements: Disagreement[];
}

export interface Band {
  name: string;
  min_score: number;
  consequence: Consequence;
}

export interface SubScore {
  code: string;
  weight: number;
  score: number;
  normalised: number;
  contribution: number;
  source?: string;
  evaluator?: string;
  at?: string;
}

export interface IndicatorScore {
  code: string;
  weight: number;
  subtotal: number;
  contribution: number;
  children: SubScore[];
}

export interface Scorecard {
  supplier_id: number;
  supplier_code: string;
  supplier_name: string;
  total: number | null;
  band: string | null;
  consequence: Consequence | null;
  rank: number | null;
  breakdown: IndicatorScore[];
  missing: string[];
}

export interface RankingItem {
  supplier_id: number;
  supplier_code: string;
  total: number;
  band: string | null;
  weighted_rank: number;
  topsis_closeness: number;
  topsis_rank: number;
}

export interface TrendPoint {
  period: string;
  total: number | null;
  band: string | null;
}

export interface RiskSupplier {
  supplier_id: number;
  supplier_code: string;
  spend: string | number;
  share: number;
}

export interface RiskCategory {
  category: string;
  currency: string;
  spend: string | number;
  hhi: number;
  suppliers: RiskSupplier[];
}

export interface Risk {
  categories: RiskCategory[];
  single_source_skus: { sku_id: number; sku_code: string; supplier_id: number; supplier_code: string }[];
}

export const SAATY_VALUES = ['9', '8', '7', '6', '5', '4', '3', '2', '1', '1/2', '1/3', '1/4', '1/5', '1/6', '1/7', '1/8', '1/9'];

/** "1/3" → 0.333…, "5" → 5. */
export function judgementValue(text: string): number {
  const [num, den] = text.split('/');
  return den === undefined ? Number(num) : Number(num) / Number(den);
}

/** The Saaty-scale text closest (on a log scale) to a value. */
export function nearestJudgement(v: number): string {
  let best = '1';
  let bestDist = Infinity;
  for (const s of SAATY_VALUES) {
    const d = Math.abs(Math.log(judgementValue(s)) - Math.log(v));
    if (d < bestDist) { best = s; bestDist = d; }
  }
  return best;
}

/** The reciprocal of a Saaty-scale text: "3" → "1/3", "1/5" → "5". */
export function reciprocalText(text: string): string {
  if (text === '1') return '1';
  return text.startsWith('1/') ? text.slice(2) : `1/${text}`;
}

/** Preview weights in criteria order, whether the server sends a list or a map by criterion. */
export function previewWeights(p: AhpPreview, criteria: string[]): number[] {
  if (Array.isArray(p.weights)) return p.weights.map(Number);
  const map = p.weights as Record<string, number>;
  return criteria.map((c) => Number(map[c]));
}

/** The active tree in full, or null when none is active. */
export async function loadActiveTree(): Promise<Tree | null> {
  const list = await getJson<{ items: TreeSummary[] }>('/evaluation/trees');
  const active = (list.items ?? []).find((t) => t.status === 'active');
  return active ? getJson<Tree>(`/evaluation/trees/${active.id}`) : null;
}

/** The children (code, name) of an AHP node: "root" → first level, else the indicator's children. */
export function nodeChildren(tree: Tree, node: string): { code: string; name: string; weight: number | null }[] | null {
  if (node === 'root') return tree.indicators;
  const ind = tree.indicators.find((i) => i.code === node);
  return ind ? ind.children : null;
}

export const INDICATOR_COLOURS = ['#127c91', '#e07a1f', '#5b8c2a', '#8e44ad', '#c0392b', '#2c6fbb', '#b58b00', '#6d7b8d'];

const PERIOD_KEY = 'xb.period';

/** The period last used on the evaluation pages (kept for the tab). */
export function rememberedPeriod(fallback: string): string {
  try {
    return sessionStorage.getItem(PERIOD_KEY) || fallback;
  } catch {
    return fallback;
  }
}

export function rememberPeriod(period: string): void {
  try {
    sessionStorage.setItem(PERIOD_KEY, period);
  } catch {
    // ignore
  }
}
