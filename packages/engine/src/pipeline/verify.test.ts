import { describe, expect, it } from 'vitest';
import { buildCalibration } from '../calibration/calibration.js';
import { EngineError } from '../errors.js';
import { compareTemplates, type FaceTemplate } from './face-template.js';
import { verifyTemplates } from './verify.js';

const template = (model: string, ...vector: number[]): FaceTemplate => ({ model, vector: Float32Array.from(vector) });

describe('compareTemplates', () => {
  it('is the cosine of the two vectors', () => {
    expect(compareTemplates(template('m', 1, 0), template('m', 0, 1))).toBeCloseTo(0, 12);
    expect(compareTemplates(template('m', 1, 1), template('m', 2, 2))).toBeCloseTo(1, 6);
    expect(compareTemplates(template('m', 3, 4), template('m', 4, 3))).toBeCloseTo(24 / 25, 6);
  });

  it('never compares templates of different models', () => {
    expect(() => compareTemplates(template('a', 1, 0), template('b', 1, 0))).toThrow(
      expect.objectContaining({ code: 'template.model_mismatch' }),
    );
  });

  it('refuses empty, zero, non-finite and mismatched-length vectors', () => {
    for (const [a, b] of [
      [template('m'), template('m')],
      [template('m', 0, 0), template('m', 1, 0)],
      [template('m', Number.NaN, 1), template('m', 1, 0)],
      [template('m', 1, 0, 0), template('m', 1, 0)],
    ] as const) {
      expect(() => compareTemplates(a, b)).toThrow(EngineError);
    }
  });
});

describe('verifyTemplates', () => {
  const impostor = Array.from({ length: 40_000 }, (_, i) => -0.2 + (0.6 * i) / 40_000);
  const calibration = buildCalibration({
    modelId: 'm',
    dataset: 'synthetic',
    genuine: [0.9],
    impostor,
    createdAt: '2026-11-29T00:00:00.000Z',
  });

  it('decides at every calibrated FAR with the calibration thresholds', () => {
    const v = verifyTemplates(calibration, template('m', 1, 0), template('m', 0.6, 0.8));
    expect(v.similarity).toBeCloseTo(0.6, 6);
    for (const far of ['1e-3', '1e-4', '1e-5', '1e-6'] as const) {
      expect(v.thresholds[far]).toBe(calibration.thresholds[far].similarity);
      expect(v.match[far]).toBe(v.similarity >= v.thresholds[far]);
    }
    expect(v.match['1e-3']).toBe(true);
  });

  it('refuses templates of a model the calibration was not made for', () => {
    expect(() => verifyTemplates(calibration, template('other', 1, 0), template('other', 1, 0))).toThrow(
      expect.objectContaining({ code: 'template.model_mismatch' }),
    );
  });
});
