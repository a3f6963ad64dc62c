import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Point } from '../image/rgb-image.js';
import {
  applyAffine,
  arcface112Template,
  estimateSimilarity,
  invertAffine,
  type Affine,
} from './similarity-transform.js';

const pts = (...xy: [number, number][]): Point[] => xy.map(([x, y]) => ({ x, y }));

function expectAffine(m: Affine, want: Affine, digits = 10): void {
  expect(m.a).toBeCloseTo(want.a, digits);
  expect(m.b).toBeCloseTo(want.b, digits);
  expect(m.tx).toBeCloseTo(want.tx, digits);
  expect(m.c).toBeCloseTo(want.c, digits);
  expect(m.d).toBeCloseTo(want.d, digits);
  expect(m.ty).toBeCloseTo(want.ty, digits);
}

const residual = (m: Affine, src: readonly Point[], dst: readonly Point[]): number =>
  src.reduce((sum, p, i) => {
    const q = applyAffine(m, p);
    const t = dst[i] as Point;
    return sum + (q.x - t.x) ** 2 + (q.y - t.y) ** 2;
  }, 0);

const similarity = (scale: number, theta: number, tx: number, ty: number): Affine => {
  const a = scale * Math.cos(theta);
  const c = scale * Math.sin(theta);
  return { a, b: -c, tx, c, d: a, ty };
};

const square = pts([0, 0], [1, 0], [1, 1], [0, 1]);
const identity: Affine = { a: 1, b: 0, tx: 0, c: 0, d: 1, ty: 0 };

