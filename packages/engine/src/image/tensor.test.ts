import { describe, expect, it } from 'vitest';
import type { RgbImage } from './rgb-image.js';
import { toGreyPlane, toPlanar } from './tensor.js';

// 1x2: pixel 0 = (10, 20, 30), pixel 1 = (40, 50, 60).
const img: RgbImage = { width: 2, height: 1, data: Uint8Array.from([10, 20, 30, 40, 50, 60]) };

describe('toPlanar', () => {
  it('writes R, G, B planes with (p - mean) / scale in RGB order', () => {
    const out = toPlanar(img, 'rgb', 5, 2);
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual([2.5, 17.5, 7.5, 22.5, 12.5, 27.5]);
  });

  it('puts the blue plane first in BGR order', () => {
    expect(Array.from(toPlanar(img, 'bgr', 5, 2))).toEqual([12.5, 27.5, 7.5, 22.5, 2.5, 17.5]);
  });

  it('passes raw values through with mean 0, scale 1 and centres with the UltraFace normalisation', () => {
    expect(Array.from(toPlanar(img, 'bgr', 0, 1))).toEqual([30, 60, 20, 50, 10, 40]);
    const ultraface = Array.from(toPlanar(img, 'rgb', 127, 128));
    const expected = [10, 40, 20, 50, 30, 60].map((p) => (p - 127) / 128);
    ultraface.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
  });
});

describe('toGreyPlane', () => {
  it('weights R, G, B by 0.299, 0.587, 0.114 and divides by the scale', () => {
    const primaries: RgbImage = { width: 3, height: 1, data: Uint8Array.from([100, 0, 0, 0, 100, 0, 0, 0, 100]) };
    const grey = toGreyPlane(primaries, 100);
    expect(grey).toHaveLength(3);
    expect(grey[0]).toBeCloseTo(0.299, 6);
    expect(grey[1]).toBeCloseTo(0.587, 6);
    expect(grey[2]).toBeCloseTo(0.114, 6);
  });

  it('computes the luma of mixed pixels', () => {
    const grey = toGreyPlane(img, 256);
    expect(grey).toHaveLength(2);
    expect(grey[0]).toBeCloseTo((0.299 * 10 + 0.587 * 20 + 0.114 * 30) / 256, 6); // 18.15 / 256
    expect(grey[1]).toBeCloseTo((0.299 * 40 + 0.587 * 50 + 0.114 * 60) / 256, 6); // 48.15 / 256
  });
});
