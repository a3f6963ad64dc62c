import type { Box, FivePoints, RgbImage } from '../image/rgb-image.js';
import { arcface112Template } from '../align/similarity-transform.js';

/**
 * Capture-quality checks for one detected face. Everything here is a cheap heuristic meant to
 * drive user guidance ("move closer", "more light", "hold still", "look at the camera"), not a
 * calibrated predictor of recognition accuracy.
 */

export interface QualityThresholds {
  /** Smaller side of the face box, in image pixels. */
  readonly minFaceSize: number;
  /** Variance of the 4-neighbour Laplacian on the 112x112 grey face crop. */
  readonly minSharpness: number;
  /** Mean luma (0–255) of the face crop. */
  readonly minBrightness: number;
  readonly maxBrightness: number;
  /** Absolute angles in degrees, see {@link estimatePose}. */
  readonly maxYaw: number;
  readonly maxPitch: number;
  readonly maxRoll: number;
}

/**
 * `minSharpness` is provisional: it has not been calibrated against labelled sharp/blurred
 * captures yet. It only sits well above the value of a flat or heavily smoothed crop (≈0–10);
 * recalibrate it from real captures before relying on the blur verdict.
 */
export const defaultQualityThresholds: QualityThresholds = {
  minFaceSize: 64,
  minSharpness: 40,
  minBrightness: 50,
  maxBrightness: 210,
  maxYaw: 30,
  maxPitch: 25,
  maxRoll: 25,
};

/** Side of the grey crop that sharpness and brightness are measured on. */
export const QUALITY_CROP_SIZE = 112;

export type MeasureReason = 'too_small' | 'blurry' | 'too_dark' | 'too_bright';
export type PoseReason = 'turned_sideways' | 'tilted' | 'looking_up_or_down';
export type QualityReason = MeasureReason | PoseReason;

export interface Measure<R extends MeasureReason = MeasureReason> {
  readonly value: number;
  readonly pass: boolean;
  /** Present only when `pass` is false. */
  readonly reason?: R;
}

export interface PoseMeasure {
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
  readonly pass: boolean;
  /** The axis that exceeds its limit by the largest factor; present only when `pass` is false. */
  readonly reason?: PoseReason;
}

export interface FaceQuality {
  readonly face_size: Measure<'too_small'>;
  readonly sharpness: Measure<'blurry'>;
  readonly brightness: Measure<'too_dark' | 'too_bright'>;
  readonly pose: PoseMeasure;
  readonly pass: boolean;
  /** Failed checks, most actionable first: size, lighting, blur, pose. */
  readonly reasons: QualityReason[];
}

export interface Pose {
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
}

/** Variance of the 4-neighbour Laplacian over the interior pixels; 0 for images smaller than 3x3. */
export function laplacianVariance(grey: Float32Array | Uint8Array, width: number, height: number): number {
  assertDimensions(width, height);
  if (grey.length < width * height) {
    throw new RangeError(`grey has ${grey.length} values, expected ${width * height}`);
  }
  if (width < 3 || height < 3) return 0;
  const count = (width - 2) * (height - 2);
  const lap = new Float64Array(count);
  let sum = 0;
  let k = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const v = grey[i - 1]! + grey[i + 1]! + grey[i - width]! + grey[i + width]! - 4 * grey[i]!;
      lap[k++] = v;
      sum += v;
    }
  }
  const mean = sum / count;
  let sq = 0;
  for (let i = 0; i < count; i++) {
    const d = lap[i]! - mean;
    sq += d * d;
  }
  return sq / count;
}

export function meanLuma(grey: Float32Array | Uint8Array): number {
  if (grey.length === 0) throw new RangeError('meanLuma of an empty image');
  let sum = 0;
  for (let i = 0; i < grey.length; i++) sum += grey[i]!;
  return sum / grey.length;
}

