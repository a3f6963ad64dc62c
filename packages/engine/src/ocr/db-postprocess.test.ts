import { describe, expect, it } from 'vitest';
import { dbTextBoxes, defaultDbOptions, unclip } from './db-postprocess.js';

/** A probability map with filled rectangles of the given probability. */
function map(width: number, height: number, boxes: { x: number; y: number; w: number; h: number; p: number }[]) {
  const prob = new Float32Array(width * height).fill(0.02);
  for (const b of boxes) {
    for (let y = b.y; y < b.y + b.h; y++) for (let x = b.x; x < b.x + b.w; x++) prob[y * width + x] = b.p;
  }
  return prob;
}

describe('dbTextBoxes', () => {
  it('finds each region, scores it and grows it by the unclip offset', () => {
    const prob = map(100, 60, [
      { x: 10, y: 10, w: 40, h: 8, p: 0.9 },
      { x: 10, y: 40, w: 20, h: 6, p: 0.95 },
    ]);
    const boxes = dbTextBoxes(prob, 100, 60).sort((a, b) => a.rect.cy - b.rect.cy);
    expect(boxes).toHaveLength(2);
    const d = (40 * 8 * defaultDbOptions.unclipRatio) / (2 * (40 + 8));
    expect(boxes[0]!.rect.cx).toBeCloseTo(30, 6);
    expect(boxes[0]!.rect.cy).toBeCloseTo(14, 6);
    expect(boxes[0]!.rect.width).toBeCloseTo(40 + 2 * d, 6);
    expect(boxes[0]!.rect.height).toBeCloseTo(8 + 2 * d, 6);
    expect(boxes[0]!.score).toBeCloseTo(0.9, 5);
    expect(boxes[1]!.score).toBeCloseTo(0.95, 5);
  });

  it('drops regions whose mean probability is under the box threshold, and specks', () => {
    const prob = map(80, 40, [
      { x: 5, y: 5, w: 30, h: 6, p: 0.45 },
      { x: 50, y: 20, w: 2, h: 2, p: 0.99 },
    ]);
    expect(dbTextBoxes(prob, 80, 40)).toEqual([]);
  });

  it('joins diagonal neighbours (8-connectivity)', () => {
    const prob = map(20, 20, [
      { x: 2, y: 2, w: 4, h: 4, p: 0.9 },
      { x: 6, y: 6, w: 4, h: 4, p: 0.9 },
    ]);
    expect(dbTextBoxes(prob, 20, 20)).toHaveLength(1);
  });
});

describe('unclip', () => {
  it('leaves a degenerate rectangle alone', () => {
    const r = { cx: 1, cy: 1, width: 0, height: 0, angle: 0 };
    expect(unclip(r, 1.5)).toEqual(r);
  });
});
