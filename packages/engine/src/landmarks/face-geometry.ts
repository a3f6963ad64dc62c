import type { Point } from '../image/rgb-image.js';

/**
 * Geometry of the 68 iBUG landmarks for action liveness: eye and mouth aspect ratios and head pose. Pure math;
 * measured distributions and the thresholds built on them are in docs/liveness.md.
 */

const dist = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);

function at(pts: readonly Point[], i: number): Point {
  const p = pts[i];
  if (!p) throw new RangeError(`expected 68 landmarks, got ${pts.length}`);
  return p;
}

/**
 * Eye aspect ratio (Soukupová & Čech 2016) of one eye given its six points p1..p6 (corner, two upper lid, corner,
 * two lower lid): (|p2-p6| + |p3-p5|) / (2 |p1-p4|). 0 when the corners coincide.
 */
export function eyeAspectRatio(p: readonly [Point, Point, Point, Point, Point, Point]): number {
  const width = dist(p[0], p[3]);
  if (width === 0) return 0;
  return (dist(p[1], p[5]) + dist(p[2], p[4])) / (2 * width);
}

/** Mean EAR of both eyes from the 68 points (36-41 and 42-47). */
export function eyesAspectRatio(pts: readonly Point[]): number {
  const eye = (s: number) =>
    eyeAspectRatio([at(pts, s), at(pts, s + 1), at(pts, s + 2), at(pts, s + 3), at(pts, s + 4), at(pts, s + 5)]);
  return (eye(36) + eye(42)) / 2;
}

/**
 * Mouth aspect ratio: mean inner-lip opening (61-67, 62-66, 63-65) over the inner mouth width (60-64).
 * ~0 closed; wide open ≈ 0.5 and more.
 */
export function mouthAspectRatio(pts: readonly Point[]): number {
  const width = dist(at(pts, 60), at(pts, 64));
  if (width === 0) return 0;
  const open = dist(at(pts, 61), at(pts, 67)) + dist(at(pts, 62), at(pts, 66)) + dist(at(pts, 63), at(pts, 65));
  return open / (3 * width);
}

export interface HeadPose {
  /** Degrees; > 0 = the person turned to their own left (nose toward the image's right edge). */
  readonly yaw: number;
  /** Degrees; > 0 = looking up. */
  readonly pitch: number;
  /** Degrees; > 0 = tilted clockwise on screen (the image-right eye lower). */
  readonly roll: number;
}

/**
 * A sparse rigid face model in millimetres (x toward the image's right on a frontal face, y down, z away from the
 * camera, nose tip at the origin), from rough adult anthropometry: outer eye corners 90 mm apart and 35 mm behind
 * the nose tip, inner corners 32 mm apart, nose tip 40 mm below the eye line, mouth corners 50 mm apart. The nose
 * points' height was tuned so that LFW's news photos read a median pitch of about 0° (docs/liveness.md). Only
 * points that stay rigid: no jaw contour (it slides with yaw), no lips or chin (they move when the mouth opens),
 * no brows (they move with expression).
 */
export const headModel: readonly {
  readonly index: number;
  readonly x: number;
  readonly y: number;
  readonly z: number;
}[] = [
  { index: 27, x: 0, y: -8, z: 20 }, // nose root
  { index: 30, x: 0, y: 40, z: 0 }, // nose tip
  { index: 31, x: -14, y: 47, z: 18 }, // alar base, image left
  { index: 33, x: 0, y: 50, z: 12 }, // subnasale
  { index: 35, x: 14, y: 47, z: 18 }, // alar base, image right
  { index: 36, x: -45, y: 0, z: 35 }, // outer eye corner, image left
  { index: 39, x: -16, y: 0, z: 27 }, // inner eye corner, image left
  { index: 42, x: 16, y: 0, z: 27 }, // inner eye corner, image right
  { index: 45, x: 45, y: 0, z: 35 }, // outer eye corner, image right
  { index: 48, x: -25, y: 75, z: 25 }, // mouth corner, image left
  { index: 54, x: 25, y: 75, z: 25 }, // mouth corner, image right
];

