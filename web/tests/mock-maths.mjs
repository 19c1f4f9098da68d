// The supplier-evaluation maths of the mock server, written to match the C++ domain
// (src/domain/suppliers: ahp, topsis, scorecard, evaluation): AHP by the principal eigenvector,
// TOPSIS by vector normalisation, the two-level scorecard, score bands and the HHI.

export const MAX_CR = 0.10;

export const RI_TABLES = {
  // Saaty (2008), n = 1..15.
  saaty: [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59],
  // Alonso & Lamata (2006).
  alonso: [0, 0, 0.5245, 0.8815, 1.1086, 1.2479, 1.3417, 1.4056, 1.4499, 1.4854, 1.5141, 1.5365, 1.5551, 1.5713, 1.5838],
};

export class MathError extends Error {
  constructor(message, field) {
    super(message);
    this.field = field;
  }
}

const cell = (i, j) => `row ${i + 1}, column ${j + 1}`;

/** Checks a pairwise matrix like DeriveWeights does; throws MathError naming the cell. */
export function checkMatrix(a) {
  if (!Array.isArray(a) || a.length < 1 || a.length > 15) {
    throw new MathError(`matrix: needs 1 to 15 criteria, got ${Array.isArray(a) ? a.length : 0}`, 'matrix');
  }
  const n = a.length;
  a.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== n) {
      throw new MathError(`matrix: row ${i + 1} has ${Array.isArray(row) ? row.length : 0} entries, expected ${n}`, 'matrix');
    }
  });
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = a[i][j];
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new MathError(`matrix: ${cell(i, j)} must be a positive number`, 'matrix');
      if (i === j && Math.abs(v - 1) > 1e-9) throw new MathError(`matrix: ${cell(i, j)} is on the diagonal and must be 1`, 'matrix');
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(a[i][j] * a[j][i] - 1) > 0.01) {
        throw new MathError(`matrix: not reciprocal: ${cell(i, j)} is ${a[i][j]} but ${cell(j, i)} is ${a[j][i]} (expected ${1 / a[i][j]})`, 'matrix');
      }
    }
  }
}

/**
 * AHP weights by the principal right eigenvector (power iteration: a positive matrix has a simple
 * dominant Perron root), λmax = mean((A w)_i / w_i), CI = (λmax − n)/(n − 1), CR = CI / RI(n).
 */
export function deriveWeights(a, riTable = 'saaty') {
  checkMatrix(a);
  const ri = RI_TABLES[riTable];
  if (!ri) throw new MathError('ri_table: must be saaty or alonso', 'ri_table');
  const n = a.length;
  let w = new Array(n).fill(1 / n);
  for (let iter = 0; iter < 100000; iter++) {
    const next = a.map((row) => row.reduce((s, v, j) => s + v * w[j], 0));
    const sum = next.reduce((s, v) => s + v, 0);
    for (let i = 0; i < n; i++) next[i] /= sum;
    const delta = next.reduce((m, v, i) => Math.max(m, Math.abs(v - w[i])), 0);
    w = next;
    if (delta < 1e-15) break;
  }
  const aw = a.map((row) => row.reduce((s, v, j) => s + v * w[j], 0));
  const lambdaMax = aw.reduce((s, v, i) => s + v / w[i], 0) / n;
  let ci = n > 2 ? (lambdaMax - n) / (n - 1) : 0;
  if (ci < 0 && ci > -1e-9) ci = 0;
  const r = ri[n - 1];
  const cr = r > 0 ? ci / r : 0;
  const disagreements = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const implied = w[i] / w[j];
      disagreements.push({ row: i, column: j, given: a[i][j], implied, deviation: Math.abs(Math.log(a[i][j] / implied)) });
    }
  }
  disagreements.sort((x, y) => y.deviation - x.deviation);
  return {
    weights: w, lambda_max: lambdaMax, ci, cr, ri_table: riTable,
    consistent: cr <= MAX_CR, disagreements: disagreements.slice(0, 3),
  };
}

