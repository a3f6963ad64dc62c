import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareTemplates } from '../pipeline/face-template.js';
import { fuseEmbeddings, fusionWeights, templateModelId } from './fused-template.js';
import { l2Normalise } from './mobilefacenet-embedder.js';

const unit = (n: number) =>
  fc
    .array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n })
    .filter((v) => v.some((x) => Math.abs(x) > 1e-3))
    .map((v) => l2Normalise(Float32Array.from(v)));

describe('fuseEmbeddings', () => {
  it('weights the two embedders by the inverse of their impostor spread, summing to 1', () => {
    expect(fusionWeights.mobilefacenet + fusionWeights.dlib).toBeCloseTo(1, 12);
    expect(fusionWeights.mobilefacenet / fusionWeights.dlib).toBeCloseTo(0.0349 / 0.0971, 12);
  });

  it('makes unit vectors whose cosine is the weighted sum of the two cosines', () => {
    fc.assert(
      fc.property(unit(8), unit(8), unit(4), unit(4), (a1, a2, b1, b2) => {
        const cos = (u: Float32Array, v: Float32Array) =>
          compareTemplates({ model: 'm', vector: u }, { model: 'm', vector: v });
        const f1 = fuseEmbeddings(a1, b1);
        const f2 = fuseEmbeddings(a2, b2);
        expect(Math.hypot(...f1)).toBeCloseTo(1, 5);
        const expected = fusionWeights.mobilefacenet * cos(a1, a2) + fusionWeights.dlib * cos(b1, b2);
        expect(
          compareTemplates({ model: templateModelId, vector: f1 }, { model: templateModelId, vector: f2 }),
        ).toBeCloseTo(expected, 5);
      }),
    );
  });
});