/**
 * Head pose from the 68 points by fitting {@link headModel} under weak perspective (scaled orthographic
 * projection): the linear least-squares 2x3 map from the centred model to the centred image points, its two rows
 * orthonormalised into a rotation (the closed-form first step of POSIT). Good to a few degrees within ±40° on
 * synthetic projections; a face's own shape biases it by a few degrees (docs/liveness.md).
 */
export function headPose(pts: readonly Point[], model: typeof headModel = headModel): HeadPose {
  const n = model.length;
  let mx = 0;
  let my = 0;
  let mz = 0;
  let ix = 0;
  let iy = 0;
  for (const m of model) {
    const p = at(pts, m.index);
    mx += m.x;
    my += m.y;
    mz += m.z;
    ix += p.x;
    iy += p.y;
  }
  mx /= n;
  my /= n;
  mz /= n;
  ix /= n;
  iy /= n;
  // Normal equations: A = Σ P Pᵀ (3x3), B = Σ p Pᵀ (2x3); M = B A⁻¹.
  const A = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const B = [0, 0, 0, 0, 0, 0];
  for (const m of model) {
    const p = at(pts, m.index);
    const P = [m.x - mx, m.y - my, m.z - mz];
    const q = [p.x - ix, p.y - iy];
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) A[r * 3 + c]! += P[r]! * P[c]!;
      B[r]! += q[0]! * P[r]!;
      B[3 + r]! += q[1]! * P[r]!;
    }
  }
  const inv = invert3(A);
  const row = (k: 0 | 1): [number, number, number] => [
    B[k * 3]! * inv[0]! + B[k * 3 + 1]! * inv[3]! + B[k * 3 + 2]! * inv[6]!,
    B[k * 3]! * inv[1]! + B[k * 3 + 1]! * inv[4]! + B[k * 3 + 2]! * inv[7]!,
    B[k * 3]! * inv[2]! + B[k * 3 + 1]! * inv[5]! + B[k * 3 + 2]! * inv[8]!,
  ];
  const r1 = normalise(row(0));
  const m2 = row(1);
  const d = dot(m2, r1);
  const r2 = normalise([m2[0] - d * r1[0], m2[1] - d * r1[1], m2[2] - d * r1[2]]);
  const r3 = cross(r1, r2);
  // Rotation = Rz(roll) · Ry(-yaw) · Rx(-pitch): roll is the in-screen tilt, applied last. The model's x axis (the
  // rotation's first column) has slope tan(roll) on screen whatever yaw and pitch are.
  const roll = Math.atan2(r2[0], r1[0]);
  // The model's forward direction (toward the camera, -z) in camera coordinates, with the roll taken out.
  const c = Math.cos(roll);
  const s = Math.sin(roll);
  const fx = -r1[2];
  const fy = -r2[2];
  const fz = -r3[2];
  const ux = c * fx + s * fy;
  const uy = -s * fx + c * fy;
  const yaw = Math.atan2(ux, -fz);
  const pitch = Math.atan2(-uy, Math.hypot(ux, fz));
  return { yaw: toDegrees(yaw), pitch: toDegrees(pitch), roll: toDegrees(roll) };
}

type Vec3 = readonly [number, number, number];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
function normalise(v: Vec3): [number, number, number] {
  const l = Math.hypot(v[0], v[1], v[2]);
  if (!(l > 0)) throw new RangeError('degenerate landmarks: cannot fit a head pose');
  return [v[0] / l, v[1] / l, v[2] / l];
}

function invert3(m: readonly number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!(Math.abs(det) > 1e-12)) throw new RangeError('degenerate head model');
  return [
    A / det,
    -(b * i - c * h) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det,
  ];
}

const toDegrees = (r: number): number => (r * 180) / Math.PI;
