import ort from 'onnxruntime-node';
import type { Point, RgbImage } from '../image/rgb-image.js';
import { toPlanar } from '../image/tensor.js';
import { alignToTemplate } from './align-to-template.js';
import { l2Normalise } from './mobilefacenet-embedder.js';

/**
 * dlib's ResNet face descriptor (dlib_resnet.onnx, converted from face-api's port by scripts/convert-dlib-resnet.mjs):
 * a 150x150 chip aligned on dlib's five-point template, raw 0..255 RGB (the graph normalises), 128-D out.
 */
export const dlibResnetSpec = { file: 'dlib_resnet.onnx', size: 150, dimensions: 128 } as const;

// dlib's five-point chip template (eye corners, nose base) with its default 25 % padding, in chip pixels.
const dlibChipTemplate: readonly Point[] = [
  [0.8596, 0.2135],
  [0.6461, 0.229],
  [0.1206, 0.2137],
  [0.3341, 0.2291],
  [0.4901, 0.6278],
].map(([x, y]) => ({ x: ((0.25 + x!) / 1.5) * dlibResnetSpec.size, y: ((0.25 + y!) / 1.5) * dlibResnetSpec.size }));

/** iBUG-68 indices of the points dlib's template names: outer and inner eye corners, nose base. */
const dlibTemplatePoints = [45, 42, 36, 39, 33] as const;

export function dlibChip(img: RgbImage, landmarks68: readonly Point[]): RgbImage {
  const points = dlibTemplatePoints.map((i) => landmarks68[i]!);
  return alignToTemplate(img, points, dlibChipTemplate, dlibResnetSpec.size);
}

export async function embedDlibChip(session: ort.InferenceSession, chip: RgbImage): Promise<Float32Array> {
  const { size } = dlibResnetSpec;
  const input = new ort.Tensor('float32', toPlanar(chip, 'rgb', 0, 1), [1, 3, size, size]);
  const out = await session.run({ input });
  return l2Normalise(out['output']?.data as Float32Array);
}
