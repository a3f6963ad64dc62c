import type { Point } from '../image/rgb-image.js';

/**
 * A rectangle of any orientation: its centre, its side along `angle` (`width`) and the side across it (`height`).
 * `angle` is in radians in image coordinates (x right, y down), so a positive angle slopes down to the right.
 */
export interface RotatedRect {
  readonly cx: number;
  readonly cy: number;
  readonly width: number;
  readonly height: number;
  readonly angle: number;
}

const cross = (o: Point, a: Point, b: Point): number => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);

/** Convex hull (Andrew's monotone chain), counter-clockwise in a y-up frame, without collinear points. */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (sorted.length <= 2) return sorted;
  const lower: Point[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/**
 * The smallest-area enclosing rectangle of a point set: one of its sides lies on an edge of the convex hull, so
 * every hull edge direction is tried. Among the two sides the one nearer horizontal is reported as `width`.
 */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) return { cx: 0, cy: 0, width: 0, height: 0, angle: 0 };
  if (hull.length === 1) return { cx: hull[0]!.x, cy: hull[0]!.y, width: 0, height: 0, angle: 0 };
  let best: RotatedRect | undefined;
  let bestArea = Number.POSITIVE_INFINITY;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (len === 0) continue;
    const ux = (b.x - a.x) / len;
    const uy = (b.y - a.y) / len;
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const p of hull) {
      const u = p.x * ux + p.y * uy;
      const v = -p.x * uy + p.y * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = {
        cx: cu * ux - cv * uy,
        cy: cu * uy + cv * ux,
        width: maxU - minU,
        height: maxV - minV,
        angle: Math.atan2(uy, ux),
      };
    }
  }
  return nearHorizontal(best ?? { cx: hull[0]!.x, cy: hull[0]!.y, width: 0, height: 0, angle: 0 });
}

/** The same rectangle described with its angle in [-45°, 45°): `width` is the side nearer the x axis. */
export function nearHorizontal(rect: RotatedRect): RotatedRect {
  let { width, height, angle } = rect;
  // Fold into [-90°, 90°), then swap the sides if the rectangle's nearer-horizontal side is the other one.
  while (angle >= Math.PI / 2) angle -= Math.PI;
  while (angle < -Math.PI / 2) angle += Math.PI;
  if (angle >= Math.PI / 4) {
    angle -= Math.PI / 2;
    [width, height] = [height, width];
  } else if (angle < -Math.PI / 4) {
    angle += Math.PI / 2;
    [width, height] = [height, width];
  }
  return { cx: rect.cx, cy: rect.cy, width, height, angle };
}

/** Corners in the order top-left, top-right, bottom-right, bottom-left (for a rectangle within ±45° of level). */
export function rectCorners(rect: RotatedRect): [Point, Point, Point, Point] {
  const ux = Math.cos(rect.angle);
  const uy = Math.sin(rect.angle);
  const hw = rect.width / 2;
  const hh = rect.height / 2;
  const at = (su: number, sv: number): Point => ({
    x: rect.cx + su * hw * ux - sv * hh * uy,
    y: rect.cy + su * hw * uy + sv * hh * ux,
  });
  return [at(-1, -1), at(1, -1), at(1, 1), at(-1, 1)];
}
