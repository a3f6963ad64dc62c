import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  equalErrorRate,
  lfwTenFold,
  nextUp,
  percentile,
  rocAuc,
  tarAtFar,
  thresholdAtFar,
  type ScoredPair,
} from './verification-metrics.js';
import { mulberry32 } from '../testing/seeded-random.js';

const nextDown = (x: number): number => -nextUp(-x);

const score = fc.oneof(
  { weight: 10, arbitrary: fc.double({ min: -1, max: 1, noNaN: true }) },
  { weight: 5, arbitrary: fc.constantFrom(-0.5, 0, 0.25, 0.5) },
  { weight: 1, arbitrary: fc.constant(-Infinity) },
);
const scores = fc.array(score, { minLength: 1, maxLength: 60 });

const bruteAuc = (genuine: number[], impostor: number[]): number => {
  let sum = 0;
  for (const g of genuine) for (const i of impostor) sum += g > i ? 1 : g === i ? 0.5 : 0;
  return sum / (genuine.length * impostor.length);
};
const rateAtLeast = (values: number[], t: number): number => values.filter((v) => v >= t).length / values.length;

describe('nextUp', () => {
  it('steps to the adjacent double', () => {
    expect(nextUp(1)).toBe(1 + Number.EPSILON);
    expect(nextUp(0)).toBe(Number.MIN_VALUE);
    expect(nextUp(-0)).toBe(Number.MIN_VALUE);
    expect(nextUp(-Number.MIN_VALUE)).toBe(-0);
    expect(nextUp(-1)).toBe(-1 + Number.EPSILON / 2);
    expect(nextUp(-Infinity)).toBe(-Number.MAX_VALUE);
    expect(nextUp(Number.MAX_VALUE)).toBe(Infinity);
    expect(nextUp(0.3)).toBeGreaterThan(0.3);
    expect((0.3 + nextUp(0.3)) / 2).toBeOneOf([0.3, nextUp(0.3)]);
  });
});

describe('rocAuc', () => {
  it('is 1 for perfect separation and 0 for the reverse', () => {
    expect(rocAuc([0.9, 0.8], [0.1, 0.2, 0.3])).toBe(1);
    expect(rocAuc([0.1], [0.2, 0.3])).toBe(0);
  });

  it('counts ties as one half', () => {
    expect(rocAuc([0.5], [0.5])).toBe(0.5);
    // Pairs (g, i): (0.5,0.5)=½, (0.5,0.2)=1, (0.9,0.5)=1, (0.9,0.2)=1 → 3.5 / 4.
    expect(rocAuc([0.5, 0.9], [0.5, 0.2])).toBe(0.875);
  });

  it('treats undetected pairs as the lowest scores without dropping them', () => {
    expect(rocAuc([-Infinity, 0.9], [0.1])).toBe(0.5);
    expect(rocAuc([-Infinity], [-Infinity])).toBe(0.5);
  });

  it('matches the quadratic definition', () => {
    fc.assert(fc.property(scores, scores, (g, i) => Math.abs(rocAuc(g, i) - bruteAuc(g, i)) < 1e-12));
  });

  it('is exact on a large shuffled set (1k genuine × 350k impostor)', () => {
    // Evenly spread scores, shuffled so the sort does real work.
    const rand = mulberry32(7);
    const shuffle = (a: number[]): number[] =>
      a
        .map((v) => [rand(), v] as const)
        .sort((x, y) => x[0] - y[0])
        .map((p) => p[1]);
    const genuine = shuffle(Array.from({ length: 1000 }, (_, k) => 0.4 + (0.6 * (k + 0.5)) / 1000));
    const impostor = shuffle(Array.from({ length: 350_000 }, (_, k) => (0.6 * (k + 0.5)) / 350_000));
    const auc = rocAuc(genuine, impostor);
    // Both land in the overlap [0.4, 0.6] with probability ⅓ each and are then equally likely in either order:
    // P(i > g) = ⅓·⅓·½.
    expect(auc).toBeCloseTo(1 - 1 / 18, 4);
  });

  it('rejects NaN, +Infinity and empty input', () => {
    expect(() => rocAuc([Number.NaN], [0])).toThrow(RangeError);
    expect(() => rocAuc([0], [Infinity])).toThrow(RangeError);
    expect(() => rocAuc([], [0])).toThrow(RangeError);
  });
});

