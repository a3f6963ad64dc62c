import { describe, expect, it } from 'vitest';
import { faceIdComparison, faceIdLiteStatus, faceIdOutcome, faceIdThresholds } from './faceid-results.js';

/** A calibration-like map: piecewise linear through (0.2, 0) (0.3, 60) (0.35, 70) (0.4, 80) (0.45, 90) (0.6, 100). */
const anchors: [number, number][] = [
  [0.2, 0],
  [0.3, 60],
  [0.35, 70],
  [0.4, 80],
  [0.45, 90],
  [0.6, 100],
];
function confidenceAt(similarity: number): number {
  if (similarity <= anchors[0]![0]) return 0;
  for (let i = 1; i < anchors.length; i++) {
    const [s1, c1] = anchors[i]!;
    const [s0, c0] = anchors[i - 1]!;
    if (similarity <= s1) return c0 + ((similarity - s0) / (s1 - s0)) * (c1 - c0);
  }
  return 100;
}
const similarityThresholds = { '1e-3': 0.3, '1e-4': 0.35, '1e-5': 0.4, '1e-6': 0.45 };

describe('FaceID result mapping', () => {
  it('reports thresholds on the confidence scale, so confidence ≥ threshold exactly when the faces match', () => {
    expect(faceIdThresholds(similarityThresholds, confidenceAt)).toEqual({
      '1e-3': 60,
      '1e-4': 70,
      '1e-5': 80,
      '1e-6': 90,
    });
    expect(Object.keys(faceIdThresholds(similarityThresholds, confidenceAt, ['1e-3', '1e-4', '1e-5']))).toEqual([
      '1e-3',
      '1e-4',
      '1e-5',
    ]);
    for (let similarity = 0.2; similarity < 0.6; similarity += 0.0137) {
      const view = faceIdComparison(
        { confidence: confidenceAt(similarity), thresholds: similarityThresholds },
        confidenceAt,
      )!;
      for (const [level, threshold] of Object.entries(similarityThresholds)) {
        const match = similarity >= threshold;
        expect(view.confidence >= view.thresholds[level as '1e-4']!, `${similarity} at ${level}`).toBe(match);
      }
    }
    expect(faceIdComparison({ liveness: {} }, confidenceAt)).toBeUndefined();
    expect(faceIdComparison(null, confidenceAt)).toBeUndefined();
  });

  it('puts each outcome in its result_code family', () => {
    expect(faceIdOutcome('passed', null)).toEqual({ result_code: 1000, result_message: 'SUCCESS' });
    expect(faceIdOutcome('failed', 'result.no_match')?.result_code).toBe(2000);
    expect(faceIdOutcome('failed', 'registry.not_found')?.result_code).toBe(3000);
    expect(faceIdOutcome('failed', 'registry.name_mismatch')?.result_code).toBe(3000);
    expect(faceIdOutcome('failed', 'liveness.spoof')?.result_code).toBe(4100);
    expect(faceIdOutcome('failed', 'result.spoof')?.result_code).toBe(4100);
    expect(faceIdOutcome('failed', 'liveness.face_replaced')).toEqual({
      result_code: 4100,
      result_message: 'CHANGE_FACE_ATTACK',
    });
    for (const reason of [
      'liveness.challenge_failed',
      'liveness.no_face',
      'liveness.timing',
      'liveness.too_few_frames',
    ]) {
      expect(faceIdOutcome('failed', reason)?.result_code).toBe(4200);
    }
    expect(faceIdOutcome('expired', null)).toEqual({ result_code: 4200, result_message: 'USER_TIMEOUT' });
    expect(faceIdOutcome('cancelled', null)?.result_message).toBe('USER_CANCELLATION');
    expect(faceIdOutcome('in_progress', null)).toBeUndefined();
  });

  it('names lite statuses as FaceID does', () => {
    expect(
      ['not_started', 'in_progress', 'passed', 'failed', 'cancelled', 'expired', 'unsupported'].map(faceIdLiteStatus),
    ).toEqual(['NOT_STARTED', 'PROCESSING', 'OK', 'OK', 'CANCELLED', 'TIMEOUT', 'WEBRTC_UNSUPPORTED']);
  });
});
