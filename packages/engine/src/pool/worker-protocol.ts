import type { EngineErrorCode } from '../errors.js';
import type { FaceAnalysis } from '../pipeline/face-analyzer.js';

// Errors are sent as data: structured clone keeps only an Error's message, not its code.
export type WorkerReply =
  | { ok: true; result: FaceAnalysis; worker: WorkerSpan }
  | { ok: false; code: EngineErrorCode; details?: Record<string, unknown> | undefined; worker: WorkerSpan };

/** Which worker ran a job and when (epoch ms): lets callers and tests see the pool's parallelism. */
export interface WorkerSpan {
  readonly threadId: number;
  readonly startedAt: number;
  readonly finishedAt: number;
}
