import sharp from 'sharp';
import { describe, it, expect } from 'vitest';
import { declaredPng, expectEngineError } from '../testing/bad-images.js';
import { decodeImage, defaultImageLimits, sniffImageFormat } from './decode-image.js';

const RED = [255, 0, 0];
const BLUE = [0, 0, 255];

/** A width x height RGB image, blue except for a red `block` x `block` square in the top-left corner. */
function markedRgb(width: number, height: number, block = 16): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set(x < block && y < block ? RED : BLUE, (y * width + x) * 3);
    }
  }
  return data;
}

const rgbSharp = (width: number, height: number) =>
  sharp(markedRgb(width, height), { raw: { width, height, channels: 3 } });

function pixel(image: { width: number; data: Uint8Array }, x: number, y: number): number[] {
  const i = (y * image.width + x) * 3;
  return Array.from(image.data.subarray(i, i + 3));
}

function expectNear(actual: number[], expected: number[], tolerance = 24): void {
  actual.forEach((v, i) => expect(Math.abs(v - (expected[i] ?? NaN))).toBeLessThanOrEqual(tolerance));
}

describe('sniffImageFormat', () => {
  it('recognises JPEG, PNG and WebP by their magic bytes', async () => {
    expect(sniffImageFormat(await rgbSharp(8, 8).jpeg().toBuffer())).toBe('jpeg');
    expect(sniffImageFormat(await rgbSharp(8, 8).png().toBuffer())).toBe('png');
    expect(sniffImageFormat(await rgbSharp(8, 8).webp().toBuffer())).toBe('webp');
  });

  it('rejects other containers and short or empty input', async () => {
    expect(sniffImageFormat(await rgbSharp(8, 8).gif().toBuffer())).toBeUndefined();
    expect(sniffImageFormat(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeUndefined();
    expect(sniffImageFormat(Buffer.from([0xff, 0xd8]))).toBeUndefined();
    expect(sniffImageFormat(new Uint8Array(0))).toBeUndefined();
  });
});

describe('decodeImage', () => {
  it.each(['jpeg', 'png', 'webp'] as const)('decodes a %s to interleaved RGB of the right size', async (format) => {
    const bytes = await rgbSharp(64, 40).toFormat(format).toBuffer();
    const image = await decodeImage(bytes);
    expect(image).toMatchObject({ format, width: 64, height: 40, originalWidth: 64, originalHeight: 40 });
    expect(image.data).toBeInstanceOf(Uint8Array);
    expect(image.data.length).toBe(64 * 40 * 3);
    expect(image.data.buffer.byteLength).toBe(image.data.length); // owns its buffer, so it can be transferred
    expectNear(pixel(image, 2, 2), RED);
    expectNear(pixel(image, 60, 36), BLUE);
  });

  it('keeps exact pixel values of a lossless PNG', async () => {
    const image = await decodeImage(await rgbSharp(64, 40).png().toBuffer());
    expect(Buffer.from(image.data).equals(markedRgb(64, 40))).toBe(true);
  });

  it('expands a grayscale PNG to three equal channels', async () => {
    const gray = Buffer.alloc(40 * 40, 200);
    const bytes = await sharp(gray, { raw: { width: 40, height: 40, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect((await sharp(bytes).metadata()).channels).toBe(1);

    const image = await decodeImage(bytes);
    expect(image.data.length).toBe(40 * 40 * 3);
    expect(pixel(image, 10, 10)).toEqual([200, 200, 200]);
  });

  it('flattens an RGBA PNG onto white', async () => {
    const rgba = Buffer.alloc(40 * 40 * 4);
    for (let i = 0; i < rgba.length; i += 4) rgba.set([0, 0, 255, 255], i);
    rgba.set([0, 0, 0, 0], 0); // top-left pixel: fully transparent black
    const bytes = await sharp(rgba, { raw: { width: 40, height: 40, channels: 4 } })
      .png()
      .toBuffer();

    const image = await decodeImage(bytes);
    expect(image.data.length).toBe(40 * 40 * 3);
    expect(pixel(image, 0, 0)).toEqual([255, 255, 255]);
    expect(pixel(image, 1, 0)).toEqual(BLUE);
  });

  it('converts a CMYK JPEG to three-channel sRGB', async () => {
    const bytes = await rgbSharp(64, 40).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(bytes).metadata()).channels).toBe(4);

    const image = await decodeImage(bytes);
    expect(image.data.length).toBe(64 * 40 * 3);
    const [r = 0, g = 0, b = 0] = pixel(image, 60, 36);
    expect(b).toBeGreaterThan(Math.max(r, g) + 50);
  });

  it('applies EXIF orientation 6 (rotate 90° clockwise)', async () => {
    const bytes = await rgbSharp(64, 40).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(bytes).metadata()).orientation).toBe(6);

    const image = await decodeImage(bytes);
    expect(image).toMatchObject({ width: 40, height: 64, originalWidth: 64, originalHeight: 40 });
    expectNear(pixel(image, 37, 2), RED); // the stored top-left corner is now top-right
    expectNear(pixel(image, 2, 2), BLUE);
  });

  it('refuses a decompression bomb from its header alone', async () => {
    const bomb = declaredPng(30_000, 30_000);
    expect(bomb.length).toBeLessThan(1024);

    const error = await expectEngineError(decodeImage(bomb), 'image.too_large');
    expect(error.details).toEqual({ width: 30_000, height: 30_000, maxPixels: defaultImageLimits.maxPixels });
  });

  it('reports a truncated JPEG as corrupt without leaking the decoder message', async () => {
    const noise = Buffer.alloc(200 * 120 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
    const jpeg = await sharp(noise, { raw: { width: 200, height: 120, channels: 3 } })
      .jpeg()
      .toBuffer();
    // Cut inside the entropy-coded scan, so the header is intact and only the pixel data is missing.
    const startOfScan = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    expect(startOfScan).toBeGreaterThan(0);
    const truncated = jpeg.subarray(0, startOfScan + (jpeg.length - startOfScan) / 2);
    await expect(sharp(truncated).metadata()).resolves.toMatchObject({ width: 200, height: 120 });

    const error = await expectEngineError(decodeImage(truncated), 'image.corrupt');
    expect(error.details?.['cause']).toEqual(expect.any(String));
  });

  it('reports a damaged header as corrupt', async () => {
    const png = await rgbSharp(64, 40).png().toBuffer();
    await expectEngineError(decodeImage(png.subarray(0, 20)), 'image.corrupt');
  });

  it('rejects empty input as an unsupported format', async () => {
    await expectEngineError(decodeImage(new Uint8Array(0)), 'image.unsupported_format');
  });

  it('rejects text and GIF as unsupported formats', async () => {
    await expectEngineError(decodeImage(Buffer.from('hello this is text')), 'image.unsupported_format');
    const gif = await rgbSharp(64, 40).gif().toBuffer();
    await expectEngineError(decodeImage(gif), 'image.unsupported_format');
  });

  it('rejects an image with a side below minSide', async () => {
    const tiny = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    await expectEngineError(decodeImage(tiny), 'image.too_small');
    const thin = await rgbSharp(200, 31).png().toBuffer();
    await expectEngineError(decodeImage(thin), 'image.too_small');
  });

  it('rejects input over maxBytes before looking at its contents', async () => {
    const limits = { ...defaultImageLimits, maxBytes: 100 };
    const png = await rgbSharp(64, 40).png().toBuffer();
    expect(png.length).toBeGreaterThan(100);
    await expectEngineError(decodeImage(png, limits), 'image.too_large');
    await expectEngineError(decodeImage(Buffer.alloc(101, 0x41), limits), 'image.too_large');
  });

  it('enforces a custom pixel limit', async () => {
    const png = await rgbSharp(64, 40).png().toBuffer();
    await expectEngineError(decodeImage(png, { ...defaultImageLimits, maxPixels: 64 * 40 - 1 }), 'image.too_large');
    await expect(decodeImage(png, { ...defaultImageLimits, maxPixels: 64 * 40 })).resolves.toMatchObject({
      width: 64,
    });
  });
});
