import { describe, expect, it } from 'vitest';
import { faceRegionMeanRgb } from './face-color.js';

/** A 40x40 image: background (0, 0, 0), a face box at 10..30 whose central half (15..25) is `inner`, the rest `outer`. */
function image(inner: [number, number, number], outer: [number, number, number]) {
  const width = 40;
  const height = 40;
  const data = new Uint8Array(width * height * 3);
  for (let y = 10; y < 30; y++) {
    for (let x = 10; x < 30; x++) {
      const c = x >= 15 && x < 25 && y >= 15 && y < 25 ? inner : outer;
      data.set(c, (y * width + x) * 3);
    }
  }
  return { width, height, data };
}

describe('faceRegionMeanRgb', () => {
  it('averages only the central half of the face box', () => {
    const box = { x1: 10, y1: 10, x2: 30, y2: 30 };
    expect(faceRegionMeanRgb(image([200, 150, 120], [10, 20, 30]), box)).toEqual([200, 150, 120]);
  });

  it('stays inside the image for a box that overhangs it', () => {
    const rgb = faceRegionMeanRgb(image([200, 150, 120], [10, 20, 30]), { x1: -100, y1: -100, x2: 200, y2: 200 });
    expect(rgb.every((v) => Number.isFinite(v) && v >= 0 && v <= 255)).toBe(true);
  });
});
