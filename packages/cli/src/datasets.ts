import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  defaultImageLimits,
  EngineError,
  type AnalyzeOptions,
  type FaceAnalysis,
  type FaceEngine,
} from '@visage/engine';
import { CliError } from './cli-errors.js';
import { readInputFile } from './input-files.js';
import { createProgress } from './progress.js';

export interface Pair {
  readonly left: string;
  readonly right: string;
  readonly same: boolean;
}

export interface PadLabel {
  readonly image: string;
  readonly live: boolean;
  readonly attack?: string;
  /** The presentation (video, recording) the frame belongs to, when the labels or the file name say it. */
  readonly video?: string;
  /** The person shown, when the labels or the file name say it (for client-disjoint training). */
  readonly client?: string;
}

/**
 * The video of a frame: the labels file's `video` column; else the folder of a `frame_NNNNN.*` file (Replay-Attack
 * frames); else the recording of a NUAA file name `ID_glasses_position_session_frame.jpg`. Undefined otherwise.
 */
export function videoOf(image: string, column?: string): string | undefined {
  if (column) return column;
  const parts = image.split('/');
  const base = parts[parts.length - 1] ?? '';
  if (/^frame_\d+\.\w+$/i.test(base) && parts.length > 1) return parts.slice(0, -1).join('/');
  const nuaa = /^(\d{4}_\d{2}_\d{2}_\d{2})_\d+\.\w+$/.exec(base);
  if (nuaa) return [...parts.slice(0, -1), nuaa[1]].join('/');
  return undefined;
}

/** The person in a frame: the `client` column; else `client<ID>` in the path (Replay-Attack); else NUAA's ID. */
export function clientOf(image: string, column?: string): string | undefined {
  if (column) return column;
  const replay = /client(\d+)/.exec(image);
  if (replay) return `client${replay[1]}`;
  const nuaa = /(?:^|\/)(\d{4})_\d{2}_\d{2}_\d{2}_\d+\.\w+$/.exec(image);
  if (nuaa) return `nuaa${nuaa[1]}`;
  return undefined;
}

// A label list is small text; anything beyond this is not one.
const maxListBytes = 64 * 1024 * 1024;

async function readTsv(path: string, required: readonly string[]): Promise<Record<string, string>[]> {
  const text = new TextDecoder().decode(await readInputFile(path, maxListBytes));
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split('\t');
  for (const column of required) {
    if (!header.includes(column)) throw new CliError('cli.bad_input', { file: path, missing_column: column });
  }
  if (lines.length === 0) throw new CliError('cli.bad_input', { file: path, reason: 'no rows' });
  return lines.map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

export async function readPairs(path: string): Promise<Pair[]> {
  const rows = await readTsv(path, ['left', 'right', 'same']);
  return rows.map((r, i) => {
    if (r['same'] !== '0' && r['same'] !== '1') {
      throw new CliError('cli.bad_input', { file: path, row: i + 2, reason: 'same must be 0 or 1' });
    }
    return { left: r['left']!, right: r['right']!, same: r['same'] === '1' };
  });
}

export async function readPadLabels(path: string): Promise<PadLabel[]> {
  const rows = await readTsv(path, ['image', 'label']);
  return rows.map((r, i) => {
    if (r['label'] !== 'live' && r['label'] !== 'spoof') {
      throw new CliError('cli.bad_input', { file: path, row: i + 2, reason: 'label must be live or spoof' });
    }
    const attack = r['attack'] || (r['label'] === 'spoof' ? 'spoof' : undefined);
    const video = videoOf(r['image']!, r['video']);
    const client = clientOf(r['image']!, r['client']);
    return {
      image: r['image']!,
      live: r['label'] === 'live',
      ...(attack ? { attack } : {}),
      ...(video ? { video } : {}),
      ...(client ? { client } : {}),
    };
  });
}

/** LFW-style identity of an image path: its folder name (`Person/Person_0001.jpg` → `Person`). */
export const identityOf = (file: string): string => file.split('/').slice(0, -1).join('/') || file;

export type AnalysisOutcome = { file: string; analysis: FaceAnalysis } | { file: string; error: string };

export interface AnalyzeRun {
  readonly outcomes: Map<string, AnalysisOutcome>;
  readonly wallMs: number;
}

/** Runs every image through the engine, keeping the pool full, and records per-image outcomes. An image the engine
 * refuses (no face, several, or an unusable file) is an outcome the benchmark counts, never a reason to stop. */
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
      try {
        const bytes = await readInputFile(join(imageDir, file), defaultImageLimits.maxBytes);
        outcomes.set(file, { file, analysis: await engine.analyze(bytes, options) });
      } catch (error) {
        if (!(error instanceof EngineError) || !/^(face|image)\./.test(error.code)) throw error;
        outcomes.set(file, { file, error: error.code });
      }
      progress.tick();
    }
  };
  try {
    await Promise.all(Array.from({ length: engine.workers * 2 }, lane));
  } finally {
    progress.stop();
  }
  return { outcomes, wallMs: performance.now() - start };
}
