import { describe, expect, it } from 'vitest';
import type { Box } from '../image/rgb-image.js';
import { intersectionOverUnion, nonMaxSuppression, type Detection } from './ultraface-detector.js';

const box = (x1: number, y1: number, x2: number, y2: number): Box => ({ x1, y1, x2, y2 });
const det = (b: Box, score: number): Detection => ({ box: b, score });

describe('intersectionOverUnion', () => {
  const a = box(0, 0, 10, 10);

  it('is 1 for identical boxes', () => {
    expect(intersectionOverUnion(a, box(0, 0, 10, 10))).toBe(1);
  });

  it('matches hand-computed overlaps', () => {
    // Diagonal shift by 5: intersection 5x5 = 25, union 100 + 100 - 25 = 175.
    expect(intersectionOverUnion(a, box(5, 5, 15, 15))).toBeCloseTo(25 / 175, 12);
    // Horizontal shift by 5: intersection 5x10 = 50, union 150.
    expect(intersectionOverUnion(a, box(5, 0, 15, 10))).toBeCloseTo(1 / 3, 12);
    // A 2x2 box inside: intersection 4, union 100.
    expect(intersectionOverUnion(a, box(2, 2, 4, 4))).toBeCloseTo(0.04, 12);
    // Different sizes, partial overlap: a ∩ [8,12]x[6,16] = 2x4 = 8, union 100 + 40 - 8 = 132.
    expect(intersectionOverUnion(a, box(8, 6, 12, 16))).toBeCloseTo(8 / 132, 12);
  });

  it('is symmetric', () => {
    const b = box(8, 6, 12, 16);
    expect(intersectionOverUnion(b, a)).toBe(intersectionOverUnion(a, b));
  });

  it('is 0 for disjoint boxes and for boxes that only share an edge or a corner', () => {
    expect(intersectionOverUnion(a, box(20, 20, 30, 30))).toBe(0);
    expect(intersectionOverUnion(a, box(20, 0, 30, 10))).toBe(0);
    expect(intersectionOverUnion(a, box(10, 0, 20, 10))).toBe(0);
    expect(intersectionOverUnion(a, box(0, 10, 10, 20))).toBe(0);
    expect(intersectionOverUnion(a, box(10, 10, 20, 20))).toBe(0);
  });
});

describe('nonMaxSuppression', () => {
  it('keeps only the best-scoring box of a heavily overlapping group', () => {
    const best = det(box(1, 0, 11, 10), 0.95);
    const kept = nonMaxSuppression([det(box(0, 0, 10, 10), 0.8), best, det(box(0, 1, 10, 11), 0.7)], 0.4);
    expect(kept).toEqual([best]);
  });

  it('keeps disjoint boxes, ordered by descending score', () => {
    const a = det(box(0, 0, 10, 10), 0.7);
    const b = det(box(100, 100, 120, 120), 0.99);
    const c = det(box(50, 0, 60, 10), 0.85);
    expect(nonMaxSuppression([a, b, c], 0.4)).toEqual([b, c, a]);
  });

  it('keeps a box whose overlap with every kept box is at most the IoU limit', () => {
    const a = det(box(0, 0, 10, 10), 0.9);
    const b = det(box(5, 0, 15, 10), 0.8); // IoU with a = 1/3
    expect(nonMaxSuppression([a, b], 0.4)).toEqual([a, b]);
    expect(nonMaxSuppression([a, b], 1 / 3)).toEqual([a, b]);
    expect(nonMaxSuppression([a, b], 0.3)).toEqual([a]);
  });

  it('compares each box with the kept boxes only (hard NMS, no chained suppression)', () => {
    const a = det(box(0, 0, 10, 10), 0.9);
    const b = det(box(4, 0, 14, 10), 0.8); // IoU(a, b) = 60 / 140 > 0.4: suppressed by a
    const c = det(box(9, 0, 19, 10), 0.7); // IoU(a, c) = 10 / 190, IoU(b, c) = 50 / 150 = 1/3: kept
    expect(nonMaxSuppression([c, b, a], 0.4)).toEqual([a, c]);
  });

  it('returns an empty list for no detections and does not modify its input', () => {
    expect(nonMaxSuppression([], 0.4)).toEqual([]);
    const input = [det(box(0, 0, 10, 10), 0.5), det(box(0, 0, 10, 10), 0.9)];
    const copy = structuredClone(input);
    nonMaxSuppression(input, 0.4);
    expect(input).toEqual(copy);
  });
});