describe('equalErrorRate', () => {
  it('is 0 for separable scores, at the lowest genuine score', () => {
    expect(equalErrorRate([0.9, 0.8], [0.1, 0.2, 0.3])).toEqual({ eer: 0, threshold: 0.8 });
  });

  it('is 0.5 when everything ties', () => {
    expect(equalErrorRate([0.5], [0.5])).toEqual({ eer: 0.5, threshold: 0.5 });
  });

  it('meets exactly when FAR = FRR at an operating point', () => {
    // At t = 0.6: FAR = |{0.6}|/2 = ½, FRR = |{0.5}|/2 = ½.
    expect(equalErrorRate([0.5, 0.7], [0.6, 0.4])).toEqual({ eer: 0.5, threshold: 0.6 });
  });

  it('interpolates between adjacent operating points', () => {
    // t = 0.4: FAR ¼, FRR 0. t = 0.5: FAR ¼, FRR ⅓. FAR is flat, so the segment crosses at ¼;
    // 0.5 is the closer operating point (|¼ − ⅓| < |¼ − 0|).
    const r = equalErrorRate([0.9, 0.8, 0.4], [0.1, 0.5, 0.2, 0.3]);
    expect(r.eer).toBeCloseTo(0.25, 12);
    expect(r.threshold).toBe(0.5);
  });

  it('counts undetected genuine pairs as false rejects', () => {
    // The -Infinity pair is rejected everywhere above it: t = 0.2 gives FAR ⅔, FRR ½; t = 0.3 gives FAR ⅓, FRR ½.
    const r = equalErrorRate([0.8, -Infinity], [0.1, 0.2, 0.3]);
    expect(r.eer).toBeCloseTo(0.5, 12);
  });

  it('lies between the FAR and FRR of its threshold and within [0, 1]', () => {
    fc.assert(
      fc.property(scores, scores, (g, i) => {
        const { eer, threshold } = equalErrorRate(g, i);
        const far = rateAtLeast(i, threshold);
        const frr = 1 - rateAtLeast(g, threshold);
        return eer >= 0 && eer <= 1 && eer >= Math.min(far, frr) - 1e-12 && eer <= Math.max(far, frr) + 1e-12;
      }),
    );
  });
});

describe('thresholdAtFar', () => {
  const grid = Array.from({ length: 1000 }, (_, i) => i / 1000);

  it('allows exactly far·N impostors through', () => {
    const r = thresholdAtFar(grid, 1e-2);
    expect(r).toEqual({ threshold: nextUp(0.989), supported: true, impostorCount: 1000 });
    expect(rateAtLeast(grid, r.threshold)).toBe(0.01);
    expect(rateAtLeast(grid, nextDown(r.threshold))).toBe(0.011);
  });

  it('survives far·N landing a hair below an integer', () => {
    const impostor = Array.from({ length: 3000 }, (_, i) => i);
    // 1e-3 · 3000 is 2.9999999999999996 in doubles; three impostors are still allowed.
    expect(thresholdAtFar(impostor, 1e-3).threshold).toBe(nextUp(2996));
  });

  it('moves past a tie instead of splitting it', () => {
    // Two may pass, but the three 0.5s stand or fall together.
    expect(thresholdAtFar([0.5, 0.5, 0.5, 0.1], 0.5).threshold).toBe(nextUp(0.5));
    expect(thresholdAtFar([0.5, 0.5, 0.5, 0.1], 0.75).threshold).toBe(nextUp(0.1));
  });

  it('extrapolates just above the maximum when far·N < 1 and says so', () => {
    expect(thresholdAtFar(grid, 1e-4)).toEqual({ threshold: nextUp(0.999), supported: false, impostorCount: 1000 });
    // 1000 < 3 / 1e-3: measurable (one allowed) but not statistically supported.
    expect(thresholdAtFar(grid, 1e-3)).toEqual({ threshold: nextUp(0.998), supported: false, impostorCount: 1000 });
    expect(
      thresholdAtFar(
        Array.from({ length: 3000 }, () => 0),
        1e-3,
      ).supported,
    ).toBe(true);
  });

  it('accepts everything at FAR 1 and nothing undetected otherwise', () => {
    expect(thresholdAtFar([0.2, 0.3], 1).threshold).toBe(-Infinity);
    expect(thresholdAtFar([-Infinity, -Infinity, 0.3], 0.5).threshold).toBe(-Number.MAX_VALUE);
  });

  it('rejects a FAR outside (0, 1]', () => {
    expect(() => thresholdAtFar(grid, 0)).toThrow(RangeError);
    expect(() => thresholdAtFar(grid, 1.5)).toThrow(RangeError);
    expect(() => thresholdAtFar(grid, Number.NaN)).toThrow(RangeError);
  });

  it('is the smallest threshold that keeps the FAR guarantee', () => {
    fc.assert(
      fc.property(scores, fc.double({ min: 1e-6, max: 1, noNaN: true }), (i, far) => {
        const { threshold } = thresholdAtFar(i, far);
        const ok = rateAtLeast(i, threshold) <= far * (1 + 1e-12);
        const minimal = threshold === -Infinity || rateAtLeast(i, nextDown(threshold)) > far;
        return ok && minimal;
      }),
    );
  });
});

