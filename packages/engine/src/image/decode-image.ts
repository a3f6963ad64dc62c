import sharp, { type OutputInfo } from 'sharp';
import { EngineError } from '../errors.js';
import type { RgbImage } from './rgb-image.js';

export interface ImageLimits {
  /** Largest accepted encoded file, in bytes. */
  readonly maxBytes: number;
  /** Largest accepted `width * height`, as declared by the file header. */
  readonly maxPixels: number;
  /** Smallest accepted width or height, in pixels. */
  readonly minSide: number;
}

export const defaultImageLimits: ImageLimits = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxPixels: 40_000_000,
  minSide: 32,
});

export type ImageFormat = 'jpeg' | 'png' | 'webp';

export interface DecodedImage extends RgbImage {
  readonly format: ImageFormat;
  /** Dimensions as stored in the file, before EXIF orientation is applied. */
  readonly originalWidth: number;
  readonly originalHeight: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const startsWith = (bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + prefix.length && prefix.every((b, i) => bytes[offset + i] === b);

const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

/** Identifies the container by its magic bytes alone; the file extension and MIME type are never trusted. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  return undefined;
}

const corrupt = (cause: unknown): EngineError =>
  // The decoder's own message stays out of the public message: it names libraries and internals.
  new EngineError('image.corrupt', { cause: cause instanceof Error ? cause.message : String(cause) });

/**
 * Turns untrusted JPEG/PNG/WebP bytes into upright 8-bit sRGB. Everything that can be checked
 * cheaply (size, magic bytes, header dimensions) is checked before any pixel is decoded, so a
 * decompression bomb is refused after reading only its header.
 */
export async function decodeImage(bytes: Uint8Array, limits: ImageLimits = defaultImageLimits): Promise<DecodedImage> {
  // An empty body carries no format at all, so it is reported as unsupported rather than corrupt.
  if (bytes.length === 0) throw new EngineError('image.unsupported_format', { reason: 'empty' });
  if (bytes.length > limits.maxBytes) {
    throw new EngineError('image.too_large', { bytes: bytes.length, maxBytes: limits.maxBytes });
  }
  const format = sniffImageFormat(bytes);
  if (format === undefined) throw new EngineError('image.unsupported_format');

  // metadata() parses the header only; no pixel data is decoded here. Its own pixel limit is
  // switched off so that an oversized header is reported below as too_large, not as corrupt.
  let width: number;
  let height: number;
  try {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (meta.format !== format) throw new Error(`header says ${meta.format}, magic bytes say ${format}`);
    ({ width, height } = meta);
  } catch (error) {
    throw corrupt(error);
  }
  if (width * height > limits.maxPixels) {
    throw new EngineError('image.too_large', { width, height, maxPixels: limits.maxPixels });
  }
  if (Math.min(width, height) < limits.minSide) {
    throw new EngineError('image.too_small', { width, height, minSide: limits.minSide });
  }

  let decoded: { data: Uint8Array; info: OutputInfo };
  try {
    decoded = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'truncated' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw()
      // A Uint8Array over its own ArrayBuffer (not a pooled Buffer slice) can be transferred between workers.
      .toUint8Array();
  } catch (error) {
    throw corrupt(error);
  }
  const { data, info } = decoded;
  if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
    throw corrupt(`decoder produced ${info.channels} channels, ${data.length} bytes`);
  }
  return {
    format,
    width: info.width,
    height: info.height,
    data,
    originalWidth: width,
    originalHeight: height,
  };
}
