import ort from 'onnxruntime-node';
import { arcface112Template } from '../align/similarity-transform.js';
import type { FivePoints, RgbImage } from '../image/rgb-image.js';
import { alignToTemplate } from './align-to-template.js';
import { toPlanar } from '../image/tensor.js';

/** fr_feature.onnx (MobileFaceNet, 512-D) on a 112x112 ArcFace-aligned crop, (p-127)/128, BGR. */
export const embedderSpec = {
  file: 'fr_feature.onnx',
  size: 112,
  mean: 127,
  scale: 128,
  order: 'bgr',
  dimensions: 512,
} as const;

export function alignFace(img: RgbImage, points: FivePoints): RgbImage {
  return alignToTemplate(img, points, arcface112Template, embedderSpec.size);
}

async function rawEmbedding(session: ort.InferenceSession, aligned: RgbImage): Promise<Float32Array> {
  const { size, mean, scale, order } = embedderSpec;
  const input = new ort.Tensor('float32', toPlanar(aligned, order, mean, scale), [1, 3, size, size]);
  const out = await session.run({ input });
  return out['output']?.data as Float32Array;
}

export async function embedAligned(session: ort.InferenceSession, aligned: RgbImage): Promise<Float32Array> {
  return l2Normalise(await rawEmbedding(session, aligned));
}

export function l2Normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return v.map((x) => x / norm);
}
