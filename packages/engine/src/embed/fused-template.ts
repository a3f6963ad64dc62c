/**
 * Score-level fusion of the two embedders, folded into one vector. Each embedder's cosine is z-normalised by the
 * spread of its impostor scores and the two are summed; since a constant shift does not move any threshold, that
 * is the weighted cosine wA·cosA + wB·cosB with wX ∝ 1/σX. Concatenating √wA·a and √wB·b (each L2-normalised,
 * wA + wB = 1) gives unit vectors whose cosine is exactly that sum, so templates stay plain vectors.
 *
 * σ: standard deviation of each embedder's cosine over all 324,290 cross-identity pairs of colour LFW dev
 * (0.0971 and 0.0349; grayscale LFW-a gave 0.0985 and 0.0346). Only the impostor spread is used, not the pairs'
 * labels, so nothing here is tuned to the dev pairs' accuracy.
 */
export const fusionImpostorSpread = Object.freeze({ mobilefacenet: 0.0971, dlib: 0.0349 } as const);

const inverseA = 1 / fusionImpostorSpread.mobilefacenet;
const inverseB = 1 / fusionImpostorSpread.dlib;
export const fusionWeights = Object.freeze({
  mobilefacenet: inverseA / (inverseA + inverseB),
  dlib: inverseB / (inverseA + inverseB),
});

/**
 * The id every template carries. The whole recipe (models, landmarks, alignment, channel order, fusion weights)
 * is part of it: change any of them and the id must change, so templates made differently are never compared.
 */
export const templateModelId = 'mfn512-bgr+dlib128-fused@1';

export function fuseEmbeddings(mobilefacenet: Float32Array, dlib: Float32Array): Float32Array {
  const out = new Float32Array(mobilefacenet.length + dlib.length);
  const sa = Math.sqrt(fusionWeights.mobilefacenet);
  const sb = Math.sqrt(fusionWeights.dlib);
  mobilefacenet.forEach((v, i) => (out[i] = v * sa));
  dlib.forEach((v, i) => (out[mobilefacenet.length + i] = v * sb));
  return out;
}
