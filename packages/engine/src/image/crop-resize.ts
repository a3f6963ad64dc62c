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
    if (fy < -0.5 || fy > height - 0.5) continue; // outside the image: stays black
    const y0 = Math.floor(fy);
    const wy = fy - y0;
    const r0 = clamp(y0, height) * width;
    const r1 = clamp(y0 + 1, height) * width;
    for (let ox = 0; ox < outWidth; ox++) {
      const fx = rect.x + (ox + 0.5) * sx - 0.5;
      if (fx < -0.5 || fx > width - 0.5) continue;
      const x0 = Math.floor(fx);
      const wx = fx - x0;
      const c0 = clamp(x0, width);
      const c1 = clamp(x0 + 1, width);
      const o = (oy * outWidth + ox) * 3;
      for (let c = 0; c < 3; c++) {
        const p00 = data[(r0 + c0) * 3 + c] ?? 0;
        const p10 = data[(r0 + c1) * 3 + c] ?? 0;
        const p01 = data[(r1 + c0) * 3 + c] ?? 0;
        const p11 = data[(r1 + c1) * 3 + c] ?? 0;
        const top = p00 + (p10 - p00) * wx;
        const bottom = p01 + (p11 - p01) * wx;
        out[o + c] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

// Within the image's half-pixel border the edge pixel is replicated, so a crop that touches the edge is not
// darkened; a sample centred outside that border is black.
const clamp = (i: number, size: number): number => (i < 0 ? 0 : i >= size ? size - 1 : i);
