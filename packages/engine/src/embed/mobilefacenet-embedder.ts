import ort from 'onnxruntime-node';
import { arcface112Template, estimateSimilarity, type Affine } from '../align/similarity-transform.js';
import { warpAffine } from '../align/warp-affine.js';
import { EngineError } from '../errors.js';
import type { FivePoints, RgbImage } from '../image/rgb-image.js';
import { toPlanar } from '../image/tensor.js';

/**
 * fr_feature.onnx (MobileFaceNet, 512-D) on a 112x112 ArcFace-aligned crop, (p-127)/128, BGR.
 * The recipe (landmarks, alignment, channel order) is part of the template's identity: a change to any of
 * them changes `embedderModelId`, so templates made differently are never compared.
 */
export const embedderSpec = {
  file: 'fr_feature.onnx',
  size: 112,
  mean: 127,
  scale: 128,
  order: 'bgr',
  dimensions: 512,
} as const;

export const embedderModelId = 'mfn512-arcface5-bgr@1';

export function alignFace(img: RgbImage, points: FivePoints): RgbImage {
  let toTemplate: Affine;
  try {
    toTemplate = estimateSimilarity(points, arcface112Template);
  } catch (error) {
    if (error instanceof RangeError) throw new EngineError('face.none', { reason: 'degenerate_landmarks' });
    throw error;
  }
  // Landmarks that collapse to a point (scale 0) describe no face that can be aligned.
  if (Math.hypot(toTemplate.a, toTemplate.c) < 1e-6)
    throw new EngineError('face.none', { reason: 'degenerate_landmarks' });
  return warpAffine(img, toTemplate, embedderSpec.size, embedderSpec.size);
}

export async function rawEmbedding(session: ort.InferenceSession, aligned: RgbImage): Promise<Float32Array> {
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
