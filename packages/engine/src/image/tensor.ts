import type { RgbImage } from './rgb-image.js';

export type ChannelOrder = 'rgb' | 'bgr';

/** Planar (NCHW, N=1) float tensor data with (p - mean) / scale per value, in the channel order a model expects. */
export function toPlanar(img: RgbImage, order: ChannelOrder, mean: number, scale: number): Float32Array {
  const plane = img.width * img.height;
  const out = new Float32Array(plane * 3);
  const src = img.data;
  const first = order === 'rgb' ? 0 : 2;
  const last = 2 - first;
  for (let i = 0; i < plane; i++) {
    out[i] = ((src[i * 3 + first] ?? 0) - mean) / scale;
    out[plane + i] = ((src[i * 3 + 1] ?? 0) - mean) / scale;
    out[2 * plane + i] = ((src[i * 3 + last] ?? 0) - mean) / scale;
  }
  return out;
}

/** BT.601 luma of each pixel, divided by `scale`. */
export function toGreyPlane(img: RgbImage, scale: number): Float32Array {
  const plane = img.width * img.height;
  const out = new Float32Array(plane);
  const src = img.data;
  for (let i = 0; i < plane; i++) {
    out[i] = (0.299 * (src[i * 3] ?? 0) + 0.587 * (src[i * 3 + 1] ?? 0) + 0.114 * (src[i * 3 + 2] ?? 0)) / scale;
  }
  return out;
}
