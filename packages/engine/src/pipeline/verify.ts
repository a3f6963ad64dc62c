import { confidenceOf, farLevels, type Calibration, type FarLevel } from '../calibration/calibration.js';
import { EngineError } from '../errors.js';
import { compareTemplates, type FaceTemplate } from './face-template.js';

export interface Verification {
  readonly similarity: number;
  readonly confidence: number;
  readonly thresholds: Record<FarLevel, number>;
  readonly match: Record<FarLevel, boolean>;
}

/** The 1:1 decision at every calibrated false-accept rate; the caller picks the one its policy needs. */
export function verifyTemplates(calibration: Calibration, a: FaceTemplate, b: FaceTemplate): Verification {
  if (calibration.model_id !== a.model) {
    throw new EngineError('template.model_mismatch', { calibration: calibration.model_id, template: a.model });
  }
  const similarity = compareTemplates(a, b);
  const thresholds = {} as Record<FarLevel, number>;
  const match = {} as Record<FarLevel, boolean>;
  for (const far of farLevels) {
    thresholds[far] = calibration.thresholds[far].similarity;
    match[far] = similarity >= thresholds[far];
  }
  return { similarity, confidence: confidenceOf(calibration, similarity), thresholds, match };
}
