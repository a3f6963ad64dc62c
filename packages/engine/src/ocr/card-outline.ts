import { cropResize } from '../image/crop-resize.js';
import type { Point, RgbImage } from '../image/rgb-image.js';
import { minAreaRect, rectCorners } from './rotated-rect.js';

/**
 * The card's outline: the largest region that differs from the background colour (the median of the image's
 * border pixels), fitted with a minimum-area rectangle. Undefined when no region covers at least `minShare` of
 * the image or the region touches every border (the card fills the frame, or the background is too busy to tell).
 * Corners clockwise from the one nearest the image's top-left.
 */
export function cardOutline(img: RgbImage, minShare = 0.12): [Point, Point, Point, Point] | undefined {
  const scale = Math.min(1, 256 / Math.max(img.width, img.height));
  const w = Math.max(8, Math.round(img.width * scale));
  const h = Math.max(8, Math.round(img.height * scale));
  const small = cropResize(img, { x: 0, y: 0, width: img.width, height: img.height }, w, h);
  const border: number[][] = [[], [], []];
  for (let x = 0; x < w; x++) {
    for (const y of [0, h - 1]) for (let c = 0; c < 3; c++) border[c]!.push(small.data[(y * w + x) * 3 + c]!);
  }
  for (let y = 0; y < h; y++) {
    for (const x of [0, w - 1]) for (let c = 0; c < 3; c++) border[c]!.push(small.data[(y * w + x) * 3 + c]!);
  }
  const bg = border.map((values) => values.sort((a, b) => a - b)[values.length >> 1]!);
  const mask = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    let d = 0;
    for (let c = 0; c < 3; c++) d += Math.abs(small.data[i * 3 + c]! - bg[c]!);
    mask[i] = d > 60 ? 1 : 0;
  }
  // Largest 8-connected region.
  const label = new Int32Array(w * h);
  let best: number[] = [];
  let next = 0;
  for (let start = 0; start < w * h; start++) {
    if (!mask[start] || label[start]) continue;
    next++;
    const members: number[] = [];
    const stack = [start];
    label[start] = next;
    while (stack.length) {
      const i = stack.pop()!;
      members.push(i);
      const x = i % w;
      const y = (i - x) / w;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const j = ny * w + nx;
          if (mask[j] && !label[j]) {
            label[j] = next;
            stack.push(j);
          }
        }
      }
    }
    if (members.length > best.length) best = members;
  }
  if (best.length < minShare * w * h) return undefined;
  const rowMin = new Map<number, number>();
  const rowMax = new Map<number, number>();
  let touches = 0;
  for (const i of best) {
    const x = i % w;
    const y = (i - x) / w;
    if (x === 0 || y === 0 || x === w - 1 || y === h - 1) touches++;
    rowMin.set(y, Math.min(rowMin.get(y) ?? x, x));
    rowMax.set(y, Math.max(rowMax.get(y) ?? x, x));
  }
  if (touches > 0.5 * (w + h)) return undefined;
  const points: Point[] = [];
  for (const [y, x0] of rowMin) {
    const x1 = rowMax.get(y)!;
    points.push({ x: x0, y }, { x: x1 + 1, y }, { x: x0, y: y + 1 }, { x: x1 + 1, y: y + 1 });
  }
  const rect = minAreaRect(points);
  const sx = img.width / w;
  const sy = img.height / h;
  return rectCorners(rect).map((p) => ({ x: round(p.x * sx), y: round(p.y * sy) })) as [Point, Point, Point, Point];
}

const round = (v: number): number => Math.round(v * 10) / 10;

/** Mean chroma (max - min of R, G, B) and the share of exactly equal horizontal neighbours, inside `box`. */
export function imageSignals(
  img: RgbImage,
  box: { x1: number; y1: number; x2: number; y2: number },
): { meanChroma: number; flatPixelShare: number } {
  const x1 = Math.max(0, Math.floor(box.x1));
  const y1 = Math.max(0, Math.floor(box.y1));
  const x2 = Math.min(img.width, Math.ceil(box.x2));
  const y2 = Math.min(img.height, Math.ceil(box.y2));
  let chroma = 0;
  let pixels = 0;
  let flat = 0;
  let pairs = 0;
  const d = img.data;
  for (let y = y1; y < y2; y++) {
    for (let x = x1; x < x2; x++) {
      const i = (y * img.width + x) * 3;
      const r = d[i]!;
      const g = d[i + 1]!;
      const b = d[i + 2]!;
      chroma += Math.max(r, g, b) - Math.min(r, g, b);
      pixels++;
      if (x + 1 < x2) {
        pairs++;
        if (r === d[i + 3] && g === d[i + 4] && b === d[i + 5]) flat++;
      }
    }
  }
  return {
    meanChroma: pixels ? Math.round((chroma / pixels) * 100) / 100 : 0,
    flatPixelShare: pairs ? Math.round((flat / pairs) * 1000) / 1000 : 0,
  };
}
