import { EngineError } from '../errors.js';

/** An L2-normalised face embedding and the id of the model + recipe that produced it. */
export interface FaceTemplate {
  readonly model: string;
  readonly vector: Float32Array;
}

/** Cosine similarity of two templates in [-1, 1]; refuses templates of different models. */
export function compareTemplates(a: FaceTemplate, b: FaceTemplate): number {
  if (a.model !== b.model) throw new EngineError('template.model_mismatch', { left: a.model, right: b.model });
  if (a.vector.length !== b.vector.length || a.vector.length === 0) {
    throw new EngineError('template.invalid', { left: a.vector.length, right: b.vector.length });
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.vector.length; i++) {
    const x = a.vector[i]!;
    const y = b.vector[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0 || !Number.isFinite(dot)) throw new EngineError('template.invalid');
  return dot / Math.sqrt(na * nb);
}
