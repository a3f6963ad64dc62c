import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../image/rgb-image.js';
import { mulberry32 } from '../testing/seeded-random.js';
import {
  areaResize,
  lbpHistogram,
  powerSpectrum,
  spectrumFeatures,
  textureFeatures,
  textureLength,
} from './texture-features.js';

const image = (width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): RgbImage => {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  return { width, height, data };
};

describe('areaResize', () => {
  it('averages the source pixels under each output pixel', () => {
    // A 4x4 checkerboard of 0 and 200 halves to 2x2 grey 100.
    const img = image(4, 4, (x, y) => ((x + y) % 2 ? [200, 200, 200] : [0, 0, 0]));
    expect(Array.from(areaResize(img, { x: 0, y: 0, width: 4, height: 4 }, 2))).toEqual(new Array(12).fill(100));
  });
});

describe('lbpHistogram', () => {
  it('puts a flat plane in one uniform bin and is square-root normalised', () => {
    const h = lbpHistogram(new Float64Array(16 * 16).fill(7), 16);
    expect(Array.from(h.filter((v) => v > 0))).toEqual([1]);
    expect(h.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 12);
  });

  it('tells fine noise from a smooth ramp (noise fills the non-uniform bin)', () => {
    const random = mulberry32(3);
    const noise = Float64Array.from({ length: 32 * 32 }, () => Math.floor(random() * 256));
    const ramp = Float64Array.from({ length: 32 * 32 }, (_, i) => i % 32);
    expect(lbpHistogram(noise, 32)[58]!).toBeGreaterThan(0.5);
    expect(lbpHistogram(ramp, 32)[58]!).toBe(0);
  });
});

describe('spectrum features', () => {
  it('puts a sinusoid near Nyquist in the top band, with a high peak-to-median ratio', () => {
    const n = 64;
    const stripes = Float64Array.from(
      { length: n * n },
      (_, i) => 128 + 60 * Math.cos((2 * Math.PI * 30 * (i % n)) / n),
    );
    const f = spectrumFeatures(powerSpectrum(stripes, n), n, 8);
    const shares = Array.from(f.subarray(0, 8));
    expect(shares.indexOf(Math.max(...shares))).toBe(7);
    expect(f[8]!).toBeGreaterThan(5);
  });

  it('puts a slow gradient in the lowest band', () => {
    const n = 64;
    const slow = Float64Array.from({ length: n * n }, (_, i) => 100 + 50 * Math.sin((2 * Math.PI * (i % n)) / n));
    const shares = Array.from(spectrumFeatures(powerSpectrum(slow, n), n, 8).subarray(0, 8));
    expect(shares.indexOf(Math.max(...shares))).toBe(0);
  });
});

describe('textureFeatures', () => {
  it('gives the specified number of finite values, the same every time', () => {
    const random = mulberry32(11);
    const img = image(160, 120, () => [random() * 255, random() * 255, random() * 255]);
    const box = { x1: 40, y1: 20, x2: 120, y2: 100 };
    const a = textureFeatures(img, box);
    expect(a).toHaveLength(textureLength);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(textureFeatures(img, box)).toEqual(a);
    // Without the frequency block: the same other blocks, and 9 zeros where it would be.
    const noFreq = textureFeatures(img, box, false);
    expect(Array.from(noFreq.subarray(0, textureLength - 9))).toEqual(Array.from(a.subarray(0, textureLength - 9)));
    expect(Array.from(noFreq.subarray(textureLength - 9))).toEqual(new Array(9).fill(0));
  });

  it('reads colour: a bluer face has a higher Cb mean', () => {
    const box = { x1: 20, y1: 20, x2: 80, y2: 80 };
    const warm = textureFeatures(
      image(100, 100, () => [200, 150, 120]),
      box,
    );
    const cool = textureFeatures(
      image(100, 100, () => [150, 150, 200]),
      box,
    );
    const cbMean = 3 * 59 + 2; // colour block: Y mean, Y sd, Cb mean, …
    expect(cool[cbMean]!).toBeGreaterThan(warm[cbMean]!);
  });
});
