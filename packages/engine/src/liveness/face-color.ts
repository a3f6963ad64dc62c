import type { Box, RgbImage } from '../image/rgb-image.js';

/**
 * Mean RGB of a face's skin region: the central half (in each direction) of the detector's box, which holds cheeks,
 * nose and forehead and little hair or background. The reflected-light challenge (docs/liveness.md "Flash") compares
 * it across frames.
 */
export function faceRegionMeanRgb(image: RgbImage, box: Box): [number, number, number] {
  const w = box.x2 - box.x1;
  const h = box.y2 - box.y1;
  const x1 = clamp(Math.round(box.x1 + w / 4), 0, image.width - 1);
  const x2 = clamp(Math.round(box.x2 - w / 4), x1 + 1, image.width);
  const y1 = clamp(Math.round(box.y1 + h / 4), 0, image.height - 1);
  const y2 = clamp(Math.round(box.y2 - h / 4), y1 + 1, image.height);
  let r = 0;
  let g = 0;
  let b = 0;
  for (let y = y1; y < y2; y++) {
    for (let x = x1; x < x2; x++) {
      const i = (y * image.width + x) * 3;
      r += image.data[i]!;
      g += image.data[i + 1]!;
      b += image.data[i + 2]!;
    }
  }
  const n = (x2 - x1) * (y2 - y1);
  return [round(r / n), round(g / n), round(b / n)];
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
const round = (v: number) => Math.round(v * 100) / 100;
