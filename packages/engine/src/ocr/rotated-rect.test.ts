import { describe, expect, it } from 'vitest';
import { convexHull, minAreaRect, nearHorizontal, rectCorners } from './rotated-rect.js';

const deg = (d: number) => (d * Math.PI) / 180;

describe('convexHull', () => {
  it('drops interior and collinear points', () => {
    const hull = convexHull([
      { x: 0, y: 0 },
      { x: 2, y: 0 },
      { x: 4, y: 0 },
      { x: 4, y: 3 },
      { x: 0, y: 3 },
      { x: 1, y: 1 },
      { x: 2, y: 2 },
    ]);
    expect(hull).toHaveLength(4);
    expect(hull).toEqual(
      expect.arrayContaining([
        { x: 0, y: 0 },
        { x: 4, y: 0 },
        { x: 4, y: 3 },
        { x: 0, y: 3 },
      ]),
    );
  });
});

describe('minAreaRect', () => {
  it('recovers a tilted rectangle from its corners and inner points', () => {
    for (const angle of [-30, -10, 0, 7, 25, 44]) {
      const truth = { cx: 50, cy: 40, width: 60, height: 12, angle: deg(angle) };
      const corners = rectCorners(truth);
      const inner = corners.map((p) => ({ x: (p.x + truth.cx) / 2, y: (p.y + truth.cy) / 2 }));
      const r = minAreaRect([...corners, ...inner]);
      expect(r.cx).toBeCloseTo(50, 6);
      expect(r.cy).toBeCloseTo(40, 6);
      expect(r.width).toBeCloseTo(60, 6);
      expect(r.height).toBeCloseTo(12, 6);
      expect(r.angle).toBeCloseTo(deg(angle), 6);
    }
  });

  it('reports the side nearer horizontal as width, even when it is the shorter', () => {
    const r = minAreaRect(rectCorners({ cx: 0, cy: 0, width: 10, height: 80, angle: deg(5) }));
    expect(r.width).toBeCloseTo(10, 6);
    expect(r.height).toBeCloseTo(80, 6);
    expect(r.angle).toBeCloseTo(deg(5), 6);
  });
});

describe('nearHorizontal', () => {
  it('folds any description of a rectangle into [-45°, 45°)', () => {
    const r = nearHorizontal({ cx: 1, cy: 2, width: 30, height: 5, angle: deg(100) });
    expect(r.angle).toBeCloseTo(deg(10), 9);
    expect(r.width).toBe(5);
    expect(r.height).toBe(30);
    const s = nearHorizontal({ cx: 1, cy: 2, width: 30, height: 5, angle: deg(190) });
    expect(s.angle).toBeCloseTo(deg(10), 9);
    expect(s.width).toBe(30);
  });
});
