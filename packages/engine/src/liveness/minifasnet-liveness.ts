import ort from 'onnxruntime-node';
import { cropResize, type CropRect } from '../image/crop-resize.js';
import type { Box, RgbImage } from '../image/rgb-image.js';
import { toPlanar } from '../image/tensor.js';
import { landmarkCrop } from '../landmarks/landmark68.js';

/** fr_liveness.onnx (MiniFASNet family): 128x128 crop of the face square scaled 2.7x, raw 0..255, BGR; softmax[0] = live. */
export const livenessSpec = { file: 'fr_liveness.onnx', size: 128, cropScale: 2.7, order: 'bgr' } as const;

/** Measured on NUAA pad-dev (docs/benchmarks.md); a single-frame signal, not a full liveness decision. */
export const defaultLivenessThreshold = 0.5;

/** Scale the face square about its centre (capped so it fits), then shift it back inside the image. */
export function livenessCrop(img: RgbImage, box: Box, cropScale: number = livenessSpec.cropScale): CropRect {
  const square = landmarkCrop(img, box);
  const scale = Math.min(cropScale, (img.height - 1) / square.height, (img.width - 1) / square.width);
  const width = square.width * scale;
  const height = square.height * scale;
  const cx = square.x + square.width / 2;
  const cy = square.y + square.height / 2;
  const x = Math.min(Math.max(0, cx - width / 2), img.width - 1 - width);
  const y = Math.min(Math.max(0, cy - height / 2), img.height - 1 - height);
  return { x: Math.max(0, x), y: Math.max(0, y), width, height };
}

/** The model's live probability for the face in `box`, on a crop `cropScale` times the face square (default 2.7). */
export async function livenessScore(
  session: ort.InferenceSession,
  img: RgbImage,
  box: Box,
  cropScale: number = livenessSpec.cropScale,
): Promise<number> {
  const { size, order } = livenessSpec;
  const crop = cropResize(img, livenessCrop(img, box, cropScale), size, size);
  const input = new ort.Tensor('float32', toPlanar(crop, order, 0, 1), [1, 3, size, size]);
  const out = await session.run({ input });
  const logits = Array.from(out['output']?.data as Float32Array);
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const total = exps.reduce((s, e) => s + e, 0);
  return (exps[0] ?? 0) / total;
}
