import { performance } from 'node:perf_hooks';
import { threadId, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { EngineError } from '../errors.js';
import type { Point } from '../image/rgb-image.js';
import { decodeImage, type ImageLimits } from '../image/decode-image.js';
import { area, detectFaces, ultrafaceSpec } from '../detect/ultraface-detector.js';
import type { RgbImage } from '../image/rgb-image.js';
import { openVerifiedSession } from '../models/model-files.js';
import type ort from 'onnxruntime-node';
import { cardOutline, imageSignals } from './card-outline.js';
import { createTextReader, type TextReader } from './text-reader.js';
import type { OcrReply, OcrResult } from './ocr-protocol.js';

export interface OcrWorkerConfig {
  readonly modelDir: string;
  readonly intraOpThreads: number;
  readonly imageLimits: ImageLimits;
}

// One reader per worker thread, created on the first job so that an idle pool costs no model memory.
let reader: Promise<TextReader> | undefined;
// The face detector, for the portrait crop, opened on the first job that asks for one.
let faceDetector: Promise<ort.InferenceSession> | undefined;

export interface OcrTask {
  readonly bytes: Uint8Array;
  /** Also crop the card's portrait (the largest face), as a JPEG. */
  readonly portrait: boolean;
}

export default async function readInWorker({ bytes, portrait: wantPortrait }: OcrTask): Promise<OcrReply> {
  const startedAt = performance.timeOrigin + performance.now();
  const worker = () => ({ threadId, startedAt, finishedAt: performance.timeOrigin + performance.now() });
  try {
    const config = workerData as OcrWorkerConfig;
    // Card pixels must not outlive the request in libvips's operation cache.
    sharp.cache(false);
    reader ??= createTextReader({ modelDir: config.modelDir, intraOpThreads: config.intraOpThreads });
    const ready = await reader;
    const t0 = performance.now();
    const img = await decodeImage(bytes, config.imageLimits);
    const t1 = performance.now();
    const reading = await ready.read(img);
    const xs = reading.lines.flatMap((l) => l.quad.map((p) => p.x));
    const ys = reading.lines.flatMap((l) => l.quad.map((p) => p.y));
    const textArea = xs.length
      ? { x1: Math.min(...xs), y1: Math.min(...ys), x2: Math.max(...xs), y2: Math.max(...ys) }
      : { x1: 0, y1: 0, x2: img.width, y2: img.height };
    const quad = cardOutline(img);
    let portrait: Uint8Array | undefined;
    if (wantPortrait) {
      faceDetector ??= openVerifiedSession(config.modelDir, ultrafaceSpec.file, {
        intraOpThreads: config.intraOpThreads,
      });
      portrait = await cropPortrait(await faceDetector, img, reading.rotation);
    }
    const result: OcrResult = {
      image: { width: img.width, height: img.height, format: img.format },
      rotation: reading.rotation,
      lines: reading.lines.map((l) => ({
        text: l.text,
        charConfidences: l.charConfidences.map((c) => Math.round(c * 10000) / 10000),
        quad: [at(l.quad[0]), at(l.quad[1]), at(l.quad[2]), at(l.quad[3])],
        upright: l.upright,
      })),
      ...(quad ? { cardQuad: quad } : {}),
      signals: imageSignals(img, textArea),
      ...(portrait ? { portrait } : {}),
      timings_ms: {
        decode: round(t1 - t0),
        ...reading.timings_ms,
        total: round(performance.now() - t0),
      },
    };
    return { ok: true, result, worker: worker() };
  } catch (error) {
    // A failed model load must not stay cached as the reader for every later job of this worker.
    await reader?.catch(() => {
      reader = undefined;
    });
    await faceDetector?.catch(() => {
      faceDetector = undefined;
    });
    if (error instanceof EngineError) {
      return { ok: false, code: error.code, details: error.details, worker: worker() };
    }
    throw error;
  }
}

const at = (p: Point): Point => ({ x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 });
const round = (ms: number): number => Math.round(ms * 100) / 100;

/**
 * The card's portrait: the image turned upright by the text's direction (to the nearest quarter turn), the largest
 * face found, and a 3:4 crop around it scaled 1.7× — about the printed photo's framing. Undefined without a face.
 */
async function cropPortrait(
  detector: ort.InferenceSession,
  img: RgbImage,
  rotation: number,
): Promise<Uint8Array | undefined> {
  const quarter = ((Math.round(rotation / 90) % 4) + 4) % 4;
  const raw = { raw: { width: img.width, height: img.height, channels: 3 as const } };
  const turned = await sharp(img.data, raw)
    .rotate(-quarter * 90)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const upright: RgbImage = { width: turned.info.width, height: turned.info.height, data: turned.data };
  const faces = await detectFaces(detector, upright);
  const face = faces.sort((a, b) => area(b.box) - area(a.box))[0];
  if (!face) return undefined;
  const { x1, y1, x2, y2 } = face.box;
  const height = (y2 - y1) * 1.7 * 1.15;
  const width = height * 0.75;
  const left = Math.max(0, Math.round((x1 + x2) / 2 - width / 2));
  const top = Math.max(0, Math.round((y1 + y2) / 2 - height * 0.45));
  const w = Math.min(upright.width - left, Math.round(width));
  const h = Math.min(upright.height - top, Math.round(height));
  if (w < 8 || h < 8) return undefined;
  return new Uint8Array(
    await sharp(upright.data, { raw: { width: upright.width, height: upright.height, channels: 3 } })
      .extract({ left, top, width: w, height: h })
      .jpeg({ quality: 90 })
      .toBuffer(),
  );
}
