import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RgbImage } from '../image/rgb-image.js';
import { applyAffine, invertAffine, type Affine } from './similarity-transform.js';
import { flipHorizontal, warpAffine } from './warp-affine.js';

const identity: Affine = { a: 1, b: 0, tx: 0, c: 0, d: 1, ty: 0 };
const translate = (tx: number, ty: number): Affine => ({ a: 1, b: 0, tx, c: 0, d: 1, ty });

function image(width: number, height: number, pixel: (x: number, y: number, k: number) => number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 3; k++) data[(y * width + x) * 3 + k] = pixel(x, y, k);
    }
  }
  return { width, height, data };
}

const at = (img: RgbImage, x: number, y: number): number[] => {
  const i = (y * img.width + x) * 3;
  return Array.from(img.data.subarray(i, i + 3));
};

// Deterministic, position-dependent bytes so that misplaced pixels show up.
const pattern = (w: number, h: number): RgbImage => image(w, h, (x, y, k) => (x * 37 + y * 101 + k * 59 + 13) % 256);

describe('warpAffine', () => {
  it('returns the same pixels under the identity', () => {
    const src = pattern(17, 11);
    const out = warpAffine(src, identity, 17, 11);
    expect(out.width).toBe(17);
    expect(out.height).toBe(11);
    expect(out.data).toEqual(src.data);
    expect(out.data).not.toBe(src.data);
  });

  it('shifts by an integer translation and fills the uncovered area with black', () => {
    const src = pattern(20, 12);
    const out = warpAffine(src, translate(5, 3), 20, 12);
    for (let y = 0; y < 12; y++) {
      for (let x = 0; x < 20; x++) {
        expect(at(out, x, y)).toEqual(x < 5 || y < 3 ? [0, 0, 0] : at(src, x - 5, y - 3));
      }
    }
  });

  it('crops with a negative translation', () => {
    const src = pattern(10, 10);
    const out = warpAffine(src, translate(-4, -6), 3, 2);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) expect(at(out, x, y)).toEqual(at(src, x + 4, y + 6));
  });

  it('interpolates the midpoint of two pixels', () => {
    // 2x1 source [0, 200]; shifting by -0.5 makes destination x = 0 sample source x = 0.5.
    const src: RgbImage = { width: 2, height: 1, data: Uint8Array.from([0, 10, 255, 200, 30, 0]) };
    const out = warpAffine(src, translate(-0.5, 0), 1, 1);
    expect(Array.from(out.data)).toEqual([100, 20, 128]); // 127.5 rounds up
  });

  it('interpolates bilinearly in both directions', () => {
    // Sampling (0.25, 0.75) of [[0, 100], [200, 40]]: 0.1875·0 + 0.0625·100 + 0.5625·200 + 0.1875·40 = 126.25.
    const src = image(2, 2, (x, y) => [0, 100, 200, 40][y * 2 + x] as number);
    const out = warpAffine(src, translate(-0.25, -0.75), 1, 1);
    expect(Array.from(out.data)).toEqual([126, 126, 126]);
  });

  it('maps integer destination coordinates straight through the inverse (OpenCV convention, no half-pixel shift)', () => {
    // Upscaling by 2: destination x = 2 samples source x = 1 exactly, destination x = 1 samples x = 0.5.
    // A pixel-area (+0.5) convention would instead sample x = 0.75 and x = 0.25.
    const src: RgbImage = { width: 3, height: 1, data: Uint8Array.from([0, 0, 0, 100, 100, 100, 200, 200, 200]) };
    const out = warpAffine(src, { a: 2, b: 0, tx: 0, c: 0, d: 2, ty: 0 }, 5, 1);
    expect([0, 1, 2, 3, 4].map((x) => at(out, x, 0)[0])).toEqual([0, 50, 100, 150, 200]);
  });

  it('treats neighbours outside the source as black, like a constant zero border', () => {
    const src = image(2, 2, () => 200);
    // x = -0.5 is half black; x = 1 (the last column, exactly) is untouched; x = 1.25 is a quarter black.
    expect(Array.from(warpAffine(src, translate(0.5, 0), 1, 1).data)).toEqual([100, 100, 100]);
    expect(Array.from(warpAffine(src, translate(-1, -1), 1, 1).data)).toEqual([200, 200, 200]);
    expect(Array.from(warpAffine(src, translate(-1.25, 0), 1, 1).data)).toEqual([150, 150, 150]);
    expect(Array.from(warpAffine(src, translate(-2, 0), 1, 1).data)).toEqual([0, 0, 0]);
    expect(Array.from(warpAffine(src, translate(1, 0), 1, 1).data)).toEqual([0, 0, 0]);
  });

  it('blends partially covered corners and edges with black using only the in-range neighbours', () => {
    // Source [[40, 80], [120, 160]]; each sample below has two or one neighbours inside, each weighted 0.25.
    const src = image(2, 2, (x, y) => [40, 80, 120, 160][y * 2 + x] as number);
    const sample = (x: number, y: number): number => warpAffine(src, translate(-x, -y), 1, 1).data[0] as number;
    expect(sample(-0.5, 0.5)).toBe(40); // 0.25·40 + 0.25·120
    expect(sample(0.5, 1.5)).toBe(70); // 0.25·120 + 0.25·160
    expect(sample(1.5, 0.5)).toBe(60); // 0.25·80 + 0.25·160
    expect(sample(0.5, -0.5)).toBe(30); // 0.25·40 + 0.25·80
    expect(sample(1.5, -0.5)).toBe(20); // 0.25·80
    expect(sample(-0.5, 1.5)).toBe(30); // 0.25·120
  });

  it('rotates by 90° with pixels landing where the hand-computed mapping says', () => {
    // toDst (x, y) -> (1 - y, x) turns a 3x2 source into a 2x3 image: source (x, y) lands at (1 - y, x).
    const src = pattern(3, 2);
    const out = warpAffine(src, { a: 0, b: -1, tx: 1, c: 1, d: 0, ty: 0 }, 2, 3);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) expect(at(out, 1 - y, x)).toEqual(at(src, x, y));
  });

  it('reproduces a linear ramp exactly under arbitrary similarities (bilinear is exact on linear images)', () => {
    // R = x, G = y; after warping, each fully interior destination pixel must hold its source coordinates, rounded.
    const src = image(64, 48, (x, y, k) => (k === 0 ? x : k === 1 ? y : 77));
    fc.assert(
      fc.property(
        fc.double({ min: 0.3, max: 3, noNaN: true }),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        fc.double({ min: -40, max: 40, noNaN: true }),
        fc.double({ min: -40, max: 40, noNaN: true }),
        (scale, theta, tx, ty) => {
          const a = scale * Math.cos(theta);
          const c = scale * Math.sin(theta);
          const toDst: Affine = { a, b: -c, tx, c, d: a, ty };
          const inv = invertAffine(toDst);
          const out = warpAffine(src, toDst, 40, 30);
          let worst = 0;
          const wrong: string[] = [];
          for (let y = 0; y < 30; y++) {
            for (let x = 0; x < 40; x++) {
              const p = applyAffine(inv, { x, y });
              const [r, g, b] = at(out, x, y) as [number, number, number];
              if (p.x >= 0 && p.x <= 63 && p.y >= 0 && p.y <= 47) {
                worst = Math.max(worst, Math.abs(r - p.x), Math.abs(g - p.y));
                if (b !== 77) wrong.push(`(${x},${y}) blue ${b}`);
              } else if ((p.x <= -1 || p.x >= 64 || p.y <= -1 || p.y >= 48) && r + g + b !== 0) {
                wrong.push(`(${x},${y}) outside but ${r},${g},${b}`);
              }
            }
          }
          expect(worst).toBeLessThanOrEqual(0.5 + 1e-9);
          expect(wrong).toEqual([]);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects a singular transform, bad output sizes and malformed sources', () => {
    const src = pattern(4, 4);
    expect(() => warpAffine(src, { a: 0, b: 0, tx: 0, c: 0, d: 0, ty: 0 }, 4, 4)).toThrow(RangeError);
    expect(() => warpAffine(src, identity, 0, 4)).toThrow(RangeError);
    expect(() => warpAffine(src, identity, 4, 2.5)).toThrow(RangeError);
    expect(() => warpAffine({ width: 4, height: 4, data: new Uint8Array(47) }, identity, 4, 4)).toThrow(RangeError);
  });
});

describe('flipHorizontal', () => {
  it('mirrors each row', () => {
    const src: RgbImage = {
      width: 3,
      height: 2,
      data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]),
    };
    expect(Array.from(flipHorizontal(src).data)).toEqual([
      7, 8, 9, 4, 5, 6, 1, 2, 3, 16, 17, 18, 13, 14, 15, 10, 11, 12,
    ]);
  });

  it('is its own inverse and leaves the input untouched', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), fc.integer(), (w, h, seed) => {
        const src = image(w, h, (x, y, k) => (x * 31 + y * 17 + k * 7 + seed) & 255);
        const copy = src.data.slice();
        const flipped = flipHorizontal(src);
        expect(flipped.width).toBe(w);
        expect(flipped.height).toBe(h);
        expect(flipHorizontal(flipped).data).toEqual(src.data);
        expect(src.data).toEqual(copy);
      }),
    );
  });

  it('agrees with warpAffine under the mirror map x -> width - 1 - x', () => {
    const src = pattern(9, 5);
    const mirror: Affine = { a: -1, b: 0, tx: 8, c: 0, d: 1, ty: 0 };
    expect(warpAffine(src, mirror, 9, 5).data).toEqual(flipHorizontal(src).data);
  });
});
