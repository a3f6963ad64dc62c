import type { Point } from '../image/rgb-image.js';
import { minAreaRect, type RotatedRect } from './rotated-rect.js';

/** A text region found on the probability map of a DB (differentiable binarisation) detector. */
export interface TextBox {
  /** In the coordinates of the map, already grown by the unclip ratio. */
  readonly rect: RotatedRect;
  /** Mean text probability inside the region, before growing. */
  readonly score: number;
}

export interface DbOptions {
  /** A pixel is text when its probability exceeds this (PaddleOCR's `det_db_thresh`, 0.3). */
  readonly binaryThreshold: number;
  /** A region is kept when its mean probability reaches this (`det_db_box_thresh`, 0.6). */
  readonly boxThreshold: number;
  /**
   * DB shrinks text regions during training; a region is grown back by area × ratio / perimeter on each side
   * (`det_db_unclip_ratio`, 1.5).
   */
  readonly unclipRatio: number;
  /** Regions whose shorter side is below this many map pixels are dropped (3). */
  readonly minSide: number;
  readonly maxRegions: number;
}

export const defaultDbOptions: DbOptions = Object.freeze({
  binaryThreshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.6,
  minSide: 3,
  maxRegions: 1000,
});

/**
 * Turns a `width × height` text probability map into text boxes: binarise, label 8-connected regions, fit each a
 * minimum-area rectangle, score it, grow it. Our own implementation of the post-processing the DB paper describes.
 */
export function dbTextBoxes(
  prob: Float32Array,
  width: number,
  height: number,
  options: DbOptions = defaultDbOptions,
): TextBox[] {
  const labels = new Int32Array(width * height).fill(-1);
  const boxes: TextBox[] = [];
  const stack: number[] = [];
  let regions = 0;
  for (let start = 0; start < prob.length; start++) {
    if (labels[start] !== -1 || (prob[start] ?? 0) <= options.binaryThreshold) continue;
    if (regions++ >= options.maxRegions) break;
    // Flood fill; keep each row's leftmost and rightmost pixel, which is all the hull needs.
    const rowMin = new Map<number, number>();
    const rowMax = new Map<number, number>();
    let sum = 0;
    let count = 0;
    labels[start] = regions;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      sum += prob[i] ?? 0;
      count++;
      if (!(x >= (rowMin.get(y) ?? Infinity))) rowMin.set(y, x);
      if (!(x <= (rowMax.get(y) ?? -Infinity))) rowMax.set(y, x);
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width || (dx === 0 && dy === 0)) continue;
          const j = ny * width + nx;
          if (labels[j] === -1 && (prob[j] ?? 0) > options.binaryThreshold) {
            labels[j] = regions;
            stack.push(j);
          }
        }
      }
    }
    const score = sum / count;
    if (score < options.boxThreshold) continue;
    const points: Point[] = [];
    for (const [y, x0] of rowMin) {
      const x1 = rowMax.get(y)!;
      points.push({ x: x0, y }, { x: x1 + 1, y }, { x: x0, y: y + 1 }, { x: x1 + 1, y: y + 1 });
    }
    const rect = minAreaRect(points);
    if (Math.min(rect.width, rect.height) < options.minSide) continue;
    boxes.push({ rect: unclip(rect, options.unclipRatio), score });
  }
  return boxes;
}

/** Grows a rectangle on every side by area × ratio / perimeter (the offset DB's label shrinking undid). */
export function unclip(rect: RotatedRect, ratio: number): RotatedRect {
  const perimeter = 2 * (rect.width + rect.height);
  if (perimeter === 0) return rect;
  const d = (rect.width * rect.height * ratio) / perimeter;
  return { ...rect, width: rect.width + 2 * d, height: rect.height + 2 * d };
}
