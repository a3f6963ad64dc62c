import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareTemplates,
  createFaceEngine,
  defaultLivenessThreshold,
  defaultModelDir,
  lfwTenFold,
  padMetrics,
  type FaceEngine,
} from '@visage/engine';

// Regression guards on the real dev sets; the figures themselves are measured by `visage bench` (docs/benchmarks.md).
const datasets = fileURLToPath(new URL('../../../../shared/datasets/', import.meta.url));
const present = existsSync(`${datasets}faces-color-dev/pairs.tsv`) && existsSync(`${datasets}pad-dev/labels.tsv`);
if (!present) console.warn(`skipping dev-dataset regression tests: ${datasets} is absent`);

const rows = async (path: string) =>
  (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'));

/** Maps with at most `lanes` calls in flight, so the engine's bounded queue is never exceeded. */
async function mapInLanes<T, R>(items: readonly T[], lanes: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return out;
}

describe.skipIf(!present)('dev data sets (../shared/datasets)', () => {
  let engine: FaceEngine;
  beforeAll(async () => {
    engine = await createFaceEngine({ modelDir: defaultModelDir() });
  });
  afterAll(() => engine.dispose());

  it('keeps 10-fold accuracy on colour LFW dev at or above 98.5 %', async () => {
    const root = `${datasets}faces-color-dev/`;
    const pairs = await rows(`${root}pairs.tsv`);
    const files = [...new Set(pairs.flatMap(([left, right]) => [left!, right!]))];
    const templates = new Map(
      await mapInLanes(files, 8, async (f) => {
        const r = await engine.analyze(await readFile(`${root}images/${f}`), {
          allowMultipleFaces: true,
          primaryFace: 'central',
          liveness: false,
        });
        return [f, r.template] as const;
      }),
    );
    const scored = pairs.map(([left, right, same]) => ({
      score: compareTemplates(templates.get(left!)!, templates.get(right!)!),
      same: same === '1',
    }));
    expect(lfwTenFold(scored).accuracy).toBeGreaterThanOrEqual(0.985);
  });

  it('rejects every NUAA print attack and accepts at least 99 % of live frames', async () => {
    const root = `${datasets}pad-dev/`;
    const labels = await rows(`${root}labels.tsv`);
    const samples = await mapInLanes(labels, 8, async ([image, label]) => {
      const r = await engine.analyze(await readFile(`${root}images/${image}`), { allowMultipleFaces: true });
      return { score: r.liveness!.score, live: label === 'live' };
    });
    const m = padMetrics(samples, defaultLivenessThreshold);
    expect(m.apcer).toBe(0);
    expect(m.bpcer).toBeLessThanOrEqual(0.01);
  });
});
