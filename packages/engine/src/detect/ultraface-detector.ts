import ort from 'onnxruntime-node';
import { cropResize } from '../image/crop-resize.js';
import type { Box, RgbImage } from '../image/rgb-image.js';
import { toPlanar } from '../image/tensor.js';

/** UltraFace RFB-320 (fr_detect.onnx): whole image stretched to 320x240, (p-127)/128 RGB, boxes decoded in [0,1]. */
export const ultrafaceSpec = {
  file: 'fr_detect.onnx',
  inputWidth: 320,
  inputHeight: 240,
  mean: 127,
  scale: 128,
  order: 'rgb',
} as const;

export interface Detection {
  readonly box: Box;
  readonly score: number;
}

export interface DetectorOptions {
  readonly minScore: number;
  readonly nmsIou: number;
}

export const defaultDetectorOptions: DetectorOptions = Object.freeze({ minScore: 0.65, nmsIou: 0.4 });

export async function detectFaces(
  session: ort.InferenceSession,
  img: RgbImage,
  options: DetectorOptions = defaultDetectorOptions,
): Promise<Detection[]> {
  const { inputWidth: w, inputHeight: h } = ultrafaceSpec;
  const resized = cropResize(img, { x: 0, y: 0, width: img.width, height: img.height }, w, h);
  const input = new ort.Tensor('float32', toPlanar(resized, 'rgb', ultrafaceSpec.mean, ultrafaceSpec.scale), [
    1,
    3,
    h,
    w,
  ]);
  const out = await session.run({ input });
  const scores = out['scores']?.data as Float32Array;
  const boxes = out['boxes']?.data as Float32Array;
  const candidates: Detection[] = [];
  for (let i = 0; i * 2 < scores.length; i++) {
    const score = scores[i * 2 + 1] ?? 0;
    if (score < options.minScore) continue;
    const x1 = clamp((boxes[i * 4] ?? 0) * img.width, 0, img.width);
    const y1 = clamp((boxes[i * 4 + 1] ?? 0) * img.height, 0, img.height);
    const x2 = clamp((boxes[i * 4 + 2] ?? 0) * img.width, 0, img.width);
    const y2 = clamp((boxes[i * 4 + 3] ?? 0) * img.height, 0, img.height);
    if (x2 - x1 < 2 || y2 - y1 < 2) continue;
    candidates.push({ box: { x1, y1, x2, y2 }, score });
  }
  return nonMaxSuppression(candidates, options.nmsIou);
}

/** Hard NMS: keep the best-scoring box, drop those overlapping it by more than `iou`, repeat. */
export function nonMaxSuppression(detections: readonly Detection[], iou: number): Detection[] {
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (kept.every((k) => intersectionOverUnion(k.box, d.box) <= iou)) kept.push(d);
  }
  return kept;
}

export function intersectionOverUnion(a: Box, b: Box): number {
  const iw = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const ih = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / (area(a) + area(b) - inter);
}

export const area = (b: Box): number => (b.x2 - b.x1) * (b.y2 - b.y1);

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);