describe('estimateSimilarity', () => {
  it('returns the identity when source and destination agree', () => {
    expectAffine(estimateSimilarity(arcface112Template, arcface112Template), identity);
  });

  it('recovers a pure translation', () => {
    const dst = pts([7, -2], [8, -2], [8, -1], [7, -1]);
    expectAffine(estimateSimilarity(square, dst), { a: 1, b: 0, tx: 7, c: 0, d: 1, ty: -2 });
  });

  it('recovers a scale of 2 about the origin', () => {
    const dst = pts([0, 0], [2, 0], [2, 2], [0, 2]);
    expectAffine(estimateSimilarity(square, dst), { a: 2, b: 0, tx: 0, c: 0, d: 2, ty: 0 });
  });

  it('recovers a 90° counter-clockwise rotation about the origin', () => {
    // (x, y) -> (-y, x): cos = 0, sin = 1, so a = d = 0, b = -1, c = 1.
    const dst = pts([0, 0], [0, 1], [-1, 1], [-1, 0]);
    expectAffine(estimateSimilarity(square, dst), { a: 0, b: -1, tx: 0, c: 1, d: 0, ty: 0 });
  });

  it('recovers a 90° rotation about the square centre as rotation plus translation', () => {
    // Rotating about (0.5, 0.5): (x, y) -> (1 - y, x).
    const dst = pts([1, 0], [1, 1], [0, 1], [0, 0]);
    expectAffine(estimateSimilarity(square, dst), { a: 0, b: -1, tx: 1, c: 1, d: 0, ty: 0 });
  });

  it('recovers scale 1.5, rotation 30° and translation (10, -4) from five points', () => {
    // 1.5·cos 30° = 0.75·√3, 1.5·sin 30° = 0.75; e.g. (2, 0) -> (10 + 1.5·√3, -2.5).
    const k = 0.75 * Math.sqrt(3);
    const src = pts([2, 0], [0, 0], [-3, 5], [4, 4], [1, -6]);
    const dst = src.map(({ x, y }) => ({ x: k * x - 0.75 * y + 10, y: 0.75 * x + k * y - 4 }));
    expect(dst[0]?.x).toBeCloseTo(10 + 1.5 * Math.sqrt(3), 12);
    expect(dst[0]?.y).toBeCloseTo(-2.5, 12);

    const m = estimateSimilarity(src, dst);
    expectAffine(m, { a: k, b: -0.75, tx: 10, c: 0.75, d: k, ty: -4 });
    expect(Math.hypot(m.a, m.c)).toBeCloseTo(1.5, 12);
    expect(Math.atan2(m.c, m.a)).toBeCloseTo(Math.PI / 6, 12);
  });

  it('fits a mirrored configuration with a proper rotation, never a reflection', () => {
    // dst is src reflected in the x axis. Centred sums by hand: Σ(x̃u + ỹv) = 10, Σ(x̃v − ỹu) = 8/3,
    // Σ(x̃² + ỹ²) = 34/3, so a = d = 15/17, c = −b = 4/17; t = mean(dst) − z·mean(src) = (4/17, −16/17).
    const src = pts([0, 0], [4, 0], [0, 1]);
    const dst = pts([0, 0], [4, 0], [0, -1]);
    const m = estimateSimilarity(src, dst);
    expectAffine(m, { a: 15 / 17, b: -4 / 17, tx: 4 / 17, c: 4 / 17, d: 15 / 17, ty: -16 / 17 });
    expect(m.a * m.d - m.b * m.c).toBeCloseTo(241 / 289, 12);
  });

  it('collapses a perfectly mirror-symmetric square to its centroid instead of reflecting it', () => {
    const src = pts([1, 1], [-1, 1], [-1, -1], [1, -1]);
    const dst = src.map(({ x, y }) => ({ x: -x + 3, y: y + 2 }));
    expectAffine(estimateSimilarity(src, dst), { a: 0, b: 0, tx: 3, c: 0, d: 0, ty: 2 });
  });

  it('never has a negative determinant for arbitrary non-degenerate configurations', () => {
    const point = fc.record({
      x: fc.double({ min: -100, max: 100, noNaN: true }),
      y: fc.double({ min: -100, max: 100, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(point, point), { minLength: 3, maxLength: 8 }), (pairs) => {
        const src = pairs.map(([p]) => p);
        const dst = pairs.map(([, q]) => q);
        fc.pre(src.some((p) => Math.hypot(p.x - src[0]!.x, p.y - src[0]!.y) > 1e-3));
        const m = estimateSimilarity(src, dst);
        expect(m.a * m.d - m.b * m.c).toBeGreaterThanOrEqual(0);
        expect(m.a).toBe(m.d);
        expect(m.b).toBe(-m.c);
      }),
    );
  });

  it('maps the two points exactly when given only two', () => {
    const src = pts([1, 2], [4, 6]);
    const dst = pts([-3, 0], [7, 1]);
    const m = estimateSimilarity(src, dst);
    for (let i = 0; i < 2; i++) {
      const q = applyAffine(m, src[i]!);
      expect(q.x).toBeCloseTo(dst[i]!.x, 10);
      expect(q.y).toBeCloseTo(dst[i]!.y, 10);
    }
  });

  const arbSimilarity = fc
    .record({
      scale: fc.double({ min: 0.05, max: 20, noNaN: true }),
      theta: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
      tx: fc.double({ min: -500, max: 500, noNaN: true }),
      ty: fc.double({ min: -500, max: 500, noNaN: true }),
    })
    .map(({ scale, theta, tx, ty }) => similarity(scale, theta, tx, ty));
  const arbPoints = fc
    .array(
      fc.record({
        x: fc.double({ min: -200, max: 200, noNaN: true }),
        y: fc.double({ min: -200, max: 200, noNaN: true }),
      }),
      { minLength: 2, maxLength: 10 },
    )
    .filter((ps) => ps.some((p) => Math.hypot(p.x - ps[0]!.x, p.y - ps[0]!.y) > 1));

  it('recovers random similarity transforms from exact correspondences to 1e-6', () => {
    fc.assert(
      fc.property(arbSimilarity, arbPoints, (t, src) => {
        const m = estimateSimilarity(
          src,
          src.map((p) => applyAffine(t, p)),
        );
        for (const key of ['a', 'b', 'tx', 'c', 'd', 'ty'] as const) {
          expect(Math.abs(m[key] - t[key])).toBeLessThan(1e-6);
        }
      }),
    );
  });

  it('with noisy correspondences fits no worse than the true transform or any nearby similarity', () => {
    const noise = fc.double({ min: -2, max: 2, noNaN: true });
    fc.assert(
      fc.property(
        arbSimilarity,
        arbPoints,
        fc.infiniteStream(fc.tuple(noise, noise)),
        fc.tuple(noise, noise, noise, noise),
        (t, src, noiseStream, [da, dc, dtx, dty]) => {
          const it = noiseStream[Symbol.iterator]();
          const dst = src.map((p) => {
            const q = applyAffine(t, p);
            const [nx, ny] = it.next().value as [number, number];
            return { x: q.x + nx, y: q.y + ny };
          });
          const m = estimateSimilarity(src, dst);
          const best = residual(m, src, dst);
          const tol = 1e-9 * (1 + best);
          expect(best).toBeLessThanOrEqual(residual(t, src, dst) + tol);
          const eps = 1e-3;
          const nearby: Affine = {
            a: m.a + eps * da,
            b: -(m.c + eps * dc),
            tx: m.tx + eps * dtx,
            c: m.c + eps * dc,
            d: m.a + eps * da,
            ty: m.ty + eps * dty,
          };
          expect(best).toBeLessThanOrEqual(residual(nearby, src, dst) + tol);
        },
      ),
    );
  });

  it('rejects too few points, mismatched lengths, coincident sources and non-finite input', () => {
    expect(() => estimateSimilarity(pts([1, 1]), pts([2, 2]))).toThrow(RangeError);
    expect(() => estimateSimilarity([], [])).toThrow(RangeError);
    expect(() => estimateSimilarity(square, square.slice(0, 3))).toThrow(RangeError);
    expect(() => estimateSimilarity(pts([3, 4], [3, 4], [3, 4]), pts([0, 0], [1, 0], [0, 1]))).toThrow(RangeError);
    expect(() => estimateSimilarity(pts([0, 0], [Number.NaN, 1]), pts([0, 0], [1, 1]))).toThrow(RangeError);
    expect(() => estimateSimilarity(pts([0, 0], [1, 1]), pts([0, 0], [Infinity, 1]))).toThrow(RangeError);
  });
});

describe('invertAffine / applyAffine', () => {
  it('applies the documented convention', () => {
    const m: Affine = { a: 1, b: 2, tx: 3, c: 4, d: 5, ty: 6 };
    expect(applyAffine(m, { x: 10, y: 100 })).toEqual({ x: 1 * 10 + 2 * 100 + 3, y: 4 * 10 + 5 * 100 + 6 });
  });

  it('inverts a hand-computed general affine', () => {
    // [[2, 1], [1, 1]] has det 1 and inverse [[1, -1], [-1, 2]]; t' = -inverse·(3, -5) = (-8, 13).
    const m: Affine = { a: 2, b: 1, tx: 3, c: 1, d: 1, ty: -5 };
    expectAffine(invertAffine(m), { a: 1, b: -1, tx: -8, c: -1, d: 2, ty: 13 });
  });

  it('invert∘apply is the identity', () => {
    const coord = fc.double({ min: -1000, max: 1000, noNaN: true });
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        coord,
        coord,
        coord,
        coord,
        (scale, theta, tx, ty, x, y) => {
          const m = similarity(scale, theta, tx, ty);
          const inv = invertAffine(m);
          const back = applyAffine(inv, applyAffine(m, { x, y }));
          expect(back.x).toBeCloseTo(x, 6);
          expect(back.y).toBeCloseTo(y, 6);
          const forward = applyAffine(m, applyAffine(inv, { x, y }));
          expect(forward.x).toBeCloseTo(x, 6);
          expect(forward.y).toBeCloseTo(y, 6);
        },
      ),
    );
  });

  it('rejects singular matrices', () => {
    expect(() => invertAffine({ a: 1, b: 2, tx: 0, c: 2, d: 4, ty: 0 })).toThrow(RangeError);
    expect(() => invertAffine({ a: 0, b: 0, tx: 1, c: 0, d: 0, ty: 1 })).toThrow(RangeError);
  });
});

describe('arcface112Template', () => {
  it('holds the five ArcFace reference points in order', () => {
    expect(arcface112Template).toEqual(
      pts([38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]),
    );
    const [le, re, nose, lm, rm] = arcface112Template as [Point, Point, Point, Point, Point];
    expect(le.x).toBeLessThan(re.x);
    expect(lm.x).toBeLessThan(rm.x);
    expect(nose.y).toBeGreaterThan(le.y);
    expect(lm.y).toBeGreaterThan(nose.y);
    expect(Object.isFrozen(arcface112Template)).toBe(true);
  });
});
