import { describe, expect, it } from 'vitest';
import { judge, oval, sampleHeight, sampleWidth } from './feedback';

/** A sample filled by `colour(x, y)` (fractions of the picture). */
function picture(colour: (x: number, y: number) => [number, number, number]): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(sampleWidth * sampleHeight * 4);
  for (let y = 0; y < sampleHeight; y++) {
    for (let x = 0; x < sampleWidth; x++) {
      const [r, g, b] = colour((x + 0.5) / sampleWidth, (y + 0.5) / sampleHeight);
      rgba.set([r, g, b, 255], (y * sampleWidth + x) * 4);
    }
  }
  return rgba;
}

const skin: [number, number, number] = [214, 170, 140];
const wall: [number, number, number] = [120, 130, 140];
/** Skin inside an ellipse of the oval's centre, `scale` times its size. */
const face = (scale: number) =>
  picture((x, y) =>
    ((x - oval.cx) / (oval.rx * scale)) ** 2 + ((y - oval.cy) / (oval.ry * scale)) ** 2 <= 1 ? skin : wall,
  );

describe('the live guidance', () => {
  it('says too dark, too bright', () => {
    expect(
      judge(
        picture(() => [20, 18, 16]),
        undefined,
      ).feedback,
    ).toBe('dark');
    expect(
      judge(
        picture(() => [250, 250, 250]),
        undefined,
      ).feedback,
    ).toBe('bright');
  });

  it('asks to come closer when the oval holds no face, and to move back when the face overflows it', () => {
    expect(
      judge(
        picture(() => wall),
        undefined,
      ).feedback,
    ).toBe('closer');
    expect(judge(face(0.4), undefined).feedback).toBe('closer');
    expect(judge(face(1.6), undefined).feedback).toBe('farther');
  });

  it('is content with a face filling the oval, and asks to hold still when it moves', () => {
    const still = judge(face(1), undefined);
    expect(still.feedback).toBe('ready');
    expect(judge(face(1), still.sample).feedback).toBe('ready');
    const shifted = picture((x, y) =>
      ((x - oval.cx - 0.2) / oval.rx) ** 2 + ((y - oval.cy) / oval.ry) ** 2 <= 1 ? skin : [40, 60, 200],
    );
    expect(judge(shifted, still.sample).feedback).not.toBe('ready');
  });
});