/** TOPSIS closeness and ranks (ties keep input order). kinds: 'benefit' | 'cost'. */
export function rankTopsis(criteria, matrix) {
  const n = criteria.length;
  const m = matrix.length;
  const v = matrix.map((row) => row.slice());
  for (let j = 0; j < n; j++) {
    const norm = Math.sqrt(matrix.reduce((s, row) => s + row[j] * row[j], 0));
    for (let i = 0; i < m; i++) v[i][j] = norm > 0 ? criteria[j].weight * matrix[i][j] / norm : 0;
  }
  const ideal = [];
  const anti = [];
  for (let j = 0; j < n; j++) {
    const col = v.map((row) => row[j]);
    const hi = Math.max(...col);
    const lo = Math.min(...col);
    const benefit = criteria[j].kind !== 'cost';
    ideal.push(benefit ? hi : lo);
    anti.push(benefit ? lo : hi);
  }
  const closeness = v.map((row) => {
    const dp = Math.sqrt(row.reduce((s, x, j) => s + (x - ideal[j]) ** 2, 0));
    const dm = Math.sqrt(row.reduce((s, x, j) => s + (x - anti[j]) ** 2, 0));
    return dp + dm > 0 ? dm / (dp + dm) : 0.5;
  });
  const order = closeness.map((_, i) => i).sort((x, y) => (closeness[y] - closeness[x]) || (x - y));
  const ranks = new Array(m).fill(0);
  order.forEach((alt, r) => { ranks[alt] = r + 1; });
  return { closeness, ranks, order };
}

const fmt = (v) => String(Number(v.toFixed(6)));

/** ValidateTree: throws MathError with the indicator code (or "indicators") as field. */
export function validateTree(indicators) {
  if (!Array.isArray(indicators) || !indicators.length) throw new MathError('the tree has no indicators', 'indicators');
  const codes = new Set();
  const checkWeight = (w, code) => {
    if (w === null || w === undefined) throw new MathError(`indicator '${code}' has no weight`, code);
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 1) throw new MathError(`indicator '${code}': weight must be within 0..1`, code);
  };
  let first = 0;
  for (const ind of indicators) {
    if (!ind.code) throw new MathError('an indicator has no code', 'indicators');
    if (codes.has(ind.code)) throw new MathError(`indicator code '${ind.code}' is used twice`, ind.code);
    codes.add(ind.code);
    checkWeight(ind.weight, ind.code);
    first += ind.weight;
    if (!ind.children?.length) throw new MathError(`indicator '${ind.code}' has no second-level indicators`, ind.code);
    let sub = 0;
    for (const c of ind.children) {
      if (!c.code) throw new MathError(`an indicator under '${ind.code}' has no code`, ind.code);
      if (codes.has(c.code)) throw new MathError(`indicator code '${c.code}' is used twice`, c.code);
      codes.add(c.code);
      checkWeight(c.weight, c.code);
      if (!(c.scale_min < c.scale_max)) throw new MathError(`indicator '${c.code}': scale_min must be below scale_max`, c.code);
      sub += c.weight;
    }
    if (Math.abs(sub - 1) > 1e-6) throw new MathError(`the weights under '${ind.code}' sum to ${fmt(sub)}, not 1 (tolerance 0.000001)`, ind.code);
  }
  if (Math.abs(first - 1) > 1e-6) throw new MathError(`the first-level weights sum to ${fmt(first)}, not 1 (tolerance 0.000001)`, 'indicators');
}

/** ScoreSupplier: breakdown with contributions, missing codes, total when complete. */
export function scoreSupplier(indicators, scores) {
  const known = new Set(indicators.flatMap((i) => i.children.map((c) => c.code)));
  for (const code of Object.keys(scores)) {
    if (!known.has(code)) throw new MathError(`score for unknown indicator '${code}'`, code);
  }
  const missing = [];
  let total = 0;
  const breakdown = indicators.map((ind) => {
    const ic = { code: ind.code, weight: ind.weight, subtotal: 0, contribution: 0, children: [] };
    for (const sub of ind.children) {
      const entry = scores[sub.code];
      if (entry === undefined) { missing.push(sub.code); continue; }
      const s = typeof entry === 'number' ? entry : entry.score;
      if (!Number.isFinite(s) || s < sub.scale_min || s > sub.scale_max) {
        throw new MathError(`score ${fmt(s)} for '${sub.code}' is outside its scale ${fmt(sub.scale_min)}..${fmt(sub.scale_max)}`, sub.code);
      }
      let normalised = (s - sub.scale_min) / (sub.scale_max - sub.scale_min) * 100;
      if (sub.direction === 'lower_is_better') normalised = 100 - normalised;
      ic.subtotal += sub.weight * normalised;
      ic.children.push({
        code: sub.code, weight: sub.weight, score: s, normalised, contribution: ind.weight * sub.weight * normalised,
        ...(typeof entry === 'object' ? { source: entry.source, evaluator: entry.evaluator, at: entry.at } : {}),
      });
    }
    ic.contribution = ic.weight * ic.subtotal;
    total += ic.contribution;
    return ic;
  });
  return { total: missing.length ? null : total, breakdown, missing };
}

