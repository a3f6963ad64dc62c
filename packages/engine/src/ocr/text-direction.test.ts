import { describe, expect, it } from 'vitest';
import { alignedTo, dominantTextAngle, uprightFrame } from './text-reader.js';

const deg = (d: number) => (d * Math.PI) / 180;
const line = (angle: number, cx = 0, cy = 0) => ({ cx, cy, width: 200, height: 20, angle: deg(angle) });

describe('dominantTextAngle', () => {
  it('is the lines’ direction modulo 180°, ignoring squarish boxes', () => {
    expect(dominantTextAngle([line(5), line(7), { cx: 0, cy: 0, width: 20, height: 22, angle: deg(40) }])).toBeCloseTo(
      6,
      0,
    );
    // A card on its side: the detector reports the lines as tall boxes.
    expect(Math.abs(dominantTextAngle([{ cx: 0, cy: 0, width: 20, height: 200, angle: deg(2) }]))).toBeCloseTo(88, 5);
    expect(dominantTextAngle([])).toBe(0);
  });
});

describe('alignedTo', () => {
  it('re-describes a box along the reading direction, swapping the sides for a quarter turn', () => {
    const r = alignedTo({ cx: 5, cy: 6, width: 20, height: 200, angle: deg(2) }, deg(92));
    expect(r.width).toBe(200);
    expect(r.height).toBe(20);
    expect(r.angle).toBeCloseTo(deg(92), 9);
    const flipped = alignedTo(line(1), deg(181));
    expect(flipped.width).toBe(200);
    expect(flipped.angle).toBeCloseTo(deg(181), 9);
  });
});

describe('uprightFrame', () => {
  it('turns the image back so the lines are level and in reading order', () => {
    // Text running downwards (a card turned 90° clockwise): earlier text is higher up in the image.
    const map = uprightFrame({ width: 100, height: 200 }, deg(90));
    const first = map({ cx: 50, cy: 40, width: 60, height: 10, angle: deg(90) });
    const later = map({ cx: 50, cy: 160, width: 60, height: 10, angle: deg(90) });
    expect(first.angle).toBeCloseTo(0, 9);
    expect(first.cx).toBeLessThan(later.cx);
    expect(first.cy).toBeCloseTo(later.cy, 9);
  });
});
