import type { RgbImage } from '../image/rgb-image.js';
import { invertAffine, type Affine } from './similarity-transform.js';

function checkImage(img: RgbImage, fn: string): void {
  const { width, height, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new RangeError(`${fn}: invalid image size ${width}x${height}`);
  }
  if (data.length !== width * height * 3) {
    throw new RangeError(`${fn}: expected ${width * height * 3} bytes for ${width}x${height} RGB, got ${data.length}`);
  }
}

/**
 * Resamples `src` into a `width` x `height` image: destination pixel (x, y) takes the bilinear sample of `src` at
 * invertAffine(toDst)(x, y). Integer coordinates are pixel centres with no half-pixel shift, matching OpenCV's
 * warpAffine, which is the convention the ArcFace template was built with. As with OpenCV's constant border,
 * neighbours outside the source count as black, so samples within a pixel of the edge fade towards black.
 */
export function warpAffine(src: RgbImage, toDst: Affine, width: number, height: number): RgbImage {
  checkImage(src, 'warpAffine');
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`warpAffine: invalid output size ${width}x${height}`);
  }
  const inv = invertAffine(toDst);
  const { a, b, tx, c, d, ty } = inv;
  const sw = src.width;
  const sh = src.height;
  const s = src.data;
  const stride = sw * 3;
  // Stores below write `v + 0.5` straight into the Uint8Array: its conversion truncates, which rounds to nearest
  // because v is a convex combination of bytes and so lies in [0, 255].
  const out = new Uint8Array(width * height * 3);

  let o = 0;
  for (let y = 0; y < height; y++) {
    const rowX = b * y + tx;
    const rowY = d * y + ty;
    for (let x = 0; x < width; x++, o += 3) {
      const fx = a * x + rowX;
      const fy = c * x + rowY;
      // Also rejects NaN. Anything at or beyond one pixel outside has all four neighbours outside.
      if (!(fx > -1 && fx < sw && fy > -1 && fy < sh)) continue;

      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const wx = fx - x0;
      const wy = fy - y0;
      const w00 = (1 - wx) * (1 - wy);
      const w01 = wx * (1 - wy);
      const w10 = (1 - wx) * wy;
      const w11 = wx * wy;
      const i00 = y0 * stride + x0 * 3;

      if (x0 >= 0 && y0 >= 0 && x0 + 1 < sw && y0 + 1 < sh) {
        const i10 = i00 + stride;
        for (let k = 0; k < 3; k++) {
          const v =
            w00 * (s[i00 + k] as number) +
            w01 * (s[i00 + 3 + k] as number) +
            w10 * (s[i10 + k] as number) +
            w11 * (s[i10 + 3 + k] as number);
          out[o + k] = v + 0.5;
        }
        continue;
      }

      const inX0 = x0 >= 0;
      const inX1 = x0 + 1 < sw;
      const inY0 = y0 >= 0;
      const inY1 = y0 + 1 < sh;
      for (let k = 0; k < 3; k++) {
        let v = 0;
        if (inY0) {
          if (inX0) v += w00 * (s[i00 + k] as number);
          if (inX1) v += w01 * (s[i00 + 3 + k] as number);
        }
        if (inY1) {
          if (inX0) v += w10 * (s[i00 + stride + k] as number);
          if (inX1) v += w11 * (s[i00 + stride + 3 + k] as number);
        }
        out[o + k] = v + 0.5;
      }
    }
  }
  return { width, height, data: out };
}

export function flipHorizontal(img: RgbImage): RgbImage {
  checkImage(img, 'flipHorizontal');
  const { width, height, data } = img;
  const out = new Uint8Array(data.length);
  const stride = width * 3;
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    for (let x = 0, m = row + stride - 3; x < width; x++, m -= 3) {
      const i = row + x * 3;
      out[m] = data[i] as number;
      out[m + 1] = data[i + 1] as number;
      out[m + 2] = data[i + 2] as number;
    }
  }
  return { width, height, data: out };
}
