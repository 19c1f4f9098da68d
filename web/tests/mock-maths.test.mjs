// The mock server's evaluation maths must give the numbers of the C++ domain
// (src/domain/suppliers/*_test.cpp), or the browser tests would check a wrong picture.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MathError, bandFor, concentration, deriveWeights, DEFAULT_BANDS, paperTemplate, parsePeriod, rankTopsis,
  scoreSupplier, validateBands, validateTree,
} from './mock-maths.mjs';

// Saaty (2008), relative consumption of drinks: coffee, wine, tea, beer, soda, milk, water.
const DRINKS = [
  [1, 9, 5, 2, 1, 1, 1 / 2],
  [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
  [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
  [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
  [1, 9, 4, 2, 1, 2, 1 / 2],
  [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
  [2, 9, 9, 3, 2, 3, 1],
];

describe('mock evaluation maths', () => {
  it('derives the published AHP weights and CR of Saaty\'s drinks example', () => {
    const r = deriveWeights(DRINKS);
    assert.deepEqual(r.weights.map((w) => Math.round(w * 1000) / 1000), [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]);
    assert.ok(Math.abs(r.cr - 0.022) < 0.0015);
    assert.ok(Math.abs(r.ci - (r.lambda_max - 7) / 6) < 1e-12);
    assert.ok(Math.abs(r.cr - r.ci / 1.32) < 1e-12);
    assert.equal(r.consistent, true);
    assert.ok(Math.abs(r.weights.reduce((s, w) => s + w, 0) - 1) < 1e-12);
  });

  it('gives CR 0 for a perfectly consistent matrix and flags a cycle', () => {
    const r = deriveWeights([[1, 5 / 3, 2.5], [0.6, 1, 1.5], [0.4, 2 / 3, 1]]);
    assert.ok(Math.abs(r.weights[0] - 0.5) < 1e-9 && Math.abs(r.weights[2] - 0.2) < 1e-9);
    assert.ok(Math.abs(r.lambda_max - 3) < 1e-9 && Math.abs(r.cr) < 1e-9);
    const cycle = deriveWeights([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]);
    assert.equal(cycle.consistent, false);
    assert.ok(cycle.cr > 0.1);
    assert.ok(cycle.disagreements.length > 0);
    assert.ok(cycle.disagreements[0].deviation >= cycle.disagreements.at(-1).deviation);
  });

  it('refuses non-reciprocal matrices naming the cell, and uses the Alonso table on request', () => {
    assert.throws(() => deriveWeights([[1, 3, 1], [0.5, 1, 1], [1, 1, 1]]), (e) => e instanceof MathError && /row 1, column 2/.test(e.message));
    assert.throws(() => deriveWeights([[2, 1], [1, 1]]), /diagonal/);
    const m = [[1, 2, 4], [1 / 2, 1, 3], [1 / 4, 1 / 3, 1]];
    const s = deriveWeights(m, 'saaty');
    const a = deriveWeights(m, 'alonso');
    assert.ok(Math.abs(a.cr - s.ci / 0.5245) < 1e-12);
  });

  it('ranks with TOPSIS like the C++ implementation', () => {
    const r = rankTopsis([{ weight: 0.5 }, { weight: 0.5, kind: 'cost' }], [[1, 2], [3, 4], [2, 1]]);
    assert.deepEqual(r.ranks, [3, 2, 1]);
    const same = rankTopsis([{ weight: 1 }], [[5], [5]]);
    assert.deepEqual(same.closeness, [0.5, 0.5]);
    assert.deepEqual(same.ranks, [1, 2]);
  });

  it('validates trees and scores suppliers on the paper template', () => {
    const tree = paperTemplate();
    validateTree(tree);
    const broken = structuredClone(tree);
    broken[0].children[0].weight = 0.9;
    assert.throws(() => validateTree(broken), (e) => e.field === 'performance');
    const first = structuredClone(tree);
    first[0].weight = 0.5;
    assert.throws(() => validateTree(first), (e) => e.field === 'indicators');
    const all = Object.fromEntries(tree.flatMap((i) => i.children).map((c) => [c.code, c.direction === 'lower_is_better' ? 20 : 80]));
    const card = scoreSupplier(tree, all);
    assert.ok(Math.abs(card.total - 80) < 1e-9);
    assert.deepEqual(card.missing, []);
    const partial = scoreSupplier(tree, { on_time_rate: 50 });
    assert.equal(partial.total, null);
    assert.throws(() => scoreSupplier(tree, { on_time_rate: 150 }), (e) => e.field === 'on_time_rate');
  });

  it('finds bands, HHI and periods', () => {
    validateBands(DEFAULT_BANDS);
    assert.equal(bandFor(DEFAULT_BANDS, 69.9).name, 'approved');
    assert.equal(bandFor(DEFAULT_BANDS, 70).name, 'preferred');
    assert.equal(bandFor(DEFAULT_BANDS, 0).consequence, 'block');
    assert.throws(() => validateBands([{ name: 'a', min_score: 10, consequence: 'none' }]), /start at 0/);
    const c = concentration(new Map([[1, 75], [2, 25]]));
    assert.ok(Math.abs(c.hhi - 6250) < 1e-9);
    assert.deepEqual(parsePeriod('2026-Q3'), { label: '2026-Q3', first: '2026-07-01', last: '2026-09-30' });
    assert.equal(parsePeriod('2026-02').last, '2026-02-28');
    assert.equal(parsePeriod('2026-13'), null);
  });
});
