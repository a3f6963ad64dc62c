import { describe, expect, it } from 'vitest';
import { logit, padFeatureVector, padModelScore, parsePadModel, sigmoid, type PadModel } from './pad-model.js';
import { textureSpec } from './texture-features.js';

const texture = Array.from({ length: 197 }, (_, i) => i / 197);
const model: PadModel = {
  format: 'visage-pad-model',
  id: 'test@1',
  features: { cnnScales: [1, 2.7], textureBlocks: ['freq'], textureVersion: textureSpec.version },
  mean: new Array(11).fill(0),
  scale: new Array(11).fill(2),
  weights: [1, 1, ...new Array(9).fill(0)],
  bias: -0.5,
  threshold: 0.5,
  training: {},
};

describe('the fused PAD model', () => {
  it('reads the network log-odds at each scale, then the chosen texture blocks in spec order', () => {
    const x = padFeatureVector(model.features, { cnn: { '1.00': 0.5, '2.70': 0.9 }, texture });
    expect(x).toHaveLength(11);
    expect(x[0]).toBeCloseTo(0, 12);
    expect(x[1]).toBeCloseTo(Math.log(9), 12);
    expect(x[2]).toBe(texture[3 * 59 + 11]); // freq follows the three LBP blocks and the colour block
  });

  it('scores σ(bias + w·(x − mean)/scale)', () => {
    const p = padModelScore(model, { cnn: { '1.00': 0.5, '2.70': 0.9 }, texture });
    expect(p).toBeCloseTo(sigmoid(-0.5 + Math.log(9) / 2), 12);
    expect(logit(1)).toBeLessThan(20); // clamped, finite
  });

  it('refuses an artefact that does not fit the engine', () => {
    expect(parsePadModel(JSON.parse(JSON.stringify(model)))).toEqual(model);
    expect(() => parsePadModel({ ...model, format: 'x' })).toThrow(/format/);
    expect(() => parsePadModel({ ...model, weights: [1] })).toThrow(/weights/);
    expect(() => parsePadModel({ ...model, features: { ...model.features, textureVersion: 99 } })).toThrow(/version/);
    expect(() => parsePadModel({ ...model, features: { ...model.features, textureBlocks: ['nope'] } })).toThrow(
      /block/,
    );
    expect(() => parsePadModel({ ...model, threshold: 2 })).toThrow(/threshold/);
    expect(() => parsePadModel({ ...model, scale: [0, ...model.scale.slice(1)] })).toThrow(/scale/);
    expect(() => padModelScore(model, { cnn: { '1.00': 0.5 }, texture })).toThrow(/2.7/);
  });
});
