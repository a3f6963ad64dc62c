import type { RgbImage } from './rgb-image.js';

export interface CropRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Bilinear resample of `rect` (which may extend past the image; outside is black) to outWidth x outHeight,
 * with half-pixel centres as in OpenCV's resize, so the models see what their upstream preprocessing fed them.
 */
export function cropResize(img: RgbImage, rect: CropRect, outWidth: number, outHeight: number): RgbImage {
  const out = new Uint8Array(outWidth * outHeight * 3);
  const sx = rect.width / outWidth;
  const sy = rect.height / outHeight;
  const { width, height, data } = img;
  for (let oy = 0; oy < outHeight; oy++) {
    const fy = rect.y + (oy + 0.5) * sy - 0.5;
    const y0 = Math.floor(fy);
    const wy = fy - y0;
    for (let ox = 0; ox < outWidth; ox++) {
      const fx = rect.x + (ox + 0.5) * sx - 0.5;
      const x0 = Math.floor(fx);
      const wx = fx - x0;
      const o = (oy * outWidth + ox) * 3;
      for (let c = 0; c < 3; c++) {
        const p00 = sample(data, width, height, x0, y0, c);
        const p10 = sample(data, width, height, x0 + 1, y0, c);
        const p01 = sample(data, width, height, x0, y0 + 1, c);
        const p11 = sample(data, width, height, x0 + 1, y0 + 1, c);
        const top = p00 + (p10 - p00) * wx;
        const bottom = p01 + (p11 - p01) * wx;
        out[o + c] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

// Edge pixels are replicated inside the image's half-pixel border so that a crop that touches the edge
// is not darkened; only coordinates truly outside the image read as black.
function sample(data: Uint8Array, width: number, height: number, x: number, y: number, c: number): number {
  if (x < -1 || y < -1 || x > width || y > height) return 0;
  const cx = x < 0 ? 0 : x >= width ? width - 1 : x;
  const cy = y < 0 ? 0 : y >= height ? height - 1 : y;
  return data[(cy * width + cx) * 3 + c] ?? 0;
}
