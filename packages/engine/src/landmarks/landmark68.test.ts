import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Point, RgbImage } from '../image/rgb-image.js';
import { fivePointsFrom68, ibug68Mirror, landmarkCrop } from './landmark68.js';

const image = (width: number, height: number): RgbImage => ({
  width,
  height,
  data: new Uint8Array(width * height * 3),
});

describe('ibug68Mirror', () => {
  it('is a permutation of the 68 indices that is its own inverse', () => {
    expect(ibug68Mirror).toHaveLength(68);
    expect([...ibug68Mirror].sort((a, b) => a - b)).toEqual(Array.from({ length: 68 }, (_, i) => i));
    for (let i = 0; i < 68; i++) expect(ibug68Mirror[ibug68Mirror[i]!]).toBe(i);
  });

  it('swaps the outer eye corners, the mouth corners and the jaw ends', () => {
    expect(ibug68Mirror[36]).toBe(45);
    expect(ibug68Mirror[45]).toBe(36);
    expect(ibug68Mirror[48]).toBe(54);
    expect(ibug68Mirror[54]).toBe(48);
    expect(ibug68Mirror[0]).toBe(16);
    expect(ibug68Mirror[39]).toBe(42);
  });

  it('fixes the points on the vertical mid-line (chin, nose, lip centres)', () => {
    for (const i of [8, 27, 28, 29, 30, 33, 51, 57, 62, 66]) expect(ibug68Mirror[i]).toBe(i);
  });
});

describe('fivePointsFrom68', () => {
  // x = i, y = i²: every point is distinct and the means are easy to compute by hand.
  const points: Point[] = Array.from({ length: 68 }, (_, i) => ({ x: i, y: i * i }));

  it('takes the eye centres from the four eyelid points, the nose tip and the outer/inner lip corners', () => {
    expect(fivePointsFrom68(points)).toEqual([
      { x: (37 + 38 + 40 + 41) / 4, y: (1369 + 1444 + 1600 + 1681) / 4 }, // 39, 1523.5
      { x: (43 + 44 + 46 + 47) / 4, y: (1849 + 1936 + 2116 + 2209) / 4 }, // 45, 2027.5
      { x: 30, y: 900 },
      { x: (48 + 60) / 2, y: (2304 + 3600) / 2 }, // 54, 2952
      { x: (54 + 64) / 2, y: (2916 + 4096) / 2 }, // 59, 3506
    ]);
  });

  it('ignores the eye corners (36, 39, 42, 45)', () => {
    const moved = points.map((p, i) => ([36, 39, 42, 45].includes(i) ? { x: 1000, y: -1000 } : p));
    expect(fivePointsFrom68(moved)).toEqual(fivePointsFrom68(points));
  });
});

describe('landmarkCrop', () => {
  const img = image(200, 100);

  it('is the square of side = box height centred on the box', () => {
    expect(landmarkCrop(img, { x1: 80, y1: 30, x2: 120, y2: 70 })).toEqual({ x: 80, y: 30, width: 40, height: 40 });
    // A wide box: the side follows its height, not its width.
    expect(landmarkCrop(img, { x1: 50, y1: 40, x2: 150, y2: 60 })).toEqual({ x: 90, y: 40, width: 20, height: 20 });
    // A tall box: the square is wider than the box.
    expect(landmarkCrop(img, { x1: 95, y1: 20, x2: 105, y2: 80 })).toEqual({ x: 70, y: 20, width: 60, height: 60 });
  });

  it('is clamped to the image at the left and at the bottom-right', () => {
    // side 80, centre (10, 50): x would start at -30.
    expect(landmarkCrop(img, { x1: 0, y1: 10, x2: 20, y2: 90 })).toEqual({ x: 0, y: 10, width: 50, height: 80 });
    // side 40, centre (190, 80): x would end at 210.
    expect(landmarkCrop(img, { x1: 180, y1: 60, x2: 200, y2: 100 })).toEqual({ x: 170, y: 60, width: 30, height: 40 });
  });

  it('always returns an integer rectangle inside the image', () => {
    const coordinate = (max: number) => fc.double({ min: 0, max, noNaN: true });
    fc.assert(
      fc.property(coordinate(200), coordinate(200), coordinate(100), coordinate(100), (xa, xb, ya, yb) => {
        fc.pre(Math.abs(yb - ya) >= 1 && Math.abs(xb - xa) >= 1);
        const box = { x1: Math.min(xa, xb), x2: Math.max(xa, xb), y1: Math.min(ya, yb), y2: Math.max(ya, yb) };
        const r = landmarkCrop(img, box);
        for (const v of [r.x, r.y, r.width, r.height]) expect(Number.isInteger(v)).toBe(true);
        expect(r.x).toBeGreaterThanOrEqual(0);
        expect(r.y).toBeGreaterThanOrEqual(0);
        expect(r.width).toBeGreaterThanOrEqual(1);
        expect(r.height).toBeGreaterThanOrEqual(1);
        expect(r.x + r.width).toBeLessThanOrEqual(img.width);
        expect(r.y + r.height).toBeLessThanOrEqual(img.height);
      }),
    );
  });
});
