import { performance } from 'node:perf_hooks';
import { threadId, workerData } from 'node:worker_threads';
import { EngineError } from '../errors.js';
import {
  createFaceAnalyzer,
  type AnalyzerConfig,
  type FaceAnalysis,
  type FaceAnalyzer,
} from '../pipeline/face-analyzer.js';
import type { FrameAnalysis } from '../liveness/frame-analysis.js';
import type { WorkerReply, WorkerTask } from './worker-protocol.js';

// One analyzer per worker thread, created on the first job so that an idle pool costs no model memory.
let analyzer: Promise<FaceAnalyzer> | undefined;

export default async function analyzeInWorker(task: WorkerTask): Promise<WorkerReply<FaceAnalysis | FrameAnalysis>> {
  const startedAt = performance.timeOrigin + performance.now();
  const worker = () => ({ threadId, startedAt, finishedAt: performance.timeOrigin + performance.now() });
  try {
    analyzer ??= createFaceAnalyzer(workerData as AnalyzerConfig);
    const ready = await analyzer;
    const result =
      task.kind === 'frame' ? await ready.analyzeFrame(task.bytes) : await ready.analyze(task.bytes, task.options);
    return { ok: true, result, worker: worker() };
  } catch (error) {
    // A failed model load must not stay cached as the analyzer for every later job of this worker.
    await analyzer?.catch(() => {
      analyzer = undefined;
    });
    if (error instanceof EngineError) {
      return { ok: false, code: error.code, details: error.details, worker: worker() };
    }
    throw error;
  }
}
