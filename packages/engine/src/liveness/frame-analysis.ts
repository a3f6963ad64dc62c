import type { Box, Point } from '../image/rgb-image.js';
import { eyesAspectRatio, headPose, mouthAspectRatio, type HeadPose } from '../landmarks/face-geometry.js';
import type { LivenessResult } from './liveness-result.js';
import type { FaceTemplate } from '../pipeline/face-template.js';
import { defaultQualityThresholds, type FaceQuality, type QualityThresholds } from '../quality/face-quality.js';

/** The chosen (largest) face of a camera frame, with what action liveness needs. */
export interface FrameFace {
  readonly box: Box;
  readonly landmarks68: Point[];
  readonly pose: HeadPose;
  readonly eyeAspectRatio: number;
  readonly mouthAspectRatio: number;
  readonly template: FaceTemplate;
  readonly quality: FaceQuality & { readonly score: number };
  /** The network's score, and `fused` — the fused passive model's — when the engine has one (docs/liveness.md). */
  readonly liveness: LivenessResult;
  /** Mean RGB of the face box's central region (liveness/face-color.ts), for the reflected-light challenge. */
  readonly faceRgb?: readonly [number, number, number];
}

/** One camera frame for liveness: how many faces, and the largest one (absent when there is none). */
export interface FrameAnalysis {
  readonly image: { readonly width: number; readonly height: number; readonly format: string };
  readonly faceCount: number;
  readonly face?: FrameFace;
  readonly timings_ms: Record<string, number>;
}

/** EAR, MAR and head pose from the 68 points. */
export function frameGeometry(
  landmarks68: readonly Point[],
): Pick<FrameFace, 'pose' | 'eyeAspectRatio' | 'mouthAspectRatio'> {
  return {
    pose: headPose(landmarks68),
    eyeAspectRatio: eyesAspectRatio(landmarks68),
    mouthAspectRatio: mouthAspectRatio(landmarks68),
  };
}

/**
 * One number in [0, 1] to rank a sequence's frames for the best frame: the mean of four parts, each 1 when
 * comfortably good — face size (at twice the minimum), sharpness (at twice the minimum), brightness (inside the
 * range, falling off linearly outside it over 50 luma levels) and frontal pose (1 at 0°, 0 at the quality limits).
 */
export function qualityScore(q: FaceQuality, t: QualityThresholds = defaultQualityThresholds): number {
  const clamp01 = (x: number) => Math.max(0, Math.min(1, x));
  const size = clamp01(q.face_size.value / (2 * t.minFaceSize));
  const sharp = clamp01(q.sharpness.value / (2 * t.minSharpness));
  const luma = q.brightness.value;
  const light = clamp01(1 - Math.max(t.minBrightness - luma, luma - t.maxBrightness, 0) / 50);
  const pose = clamp01(
    1 -
      Math.max(Math.abs(q.pose.yaw) / t.maxYaw, Math.abs(q.pose.pitch) / t.maxPitch, Math.abs(q.pose.roll) / t.maxRoll),
  );
  return Math.round(((size + sharp + light + pose) / 4) * 1000) / 1000;
}
