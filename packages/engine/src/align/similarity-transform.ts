import type { Point } from '../image/rgb-image.js';

/** A 2-D affine map: x' = a*x + b*y + tx, y' = c*x + d*y + ty. */
export interface Affine {
  readonly a: number;
  readonly b: number;
  readonly tx: number;
  readonly c: number;
  readonly d: number;
  readonly ty: number;
}

/**
 * ArcFace's reference landmarks for a 112x112 crop, in the order image-left eye, image-right eye,
 * nose tip, image-left mouth corner, image-right mouth corner.
 */
export const arcface112Template: readonly Point[] = Object.freeze([
  Object.freeze({ x: 38.2946, y: 51.6963 }),
  Object.freeze({ x: 73.5318, y: 51.5014 }),
  Object.freeze({ x: 56.0252, y: 71.7366 }),
  Object.freeze({ x: 41.5493, y: 92.3655 }),
  Object.freeze({ x: 70.7299, y: 92.2041 }),
]);

/**
 * Least-squares similarity (rotation, uniform scale >= 0, translation; never a reflection) taking `src` onto `dst`.
 *
 * In 2-D a rotation plus uniform scale is multiplication by a complex number z = s·e^{iθ}, so Umeyama's
 * constrained problem becomes the unconstrained complex regression  dst ≈ z·src + t. Centring both sets
 * removes t, and the normal equation gives z = Σ conj(src̃)·dst̃ / Σ |src̃|², i.e.
 *   Re z = Σ (x̃u + ỹv) / Σ (x̃² + ỹ²),   Im z = Σ (x̃v − ỹu) / Σ (x̃² + ỹ²),
 * after which t = mean(dst) − z·mean(src). det = |z|² ≥ 0, so no reflection can appear.
 */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Affine {
  const n = src.length;
  if (n !== dst.length)
    throw new RangeError(`estimateSimilarity: ${n} source points but ${dst.length} destination points`);
  if (n < 2) throw new RangeError(`estimateSimilarity: needs at least 2 point pairs, got ${n}`);

  let sx = 0;
  let sy = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < n; i++) {
    const p = src[i] as Point;
    const q = dst[i] as Point;
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y) || !Number.isFinite(q.x) || !Number.isFinite(q.y)) {
      throw new RangeError(`estimateSimilarity: point pair ${i} is not finite`);
    }
    sx += p.x;
    sy += p.y;
    dx += q.x;
    dy += q.y;
  }
  const first = src[0] as Point;
  if (src.every((p) => p.x === first.x && p.y === first.y)) {
    throw new RangeError('estimateSimilarity: all source points coincide');
  }
  sx /= n;
  sy /= n;
  dx /= n;
  dy /= n;

  let re = 0;
  let im = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const p = src[i] as Point;
    const q = dst[i] as Point;
    const x = p.x - sx;
    const y = p.y - sy;
    const u = q.x - dx;
    const v = q.y - dy;
    re += x * u + y * v;
    im += x * v - y * u;
    norm += x * x + y * y;
  }
  // Distinct points can still underflow to a zero spread (e.g. subnormal offsets); no scale is recoverable then.
  if (!(norm > 0) || !Number.isFinite(norm)) throw new RangeError('estimateSimilarity: source points have no spread');

  const a = re / norm;
  const c = im / norm;
  return { a, b: -c, tx: dx - (a * sx - c * sy), c, d: a, ty: dy - (c * sx + a * sy) };
}

export function invertAffine(m: Affine): Affine {
  const det = m.a * m.d - m.b * m.c;
  if (det === 0 || !Number.isFinite(det)) throw new RangeError('invertAffine: matrix is singular');
  const a = m.d / det;
  const b = -m.b / det;
  const c = -m.c / det;
  const d = m.a / det;
  return { a, b, tx: -(a * m.tx + b * m.ty), c, d, ty: -(c * m.tx + d * m.ty) };
}

export function applyAffine(m: Affine, p: Point): Point {
  return { x: m.a * p.x + m.b * p.y + m.tx, y: m.c * p.x + m.d * p.y + m.ty };
}
