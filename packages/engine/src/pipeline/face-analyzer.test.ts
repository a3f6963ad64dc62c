import { describe, expect, it } from 'vitest';
import type { Box } from '../image/rgb-image.js';
import { choosePrimaryFace } from './face-analyzer.js';

const face = (x1: number, y1: number, x2: number, y2: number): { box: Box } => ({ box: { x1, y1, x2, y2 } });
const img = { width: 400, height: 300 };

// Hand-made: a small face at the image centre, a large one in the top-left corner, a medium one bottom-right.
const small = face(190, 140, 210, 160); // area 400, centre (200, 150)
const large = face(0, 0, 100, 100); // area 10 000, centre (50, 50)
const medium = face(300, 200, 380, 290); // area 7 200, centre (340, 245)

describe('choosePrimaryFace', () => {
  it('picks the largest box by default rule "largest", wherever it is in the list', () => {
    expect(choosePrimaryFace([small, large, medium], img, 'largest')).toBe(1);
    expect(choosePrimaryFace([large, medium, small], img, 'largest')).toBe(0);
    expect(choosePrimaryFace([medium, small, large], img, 'largest')).toBe(2);
  });

  it('picks the box whose centre is nearest the image centre with "central"', () => {
    expect(choosePrimaryFace([small, large, medium], img, 'central')).toBe(0);
    expect(choosePrimaryFace([large, medium, small], img, 'central')).toBe(2);
    // Nearest by the box centre, not by a corner: this box's top-left corner is the image centre, its centre is not.
    const cornerAtCentre = face(200, 150, 260, 210); // centre (230, 180), distance ≈ 42.4
    const offCentre = face(150, 100, 220, 170); // centre (185, 135), distance ≈ 21.2
    expect(choosePrimaryFace([cornerAtCentre, offCentre], img, 'central')).toBe(1);
  });

  it('returns the first of equally good faces, and 0 for a single face', () => {
    expect(choosePrimaryFace([face(0, 0, 10, 10), face(50, 50, 60, 60)], img, 'largest')).toBe(0);
    // Both centres are 100 px from (200, 150).
    expect(choosePrimaryFace([face(90, 140, 110, 160), face(290, 140, 310, 160)], img, 'central')).toBe(0);
    expect(choosePrimaryFace([medium], img, 'largest')).toBe(0);
    expect(choosePrimaryFace([medium], img, 'central')).toBe(0);
  });
});
