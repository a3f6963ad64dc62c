import type { RgbImage } from '../image/rgb-image.js';
import type { RotatedRect } from './rotated-rect.js';

/**
 * Samples a rotated rectangle of `img` into an upright `outWidth × outHeight` image (bilinear; outside the image
 * is white, the background of a card), so a tilted text line becomes a level strip for the recogniser.
 */
export function warpRect(img: RgbImage, rect: RotatedRect, outWidth: number, outHeight: number): RgbImage {
  const out = new Uint8Array(outWidth * outHeight * 3);
  const ux = Math.cos(rect.angle);
  const uy = Math.sin(rect.angle);
  const su = rect.width / outWidth;
  const sv = rect.height / outHeight;
  const { width, height, data } = img;
  for (let oy = 0; oy < outHeight; oy++) {
    const v = (oy + 0.5) * sv - rect.height / 2;
    for (let ox = 0; ox < outWidth; ox++) {
      const u = (ox + 0.5) * su - rect.width / 2;
      const fx = rect.cx + u * ux - v * uy - 0.5;
      const fy = rect.cy + u * uy + v * ux - 0.5;
      const o = (oy * outWidth + ox) * 3;
      if (fx < -1 || fy < -1 || fx > width || fy > height) {
        out[o] = out[o + 1] = out[o + 2] = 255;
        continue;
      }
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const wx = fx - x0;
      const wy = fy - y0;
      const c0 = Math.min(Math.max(x0, 0), width - 1);
      const c1 = Math.min(Math.max(x0 + 1, 0), width - 1);
      const r0 = Math.min(Math.max(y0, 0), height - 1) * width;
      const r1 = Math.min(Math.max(y0 + 1, 0), height - 1) * width;
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
