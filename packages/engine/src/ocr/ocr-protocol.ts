import type { EngineErrorCode } from '../errors.js';
import type { Point } from '../image/rgb-image.js';
import type { WorkerSpan } from '../pool/worker-protocol.js';
import type { RotatedRect } from './rotated-rect.js';

export interface OcrLineResult {
  readonly text: string;
  readonly charConfidences: readonly number[];
  /** Corners in the input image in the text's reading order (top-left, top-right, bottom-right, bottom-left). */
  readonly quad: readonly [Point, Point, Point, Point];
  /** The line in the image turned upright about its centre (see `TextLine.upright`). */
  readonly upright: RotatedRect;
}

/** What one OCR job answers. */
export interface OcrResult {
  readonly image: { readonly width: number; readonly height: number; readonly format: string };
  readonly rotation: number;
  readonly lines: readonly OcrLineResult[];
  readonly cardQuad?: readonly [Point, Point, Point, Point];
  readonly signals: { readonly meanChroma: number; readonly flatPixelShare: number };
  /** The portrait crop (JPEG), when asked for and a face was found. */
  readonly portrait?: Uint8Array;
  readonly timings_ms: Record<'decode' | 'detect' | 'orient' | 'recognise' | 'total', number>;
}

// Errors are sent as data: structured clone keeps only an Error's message, not its code.
export type OcrReply =
  | { ok: true; result: OcrResult; worker: WorkerSpan }
  | { ok: false; code: EngineErrorCode; details?: Record<string, unknown> | undefined; worker: WorkerSpan };
