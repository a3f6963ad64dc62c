import { farLevels, type FarLevel } from '../verification/verification.ports.js';

/**
 * How our results read in FaceID's vocabulary (docs/compat-faceid.md). Pure functions: every number comes from our
 * own call's result and the engine's calibration (`confidenceAt`), nothing is computed twice.
 */

/** The engine's calibrated similarity → 0–100 confidence map (the one our own `confidence` comes from). */
export type ConfidenceAt = (similarity: number) => number;

export type FaceIdThresholds = Record<FarLevel, number>;

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/**
 * FaceID reports thresholds on the confidence scale: the confidence our calibration gives each FAR level's
 * similarity threshold, so that `confidence >= thresholds[level]` exactly when the faces match at that level.
 */
export function faceIdThresholds(
  similarityThresholds: Readonly<Record<string, unknown>>,
  confidenceAt: ConfidenceAt,
  levels: readonly FarLevel[] = farLevels,
): Partial<FaceIdThresholds> {
  const out: Partial<FaceIdThresholds> = {};
  for (const level of levels) {
    const similarity = similarityThresholds[level];
    if (typeof similarity === 'number') out[level] = round3(confidenceAt(similarity));
  }
  return out;
}

/** `{ confidence, thresholds }` of a stored comparison result, or undefined when no comparison ran. */
export function faceIdComparison(
  result: Readonly<Record<string, unknown>> | null | undefined,
  confidenceAt: ConfidenceAt,
  levels: readonly FarLevel[] = farLevels,
): { confidence: number; thresholds: Partial<FaceIdThresholds> } | undefined {
  if (!result || typeof result['confidence'] !== 'number' || typeof result['thresholds'] !== 'object') return undefined;
  return {
    confidence: round3(result['confidence']),
    thresholds: faceIdThresholds(result['thresholds'] as Record<string, unknown>, confidenceAt, levels),
  };
}

export interface FaceIdOutcome {
  /** 1000 same person; 2000 live but different; 3000 reference problems; 4100 attacks; 4200 process errors. */
  readonly result_code: number;
  readonly result_message: string;
}

/** The FaceID outcome of a finished capture session: its status and its reason (ours: liveness.*, result.*). */
export function faceIdOutcome(status: string, reason: string | null | undefined): FaceIdOutcome | undefined {
  switch (status) {
    case 'passed':
      return { result_code: 1000, result_message: 'SUCCESS' };
    case 'expired':
      return { result_code: 4200, result_message: 'USER_TIMEOUT' };
    case 'cancelled':
      return { result_code: 4200, result_message: 'USER_CANCELLATION' };
    case 'unsupported':
      return { result_code: 4200, result_message: 'MOBILE_PHONE_NOT_SUPPORT' };
    case 'failed':
      return failedOutcome(reason ?? '');
    default:
      return undefined;
  }
}

function failedOutcome(reason: string): FaceIdOutcome {
  switch (reason) {
    case 'result.no_match':
      return { result_code: 2000, result_message: 'PASS_LIVING_NOT_THE_SAME' };
    case 'registry.not_found':
      return { result_code: 3000, result_message: 'NO_ID_CARD_NUMBER' };
    case 'registry.name_mismatch':
      return { result_code: 3000, result_message: 'ID_NUMBER_NAME_NOT_MATCH' };
    case 'face.none':
      return { result_code: 3000, result_message: 'NO_FACE_FOUND_IN_REFERENCE' };
    case 'liveness.spoof':
    case 'result.spoof':
      return { result_code: 4100, result_message: 'FAIL_LIVING_FACE_ATTACK' };
    case 'liveness.face_replaced':
      return { result_code: 4100, result_message: 'CHANGE_FACE_ATTACK' };
    case 'liveness.challenge_failed':
      return { result_code: 4200, result_message: 'ACTION_ERROR' };
    case 'liveness.no_face':
      return { result_code: 4200, result_message: 'UNDETECTED_FACE' };
    default:
      return { result_code: 4200, result_message: 'VERIFICATION_FAILURE' };
  }
}

/** FaceID Lite's `status` for a capture session's. */
export function faceIdLiteStatus(status: string): string {
  switch (status) {
    case 'not_started':
      return 'NOT_STARTED';
    case 'in_progress':
      return 'PROCESSING';
    case 'passed':
    case 'failed':
      return 'OK';
    case 'cancelled':
      return 'CANCELLED';
    case 'expired':
      return 'TIMEOUT';
    case 'unsupported':
      return 'WEBRTC_UNSUPPORTED';
    default:
      return 'FAILED';
  }
}
