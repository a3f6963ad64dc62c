import { crc32, deflateSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { EngineError, engineErrorMessages, type EngineErrorCode } from '../errors.js';

/** The repository's fixture photos (fixtures/README.md). */
export const fixturePath = (name: string): string =>
  fileURLToPath(new URL(`../../../../fixtures/${name}`, import.meta.url));
export const readFixture = (name: string): Buffer => readFileSync(fixturePath(name));

export async function expectEngineError(promise: Promise<unknown>, code: EngineErrorCode): Promise<EngineError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  // By name, not instanceof: the pool tests see the built package's EngineError class, not the source's.
  expect(error).toBeInstanceOf(Error);
  expect(error).toMatchObject({ name: 'EngineError', code, message: engineErrorMessages[code] });
  return error as EngineError;
}

export function pngChunk(type: string, body: Buffer): Buffer {
  const typeAndBody = Buffer.concat([Buffer.from(type, 'ascii'), body]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndBody));
  return Buffer.concat([length, typeAndBody, crc]);
}

/** A well-formed PNG header declaring `width` x `height` RGB, followed by only a few rows of data. */
export function declaredPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, adaptive filter, no interlace
  const someRows = deflateSync(Buffer.alloc((1 + width * 3) * 4));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', someRows),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The inputs every image entry point must turn into a typed error, never a crash or a hang. */
export function badImages(validJpeg: Buffer): { name: string; bytes: Uint8Array; code: EngineErrorCode }[] {
  return [
    { name: 'zero bytes', bytes: new Uint8Array(0), code: 'image.unsupported_format' },
    { name: 'a text file named .jpg', bytes: Buffer.from('this is not an image\n'), code: 'image.unsupported_format' },
    {
      name: 'a truncated JPEG',
      bytes: validJpeg.subarray(0, Math.floor(validJpeg.length * 0.6)),
      code: 'image.corrupt',
    },
    { name: 'a PNG declaring 30000 x 30000', bytes: declaredPng(30000, 30000), code: 'image.too_large' },
    { name: 'a 1x1 image', bytes: declaredPng(1, 1), code: 'image.too_small' },
  ];
}