/**
 * The box region (intersected with the image) resized to `size` x `size` luma values
 * (0.299R + 0.587G + 0.114B, 0–255). Box coordinates are continuous: pixel k spans [k, k+1).
 *
 * Upscaling is plain bilinear. When downscaling, each output pixel averages ceil(scale)² bilinear
 * samples spread over its footprint: point-sampling a large face would alias noise and fine
 * texture into the crop and inflate the Laplacian variance, making sharpness depend on face size.
 */
export function faceCropGrey(img: RgbImage, box: Box, size = QUALITY_CROP_SIZE): Float32Array {
  assertDimensions(img.width, img.height);
  if (img.data.length < img.width * img.height * 3) {
    throw new RangeError(`image data has ${img.data.length} bytes, expected ${img.width * img.height * 3}`);
  }
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${size}`);
  if (![box.x1, box.y1, box.x2, box.y2].every(Number.isFinite)) throw new RangeError('box has non-finite coordinates');
  const x1 = clamp(box.x1, 0, img.width);
  const x2 = clamp(box.x2, 0, img.width);
  const y1 = clamp(box.y1, 0, img.height);
  const y2 = clamp(box.y2, 0, img.height);
  if (x2 <= x1 || y2 <= y1) throw new RangeError('box does not overlap the image');

  const tx = axisTaps(x1, x2, size, img.width);
  const ty = axisTaps(y1, y2, size, img.height);
  const regionW = tx.hi - tx.lo + 1;
  const regionH = ty.hi - ty.lo + 1;

  const luma = new Float32Array(regionW * regionH);
  const data = img.data;
  for (let ry = 0; ry < regionH; ry++) {
    let src = ((ty.lo + ry) * img.width + tx.lo) * 3;
    let dst = ry * regionW;
    for (let rx = 0; rx < regionW; rx++, src += 3) {
      luma[dst++] = 0.299 * data[src]! + 0.587 * data[src + 1]! + 0.114 * data[src + 2]!;
    }
  }

  // Bilinear interpolation and footprint averaging are both separable: rows first, then columns.
  const rows = new Float32Array(regionH * size);
  for (let ry = 0; ry < regionH; ry++) {
    const lumaRow = ry * regionW;
    for (let i = 0; i < size; i++) {
      let acc = 0;
      for (let k = i * tx.n; k < (i + 1) * tx.n; k++) {
        const a = luma[lumaRow + tx.i0[k]! - tx.lo]!;
        const b = luma[lumaRow + tx.i1[k]! - tx.lo]!;
        acc += a + (b - a) * tx.frac[k]!;
      }
      rows[ry * size + i] = acc / tx.n;
    }
  }
  const out = new Float32Array(size * size);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let acc = 0;
      for (let k = j * ty.n; k < (j + 1) * ty.n; k++) {
        const a = rows[(ty.i0[k]! - ty.lo) * size + i]!;
        const b = rows[(ty.i1[k]! - ty.lo) * size + i]!;
        acc += a + (b - a) * ty.frac[k]!;
      }
      out[j * size + i] = acc / ty.n;
    }
  }
  return out;
}

interface AxisTaps {
  /** Samples per output pixel. */
  readonly n: number;
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly frac: Float32Array;
  /** Smallest and largest source index touched. */
  readonly lo: number;
  readonly hi: number;
}

function axisTaps(start: number, end: number, size: number, limit: number): AxisTaps {
  const scale = (end - start) / size;
  const n = Math.max(1, Math.ceil(scale - 1e-9));
  const i0 = new Int32Array(size * n);
  const i1 = new Int32Array(size * n);
  const frac = new Float32Array(size * n);
  let lo = limit - 1;
  let hi = 0;
  for (let i = 0; i < size; i++) {
    for (let k = 0; k < n; k++) {
      // Pixel centres sit at integer + 0.5, hence the -0.5 to get an index-space position.
      const pos = clamp(start + (i + (k + 0.5) / n) * scale - 0.5, 0, limit - 1);
      const p0 = Math.floor(pos);
      const p1 = Math.min(p0 + 1, limit - 1);
      const t = i * n + k;
      i0[t] = p0;
      i1[t] = p1;
      frac[t] = pos - p0;
      lo = Math.min(lo, p0);
      hi = Math.max(hi, p1);
    }
  }
  return { n, i0, i1, frac, lo, hi };
}

/** The ArcFace alignment template is a frontal face: the reference for pose. */
const ARCFACE_TEMPLATE = arcface112Template as FivePoints;

/**
 * Assumed depth of the nose tip in front of the plane of the eyes and mouth corners, as a fraction
 * of the inter-ocular distance. A rough adult anthropometric figure (~30 mm vs ~63 mm); it scales
 * the yaw and pitch estimates, so errors in it make them proportionally too large or too small.
 */
const NOSE_DEPTH_PER_IOD = 0.5;

interface FaceFrame {
  readonly roll: number;
  readonly iod: number;
  /** Eye-midpoint-to-mouth-midpoint distance along the face's vertical axis (pixels). */
  readonly eyeToMouth: number;
  /** Nose tip relative to the eye midpoint, in the roll-corrected frame (pixels). */
  readonly noseX: number;
  readonly noseY: number;
  /** Horizontal position of the eye–mouth midline at the nose's height. */
  readonly midlineX: number;
}

function faceFrame(points: FivePoints): FaceFrame {
  const [leftEye, rightEye, nose, leftMouth, rightMouth] = points;
  const ex = rightEye.x - leftEye.x;
  const ey = rightEye.y - leftEye.y;
  const roll = Math.atan2(ey, ex);
  const cos = Math.cos(roll);
  const sin = Math.sin(roll);
  const cx = (leftEye.x + rightEye.x) / 2;
  const cy = (leftEye.y + rightEye.y) / 2;
  // Rotate by -roll about the eye midpoint so the eye line is horizontal.
  const toFrame = (x: number, y: number): [number, number] => {
    const dx = x - cx;
    const dy = y - cy;
    return [dx * cos + dy * sin, -dx * sin + dy * cos];
  };
  const [mouthX, mouthY] = toFrame((leftMouth.x + rightMouth.x) / 2, (leftMouth.y + rightMouth.y) / 2);
  const [noseX, noseY] = toFrame(nose.x, nose.y);
  const midlineX = mouthY !== 0 ? (mouthX * noseY) / mouthY : 0;
  return { roll, iod: Math.hypot(ex, ey), eyeToMouth: mouthY, noseX, noseY, midlineX };
}

const TEMPLATE_FRAME = faceFrame(ARCFACE_TEMPLATE);
/** Nose height between eye line (0) and mouth line (1) on a frontal face: ≈0.495 for the template. */
const FRONTAL_NOSE_RATIO = TEMPLATE_FRAME.noseY / TEMPLATE_FRAME.eyeToMouth;
/** Frontal eye-to-mouth distance per inter-ocular distance: ≈1.155 for the template. */
const FRONTAL_EYE_TO_MOUTH_PER_IOD = TEMPLATE_FRAME.eyeToMouth / TEMPLATE_FRAME.iod;

/**
 * Head pose in degrees from the five landmarks alone — a heuristic, good to a few degrees near
 * frontal and increasingly rough beyond ~30°.
 *
 * Model: weak perspective; the eyes and mouth corners lie in one plane, symmetric about the
 * face's midline, and the nose tip sits on that midline {@link NOSE_DEPTH_PER_IOD} × IOD in front
 * of the plane, at the template's frontal height ratio between eye line and mouth line.
 *
 * - roll: angle of the line from the image-left to the image-right eye. Positive = clockwise on
 *   screen (the image-right eye is lower), i.e. the head tilts toward the subject's left shoulder.
 * - yaw: after removing roll, the nose tip's horizontal offset from the eye–mouth midline is
 *   depth·sin(yaw) while the visible inter-ocular distance is IOD·cos(yaw), so
 *   yaw = atan(offset / (depth/IOD · visible IOD)). Positive = nose toward image-right, i.e. the
 *   subject turned toward the image's right (their own left).
 * - pitch: the nose tip's height between the eye and mouth lines moves from its frontal ratio r0
 *   by (depth/eyeToMouth)·tan(pitch). Positive = looking up (nose tip nearer the eye line).
 */
export function estimatePose(points: FivePoints): Pose {
  const f = faceFrame(points);
  const yaw = Math.atan2(f.noseX - f.midlineX, NOSE_DEPTH_PER_IOD * f.iod);
  const pitch = Math.atan2(
    (FRONTAL_NOSE_RATIO * f.eyeToMouth - f.noseY) * FRONTAL_EYE_TO_MOUTH_PER_IOD,
    NOSE_DEPTH_PER_IOD * f.eyeToMouth,
  );
  return { yaw: toDegrees(yaw), pitch: toDegrees(pitch), roll: toDegrees(f.roll) };
}

/**
 * Judges one face. Pass/fail is decided on the rounded values that are reported, so the output is
 * self-consistent: face size, sharpness and brightness to 0.1, angles to 0.1°.
 */
export function assessQuality(
  img: RgbImage,
  box: Box,
  points: FivePoints,
  t: QualityThresholds = defaultQualityThresholds,
): FaceQuality {
  const crop = faceCropGrey(img, box, QUALITY_CROP_SIZE);

  const size = round1(Math.min(box.x2 - box.x1, box.y2 - box.y1));
  const face_size: Measure<'too_small'> = size >= t.minFaceSize ? pass(size) : fail(size, 'too_small');

  const sharp = round1(laplacianVariance(crop, QUALITY_CROP_SIZE, QUALITY_CROP_SIZE));
  const sharpness: Measure<'blurry'> = sharp >= t.minSharpness ? pass(sharp) : fail(sharp, 'blurry');

  const luma = round1(meanLuma(crop));
  const brightness: Measure<'too_dark' | 'too_bright'> =
    luma < t.minBrightness ? fail(luma, 'too_dark') : luma > t.maxBrightness ? fail(luma, 'too_bright') : pass(luma);

  const pose = judgePose(estimatePose(points), t);

  const reasons: QualityReason[] = [];
  for (const r of [face_size.reason, brightness.reason, sharpness.reason, pose.reason]) {
    if (r !== undefined) reasons.push(r);
  }
  return { face_size, sharpness, brightness, pose, pass: reasons.length === 0, reasons };
}

function judgePose(raw: Pose, t: QualityThresholds): PoseMeasure {
  const yaw = round1(raw.yaw);
  const pitch = round1(raw.pitch);
  const roll = round1(raw.roll);
  const axes: [number, number, PoseReason][] = [
    [yaw, t.maxYaw, 'turned_sideways'],
    [pitch, t.maxPitch, 'looking_up_or_down'],
    [roll, t.maxRoll, 'tilted'],
  ];
  let worst: PoseReason | undefined;
  let worstExcess = 1;
  for (const [value, max, reason] of axes) {
    if (Math.abs(value) <= max) continue;
    const excess = max > 0 ? Math.abs(value) / max : Infinity;
    if (worst === undefined || excess > worstExcess) {
      worst = reason;
      worstExcess = excess;
    }
  }
  return worst === undefined ? { yaw, pitch, roll, pass: true } : { yaw, pitch, roll, pass: false, reason: worst };
}

function pass<R extends MeasureReason>(value: number): Measure<R> {
  return { value, pass: true };
}

function fail<R extends MeasureReason>(value: number, reason: R): Measure<R> {
  return { value, pass: false, reason };
}

function assertDimensions(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`invalid dimensions ${width}x${height}`);
  }
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const toDegrees = (rad: number): number => (rad * 180) / Math.PI;
/** Rounds to one decimal; `+ 0` turns -0 into 0 so JSON and equality checks stay clean. */
const round1 = (v: number): number => Math.round(v * 10) / 10 + 0;
