import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EngineError, type AnalyzeOptions, type FaceAnalysis, type FaceEngine } from '@visage/engine';
import { createProgress } from './progress.js';

export interface Pair {
  readonly left: string;
  readonly right: string;
  readonly same: boolean;
}

export interface PadSample {
  readonly image: string;
  readonly live: boolean;
  readonly attack?: string;
}

async function readTsv(path: string, required: readonly string[]): Promise<Record<string, string>[]> {
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split('\t');
  for (const column of required) {
    if (!header.includes(column)) throw new Error(`${path}: missing column "${column}" (header: ${header.join(', ')})`);
  }
  return lines.map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

export async function readPairs(path: string): Promise<Pair[]> {
  const rows = await readTsv(path, ['left', 'right', 'same']);
  return rows.map((r) => ({ left: r['left']!, right: r['right']!, same: r['same'] === '1' }));
}

export async function readPadLabels(path: string): Promise<PadSample[]> {
  const rows = await readTsv(path, ['image', 'label']);
  return rows.map((r) => {
    if (r['label'] !== 'live' && r['label'] !== 'spoof') throw new Error(`${path}: label must be live or spoof`);
    const attack = r['attack'] || (r['label'] === 'spoof' ? 'spoof' : undefined);
    return { image: r['image']!, live: r['label'] === 'live', ...(attack ? { attack } : {}) };
  });
}

/** LFW-style identity of an image path: its folder name (`Person/Person_0001.jpg` → `Person`). */
export const identityOf = (file: string): string => file.split('/').slice(0, -1).join('/') || file;

export type AnalysisOutcome = { file: string; analysis: FaceAnalysis } | { file: string; error: string };

export interface AnalyzeRun {
  readonly outcomes: Map<string, AnalysisOutcome>;
  readonly wallMs: number;
}

/** Runs every image through the engine, keeping the pool full, and records per-image outcomes (never throws for
 * an image the engine rejects: a failure to detect is a result the benchmark counts). */
export async function analyzeAll(
  engine: FaceEngine,
  imageDir: string,
  files: readonly string[],
  options: AnalyzeOptions,
  label: string,
): Promise<AnalyzeRun> {
  const outcomes = new Map<string, AnalysisOutcome>();
  const progress = createProgress(label, files.length);
  let next = 0;
  const start = performance.now();
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++]!;
      const bytes = await readFile(join(imageDir, file));
      try {
        outcomes.set(file, { file, analysis: await engine.analyze(bytes, options) });
      } catch (error) {
        if (!(error instanceof EngineError) || !error.code.startsWith('face.')) throw error;
        outcomes.set(file, { file, error: error.code });
      }
      progress.tick();
    }
  };
  await Promise.all(Array.from({ length: engine.workers * 2 }, lane));
  const wallMs = performance.now() - start;
  progress.stop();
  return { outcomes, wallMs };
}