describe('tarAtFar', () => {
  it('counts genuine scores at or above the FAR threshold', () => {
    const grid = Array.from({ length: 1000 }, (_, i) => i / 1000);
    // Threshold nextUp(0.989): 0.995 and 0.99 pass, 0.989 and the undetected pair do not.
    expect(tarAtFar([0.995, 0.99, 0.989, -Infinity], grid, 1e-2)).toBe(0.5);
    expect(tarAtFar([0.2, 0.1], [0.3, 0.4], 1)).toBe(1);
  });
});

describe('lfwTenFold', () => {
  const pairs = (same: number[], different: number[]): ScoredPair[] => [
    ...same.map((score) => ({ score, same: true })),
    ...different.map((score) => ({ score, same: false })),
  ];

  it('is perfect on separable scores, splitting the gap', () => {
    const r = lfwTenFold(pairs(Array(30).fill(0.8), Array(30).fill(0.2)));
    expect(r.accuracy).toBe(1);
    expect(r.std).toBe(0);
    expect(r.perFold).toEqual(Array(10).fill(1));
    for (const t of r.thresholds) expect(t).toBeCloseTo(0.5, 12);
  });

  it('charges a single held-out error to its own fold only', () => {
    const same = Array.from({ length: 20 }, (_, i) => 0.8 + i / 200);
    const different = Array.from({ length: 20 }, (_, i) => 0.1 + i / 100);
    // Different-pairs 4 and 5 form fold 2 (0-based); make one of them score above every same-pair.
    different[5] = 0.95;
    const r = lfwTenFold(pairs(same, different));
    expect(r.perFold).toEqual([1, 1, 0.75, 1, 1, 1, 1, 1, 1, 1]);
    expect(r.accuracy).toBeCloseTo(0.975, 12);
    // Population SD: sqrt((9·0.025² + 0.225²) / 10) = 0.075.
    expect(r.std).toBeCloseTo(0.075, 12);
    // The outlier costs one training error wherever it sits, so each fold splits its largest normal different-pair
    // from its smallest same-pair: 0.29 | 0.81 for fold 0, 0.29 | 0.8 for fold 2, 0.27 | 0.8 for fold 9.
    expect(r.thresholds[0]).toBeCloseTo(0.55, 12);
    expect(r.thresholds[2]).toBeCloseTo(0.545, 12);
    expect(r.thresholds[9]).toBeCloseTo(0.535, 12);
  });

  it('gives the same folds when sets alternate same/different blocks, as in pairs.txt', () => {
    const same = Array.from({ length: 20 }, (_, i) => 0.5 + (i % 7) / 20);
    const different = Array.from({ length: 20 }, (_, i) => 0.2 + (i % 5) / 10);
    const interleaved: ScoredPair[] = [];
    for (let k = 0; k < 10; k++) {
      interleaved.push(...pairs(same.slice(2 * k, 2 * k + 2), different.slice(2 * k, 2 * k + 2)));
    }
    expect(lfwTenFold(interleaved)).toEqual(lfwTenFold(pairs(same, different)));
  });

  it('counts an undetected same-pair as an error and an undetected different-pair as correct', () => {
    const same = Array(20).fill(0.8);
    const different = Array(20).fill(0.2);
    same[0] = -Infinity;
    different[19] = -Infinity;
    const r = lfwTenFold(pairs(same, different));
    expect(r.perFold[0]).toBe(0.75);
    expect(r.perFold[9]).toBe(1);
  });

  it('needs a pair of each kind in every fold', () => {
    expect(() => lfwTenFold(pairs([0.9, 0.8], [0.1, 0.2]))).toThrow(RangeError);
    expect(() => lfwTenFold(pairs([0.9, 0.8], [0.1, 0.2]), 1)).toThrow(RangeError);
    expect(lfwTenFold(pairs([0.9, 0.8], [0.1, 0.2]), 2).accuracy).toBe(1);
  });
});

describe('percentile', () => {
  it('interpolates linearly between closest ranks (type 7)', () => {
    expect(percentile([4, 1, 3, 2], 0)).toBe(1);
    expect(percentile([4, 1, 3, 2], 25)).toBe(1.75);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([4, 1, 3, 2], 100)).toBe(4);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48, 12);
  });

  it('keeps -Infinity without producing NaN', () => {
    expect(percentile([-Infinity, 1], 50)).toBe(-Infinity);
    expect(percentile([-Infinity, 1], 100)).toBe(1);
  });

  it('rejects p outside [0, 100] and empty input', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([], 50)).toThrow(RangeError);
  });
});
