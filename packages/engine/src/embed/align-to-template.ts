import { estimateSimilarity, type Affine } from '../align/similarity-transform.js';
import { warpAffine } from '../align/warp-affine.js';
import { EngineError } from '../errors.js';
import type { Point, RgbImage } from '../image/rgb-image.js';

/** Warps the face so that `points` land on an embedder's canonical `template`, into a size x size crop. */
export function alignToTemplate(
  img: RgbImage,
  points: readonly Point[],
  template: readonly Point[],
  size: number,
): RgbImage {
  let toTemplate: Affine;
  try {
    toTemplate = estimateSimilarity(points, template);
  } catch (error) {
    if (error instanceof RangeError) throw new EngineError('face.none', { reason: 'degenerate_landmarks' });
    throw error;
  }
  // Landmarks that collapse to a point (scale 0) describe no face that can be aligned.
  if (Math.hypot(toTemplate.a, toTemplate.c) < 1e-6)
    throw new EngineError('face.none', { reason: 'degenerate_landmarks' });
  return warpAffine(img, toTemplate, size, size);
}
