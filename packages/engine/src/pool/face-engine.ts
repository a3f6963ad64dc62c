import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
// sharp's native module must be loaded by the main thread before any worker thread loads it, or a worker's exit
// can unload libvips under the others.
import 'sharp';
import { EngineError } from '../errors.js';
import { defaultImageLimits, type ImageLimits } from '../image/decode-image.js';
import { modelFileNames, readVerifiedModel } from '../models/model-files.js';
import type { FrameAnalysis } from '../liveness/frame-analysis.js';
import { loadPadModel } from '../defaults.js';
import { parsePadModel, type PadModel } from '../liveness/pad-model.js';
import type { AnalyzerConfig, AnalyzeOptions, FaceAnalysis } from '../pipeline/face-analyzer.js';
import type { WorkerReply, WorkerSpan, WorkerTask } from './worker-protocol.js';
import { untilAborted } from './until-aborted.js';

export interface FaceEngineOptions {
  readonly modelDir: string;
  /** Worker threads; defaults to the number of cores. */
  readonly workers?: number;
  /** Jobs allowed to wait for a worker; beyond it `engine.overloaded`. */
  readonly maxQueue?: number;
  /** Per-job limit, from submission to answer: beyond it the caller gets `engine.timeout`, and the job runs to its end on its worker. */
  readonly jobTimeoutMs?: number;
  readonly imageLimits?: ImageLimits;
  readonly livenessThreshold?: number;
  /**
   * The fused passive-liveness model; every liveness result then also carries `liveness.fused`. Default: the one
   * shipped with the engine (`loadPadModel()`, fails closed when it is missing or malformed); `null`: none.
   */
  readonly padModel?: PadModel | null;
  /** onnxruntime threads per session in each worker (default 1). */
  readonly intraOpThreads?: number;
}

export interface FaceEngine {
  readonly workers: number;
  analyze(bytes: Uint8Array, options?: AnalyzeOptions): Promise<FaceAnalysis & { readonly worker: WorkerSpan }>;
  /** One camera frame for liveness (see `FaceAnalyzer.analyzeFrame`): no face is `faceCount: 0`, not an error. */
  analyzeFrame(bytes: Uint8Array): Promise<FrameAnalysis & { readonly worker: WorkerSpan }>;
  dispose(): Promise<void>;
}

/**
 * The face pipeline behind a bounded worker-thread pool. Model files are verified here, before any worker starts,
 * so a missing or altered model stops start-up instead of surfacing on the first request.
 */
export async function createFaceEngine(options: FaceEngineOptions): Promise<FaceEngine> {
  await Promise.all(modelFileNames.map((file) => readVerifiedModel(options.modelDir, file)));
  const padModel = options.padModel === undefined ? await loadPadModel() : options.padModel;
  const workers = options.workers ?? availableParallelism();
  const jobTimeoutMs = options.jobTimeoutMs ?? 30_000;
  const maxQueue = options.maxQueue ?? workers * 64;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer: ${workers}`);
  if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError(`maxQueue must be >= 0: ${maxQueue}`);
  if (!(jobTimeoutMs > 0)) throw new RangeError(`jobTimeoutMs must be positive: ${jobTimeoutMs}`);
  const config: AnalyzerConfig = {
    modelDir: options.modelDir,
    // Measured on 2 cores: a single analyzer with 2 intra-op threads per session took 179 ms per face against
    // 50 ms with 1, so the pool scales with workers and each session gets one thread unless the caller says otherwise.
    intraOpThreads: options.intraOpThreads ?? 1,
    imageLimits: options.imageLimits ?? defaultImageLimits,
    ...(options.livenessThreshold === undefined ? {} : { livenessThreshold: options.livenessThreshold }),
    ...(padModel === null ? {} : { padModel: parsePadModel(padModel) }),
  };
  const pool = new Piscina({
    filename: new URL('./engine-worker.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: Number.POSITIVE_INFINITY,
    workerData: config,
  });
  // Counted here rather than by piscina's maxQueue, which lets tasks through while workers are still starting.
  const maxInFlight = workers + maxQueue;
  let inFlight = 0;
  // Jobs wait in our own first-in-first-out queue and reach piscina only when a worker is free. Piscina's queue
  // lets tasks that carry an AbortSignal (ours all do, for the timeout) overtake one another: measured, about 1
  // job in 130 waited 1-5 s behind later ones while each ran in ~40 ms.
  const waiting: (() => void)[] = [];
  let running = 0;
  const takeWorker = (signal: AbortSignal): Promise<void> => {
    if (running < workers) {
      running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const start = () => {
        signal.removeEventListener('abort', giveUp);
        resolve();
      };
      const giveUp = () => {
        waiting.splice(waiting.indexOf(start), 1);
        reject(signal.reason);
      };
      waiting.push(start);
      signal.addEventListener('abort', giveUp, { once: true });
    });
  };
  const releaseWorker = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  let closing: Promise<void> | undefined;
  let onIdle: (() => void) | undefined;

  async function submit<R extends object>(task: WorkerTask): Promise<R & { readonly worker: WorkerSpan }> {
    if (closing) throw new EngineError('engine.closed');
    if (inFlight >= maxInFlight) throw new EngineError('engine.overloaded', { in_flight: inFlight });
    inFlight++;
    const finished = () => {
      inFlight--;
      if (inFlight === 0) onIdle?.();
    };
    // The limit runs from submission: time spent waiting for a worker counts.
    const signal = AbortSignal.timeout(jobTimeoutMs);
    try {
      await takeWorker(signal);
    } catch (error) {
      finished();
      throw translatePoolError(error, jobTimeoutMs);
    }
    // The job is not given the signal: piscina would terminate the worker in the middle of inference, and that
    // aborts the whole process (a native exception escapes onnxruntime). A job past its limit is answered
    // `engine.timeout` at once, and keeps its worker until it ends; only then does the worker take the next job.
    const job = pool.run(task) as Promise<WorkerReply<R>>;
    job
      .then(undefined, () => {})
      .finally(() => {
        releaseWorker();
        finished();
      });
    let reply: WorkerReply<R>;
    try {
      reply = await untilAborted(job, signal);
    } catch (error) {
      throw translatePoolError(error, jobTimeoutMs);
    }
    if (!reply.ok) throw new EngineError(reply.code, reply.details);
    return { ...reply.result, worker: reply.worker };
  }

  return {
    workers,
    analyze(bytes, analyzeOptions = {}) {
      return submit<FaceAnalysis>({ bytes, options: analyzeOptions });
    },
    analyzeFrame(bytes) {
      return submit<FrameAnalysis>({ kind: 'frame', bytes });
    },
    dispose() {
      // Jobs already submitted finish first: terminating a worker in the middle of inference aborts the whole
      // process (a native exception escapes onnxruntime's teardown; measured with jobs in flight at dispose).
      const idle = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (onIdle = resolve));
      closing ??= idle.then(() => pool.destroy());
      return closing;
    },
  };
}

function translatePoolError(error: unknown, jobTimeoutMs: number): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return new EngineError('engine.timeout', { timeout_ms: jobTimeoutMs });
  }
  if (message.includes('Terminating worker thread')) return new EngineError('engine.closed');
  return error;
}
