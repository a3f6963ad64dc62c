import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
// sharp's native module must be loaded by the main thread before any worker thread loads it (see face-engine.ts).
import 'sharp';
import { EngineError } from '../errors.js';
import { defaultImageLimits, type ImageLimits } from '../image/decode-image.js';
import { readVerifiedModel, type ModelFileName } from '../models/model-files.js';
import type { WorkerSpan } from '../pool/worker-protocol.js';
import type { OcrReply, OcrResult } from './ocr-protocol.js';
import type { OcrTask, OcrWorkerConfig } from './ocr-worker.js';
import { ocrSpec } from './text-reader.js';
import { ultrafaceSpec } from '../detect/ultraface-detector.js';
import { untilAborted } from '../pool/until-aborted.js';

/** Names the OCR models in results and call logs: PP-OCRv4 mobile detection + recognition, v2.0 line classifier. */
export const ocrModelId = 'ppocr-v4-mobile';

export const ocrModelFiles: readonly ModelFileName[] = [
  ocrSpec.detector.file,
  ocrSpec.recogniser.file,
  ocrSpec.recogniser.dictionary,
  ocrSpec.classifier.file,
  // The face detector, for the portrait crop.
  ultrafaceSpec.file,
];

export interface OcrEngineOptions {
  readonly modelDir: string;
  /** Worker threads; default: half the cores (at least 1), since the face engine shares the machine. */
  readonly workers?: number;
  /** Jobs allowed to wait for a worker; beyond it `engine.overloaded`. */
  readonly maxQueue?: number;
  /** Per-job limit from submission to answer; beyond it `engine.timeout`. */
  readonly jobTimeoutMs?: number;
  readonly imageLimits?: ImageLimits;
  readonly intraOpThreads?: number;
}

export interface OcrEngine {
  readonly workers: number;
  readonly modelId: string;
  /** `portrait`: also crop the card's portrait (the largest face) as a JPEG. */
  read(bytes: Uint8Array, options?: { portrait?: boolean }): Promise<OcrResult & { readonly worker: WorkerSpan }>;
  dispose(): Promise<void>;
}

/**
 * The text reader (PP-OCRv4) behind its own bounded worker pool. The model files are verified before any worker
 * starts (fail closed: `model.missing`, `model.integrity`); the workers load them on their first job.
 */
export async function createOcrEngine(options: OcrEngineOptions): Promise<OcrEngine> {
  await Promise.all(ocrModelFiles.map((file) => readVerifiedModel(options.modelDir, file)));
  const workers = options.workers ?? Math.max(1, Math.floor(availableParallelism() / 2));
  const maxQueue = options.maxQueue ?? workers * 16;
  const jobTimeoutMs = options.jobTimeoutMs ?? 30_000;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer: ${workers}`);
  if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError(`maxQueue must be >= 0: ${maxQueue}`);
  if (!(jobTimeoutMs > 0)) throw new RangeError(`jobTimeoutMs must be positive: ${jobTimeoutMs}`);
  const workerData: OcrWorkerConfig = {
    modelDir: options.modelDir,
    intraOpThreads: options.intraOpThreads ?? 1,
    imageLimits: options.imageLimits ?? defaultImageLimits,
  };
  const pool = new Piscina({
    filename: new URL('./ocr-worker.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: Number.POSITIVE_INFINITY,
    workerData,
  });
  let inFlight = 0;
  let closing: Promise<void> | undefined;
  let onIdle: (() => void) | undefined;
  return {
    workers,
    modelId: ocrModelId,
    async read(bytes, readOptions = {}) {
      if (closing) throw new EngineError('engine.closed');
      if (inFlight >= workers + maxQueue) throw new EngineError('engine.overloaded', { in_flight: inFlight });
      inFlight++;
      const task: OcrTask = { bytes, portrait: readOptions.portrait === true };
      // Not cancelled past its limit (see until-aborted.ts): it holds its place in flight until it ends.
      const job = pool.run(task) as Promise<OcrReply>;
      job
        .then(undefined, () => {})
        .finally(() => {
          inFlight--;
          if (inFlight === 0) onIdle?.();
        });
      let reply: OcrReply;
      try {
        reply = await untilAborted(job, AbortSignal.timeout(jobTimeoutMs));
      } catch (error) {
        if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
          throw new EngineError('engine.timeout', { timeout_ms: jobTimeoutMs });
        }
        throw error;
      }
      if (!reply.ok) throw new EngineError(reply.code, reply.details);
      return { ...reply.result, worker: reply.worker };
    },
    dispose() {
      // Jobs in flight finish first: terminating a worker mid-inference can abort the process (see face-engine.ts).
      const idle = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (onIdle = resolve));
      closing ??= idle.then(() => pool.destroy());
      return closing;
    },
  };
}