export const DEFAULT_BANDS = [
  { name: 'preferred', min_score: 70, consequence: 'none' },
  { name: 'approved', min_score: 50, consequence: 'none' },
  { name: 'watch', min_score: 30, consequence: 'warn' },
  { name: 'blocked', min_score: 0, consequence: 'block' },
];

export function validateBands(bands) {
  if (!Array.isArray(bands) || !bands.length) throw new MathError('bands: at least one band', 'bands');
  const names = new Set();
  const mins = new Set();
  let zero = false;
  for (const b of bands) {
    if (!b || typeof b.name !== 'string' || !b.name.trim()) throw new MathError('bands: every band needs a name', 'bands');
    if (names.has(b.name)) throw new MathError(`bands: '${b.name}' appears twice`, 'bands');
    names.add(b.name);
    if (typeof b.min_score !== 'number' || !(b.min_score >= 0 && b.min_score <= 100)) {
      throw new MathError(`bands: min_score of '${b.name}' must be within 0..100`, 'bands');
    }
    if (mins.has(b.min_score)) throw new MathError(`bands: two bands start at ${b.min_score}`, 'bands');
    mins.add(b.min_score);
    if (!['none', 'warn', 'block'].includes(b.consequence)) throw new MathError(`bands: consequence of '${b.name}' must be none, warn or block`, 'bands');
    zero = zero || b.min_score === 0;
  }
  if (!zero) throw new MathError('bands: one band must start at 0', 'bands');
}

export function bandFor(bands, score) {
  let best = bands[0];
  for (const b of bands) {
    if (score >= b.min_score && (best.min_score > score || b.min_score > best.min_score)) best = b;
  }
  return best;
}

/** Spend shares per key and HHI = Σ share² × 10,000. */
export function concentration(spendByKey) {
  const total = [...spendByKey.values()].reduce((s, v) => s + v, 0);
  const shares = new Map();
  let hhi = 0;
  if (total <= 0) return { shares, hhi };
  for (const [k, v] of spendByKey) {
    const share = v / total;
    shares.set(k, share);
    hhi += share * share * 10000;
  }
  return { shares, hhi };
}

/** "2026-11" or "2026-Q3" → { label, first, last } as YYYY-MM-DD, or null. */
export function parsePeriod(label) {
  const m = /^(\d{4})-(?:Q([1-4])|(\d{2}))$/.exec(String(label ?? ''));
  if (!m) return null;
  const year = Number(m[1]);
  let firstMonth;
  let months;
  if (m[2]) { firstMonth = (Number(m[2]) - 1) * 3 + 1; months = 3; } else {
    firstMonth = Number(m[3]);
    if (firstMonth < 1 || firstMonth > 12) return null;
    months = 1;
  }
  const first = new Date(Date.UTC(year, firstMonth - 1, 1));
  const last = new Date(Date.UTC(year, firstMonth - 1 + months, 0));
  const iso = (d) => d.toISOString().slice(0, 10);
  return { label: m[0], first: iso(first), last: iso(last) };
}

/** The paper's six first-level indicators (PaperTemplate in scorecard.cpp). */
export function paperTemplate() {
  const sub = (code, name, weight, direction = 'higher_is_better') => ({ code, name, weight, direction, scale_min: 0, scale_max: 100 });
  const lo = 'lower_is_better';
  return [
    { code: 'performance', name: 'Supplier performance', weight: 0.25, children: [
      sub('on_time_rate', 'On-time delivery rate', 0.4), sub('fill_rate', 'Fill rate', 0.3),
      sub('lead_time_variability', 'Lead-time variability', 0.3, lo)] },
    { code: 'financial', name: 'Financial status', weight: 0.10, children: [
      sub('solvency', 'Solvency', 0.5), sub('profitability', 'Profitability', 0.5)] },
    { code: 'cost', name: 'Cost status', weight: 0.20, children: [
      sub('price_level', 'Price level against the market', 0.6, lo), sub('price_variance', 'Price variance against quotes', 0.4, lo)] },
    { code: 'quality', name: 'Quality', weight: 0.25, children: [
      sub('acceptance_rate', 'Quality acceptance rate at receipt', 0.5), sub('shelf_life_at_arrival', 'Remaining shelf life at arrival', 0.3),
      sub('document_accuracy', 'Document accuracy at customs', 0.2)] },
    { code: 'organisation', name: 'Organisation and management', weight: 0.10, children: [
      sub('management', 'Management system', 0.5), sub('authenticity', 'Brand authorisation and authenticity', 0.5)] },
    { code: 'other', name: 'Other factors', weight: 0.10, children: [
      sub('cooperation', 'Willingness to cooperate', 0.5), sub('geography', 'Location and logistics access', 0.5)] },
  ];
}
