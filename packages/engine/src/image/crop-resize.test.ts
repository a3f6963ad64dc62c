import { describe, expect, it } from 'vitest';
import { cropResize } from './crop-resize.js';
import type { RgbImage } from './rgb-image.js';

/** An image whose pixel (x, y) is `f(x, y)`. */
function makeImage(width: number, height: number, f: (x: number, y: number) => [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(f(x, y), (y * width + x) * 3);
  return { width, height, data };
}

const pixel = (img: RgbImage, x: number, y: number): number[] =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

describe('cropResize', () => {
  it('is the identity for the whole image at its own size', () => {
    const img = makeImage(5, 3, (x, y) => [x * 50, y * 100, (x * 37 + y * 91) % 256]);
    const out = cropResize(img, { x: 0, y: 0, width: 5, height: 3 }, 5, 3);
    expect(out.width).toBe(5);
    expect(out.height).toBe(3);
    expect(Array.from(out.data)).toEqual(Array.from(img.data));
  });

  it('halves a 4x4 image into the averages of its 2x2 blocks (half-pixel centres)', () => {
    // Per channel, rows of values; each 2x2 block has an integer mean.
    const red = [
      [0, 4, 100, 120],
      [8, 12, 140, 160],
      [200, 202, 10, 30],
      [204, 206, 50, 70],
    ];
    const img = makeImage(4, 4, (x, y) => {
      const r = red[y]![x]!;
      return [r, 255 - r, (x + 4 * y) * 10];
    });
    const out = cropResize(img, { x: 0, y: 0, width: 4, height: 4 }, 2, 2);
    expect(out.width).toBe(2);
    expect(out.height).toBe(2);
    // Blue: the top-left block holds 0, 10, 40, 50 → 25; top-right 20, 30, 60, 70 → 45; and so on.
    expect(pixel(out, 0, 0)).toEqual([6, 249, 25]);
    expect(pixel(out, 1, 0)).toEqual([130, 125, 45]);
    expect(pixel(out, 0, 1)).toEqual([203, 52, 105]);
    expect(pixel(out, 1, 1)).toEqual([40, 215, 125]);
  });

  it('reads a crop at an offset: the 2x2 block at (1, 1) scaled 1:1 is copied', () => {
    const img = makeImage(4, 4, (x, y) => [x * 10, y * 10, 7]);
    const out = cropResize(img, { x: 1, y: 1, width: 2, height: 2 }, 2, 2);
    expect(Array.from(out.data)).toEqual([10, 10, 7, 20, 10, 7, 10, 20, 7, 20, 20, 7]);
  });

  it('is black for a region entirely outside the image', () => {
    const white = makeImage(4, 4, () => [255, 255, 255]);
    for (const rect of [
      { x: 10, y: 0, width: 4, height: 4 },
      { x: -14, y: 0, width: 4, height: 4 },
      { x: 0, y: 10, width: 4, height: 4 },
      { x: 0, y: -14, width: 4, height: 4 },
    ]) {
      const out = cropResize(white, rect, 4, 4);
      expect(out.data.every((v) => v === 0)).toBe(true);
    }
  });

  it('is black around the image when the rect extends past it, and keeps the image inside', () => {
    const white = makeImage(4, 4, () => [255, 255, 255]);
    // Scale 1: output pixel (ox, oy) is the image pixel (ox - 8, oy - 8).
    const out = cropResize(white, { x: -8, y: -8, width: 20, height: 20 }, 20, 20);
    for (let oy = 0; oy < 20; oy++) {
      for (let ox = 0; ox < 20; ox++) {
        const x = ox - 8;
        const y = oy - 8;
        const inside = x >= 0 && x < 4 && y >= 0 && y < 4;
        // A sample centred a whole pixel or more outside the image is black, including the ring next to the edge.
        expect(pixel(out, ox, oy)).toEqual(inside ? [255, 255, 255] : [0, 0, 0]);
      }
    }
  });
});
