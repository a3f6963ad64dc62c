import type { EngineErrorCode } from '../errors.js';
import type { AnalyzeOptions, FaceAnalysis } from '../pipeline/face-analyzer.js';

/** What a worker is asked: a full analysis (`analyze`, the default) or a liveness frame (`frame`). */
export type WorkerTask =
  { kind?: 'analyze'; bytes: Uint8Array; options: AnalyzeOptions } | { kind: 'frame'; bytes: Uint8Array };

// Errors are sent as data: structured clone keeps only an Error's message, not its code.
export type WorkerReply<R = FaceAnalysis> =
  | { ok: true; result: R; worker: WorkerSpan }
  | { ok: false; code: EngineErrorCode; details?: Record<string, unknown> | undefined; worker: WorkerSpan };

/** Which worker ran a job and when (epoch ms): lets callers and tests see the pool's parallelism. */
export interface WorkerSpan {
  readonly threadId: number;
  readonly startedAt: number;
  readonly finishedAt: number;
}
