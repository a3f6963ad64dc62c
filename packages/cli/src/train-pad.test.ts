import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir, padModelScore, parsePadModel } from '@visage/engine';
import { trainPad } from './commands/train-pad.command.js';
import { clientOf, videoOf } from './datasets.js';

const replay = fileURLToPath(new URL('../../../../shared/datasets/replay-dev/', import.meta.url));
const present = existsSync(`${replay}labels.tsv`);
if (!present) console.warn(`skipping train pad determinism test: ${replay} is absent`);

describe('frame names', () => {
  it('finds the video and the client of Replay-Attack and NUAA frames', () => {
    const r = 'devel/devel__real__real__client010_session01_webcam_authenticate_controlled_1/frame_00039.jpg';
    expect(videoOf(r)).toBe('devel/devel__real__real__client010_session01_webcam_authenticate_controlled_1');
    expect(clientOf(r)).toBe('client010');
    expect(videoOf('live/0001/0001_00_00_01_29.jpg')).toBe('live/0001/0001_00_00_01');
    expect(clientOf('live/0001/0001_00_00_01_29.jpg')).toBe('nuaa0001');
    expect(videoOf('a/b.jpg')).toBeUndefined();
    expect(clientOf('a/b.jpg')).toBeUndefined();
    expect(videoOf('a/b.jpg', 'v1')).toBe('v1');
    expect(clientOf('a/b.jpg', 'c1')).toBe('c1');
  });
});

describe('visage train pad input checks', () => {
  it('refuses frames whose client is unknown: cross-validation could not keep people apart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'visage-train-pad-bad-'));
    try {
      const labels = join(dir, 'labels.tsv');
      await writeFile(labels, 'image\tlabel\nperson/a.jpg\tlive\nperson/b.jpg\tspoof\n');
      const settings = { modelDir: defaultModelDir(), calibrationPath: '', workers: 1 };
      const options = { sets: [{ labels, images: dir }], id: 't@1', cnnScales: [2.7], textureBlocks: [], folds: 5 };
      await expect(trainPad(settings, { ...options, seed: 1 })).rejects.toMatchObject({ code: 'cli.bad_input' });
      await expect(trainPad(settings, { ...options, seed: -1 })).rejects.toMatchObject({ code: 'cli.bad_input' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!present)('visage train pad (a small subset of replay-dev)', () => {
  let dir: string;
  let labels: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'visage-train-pad-'));
    // 6 clients, 2 live and 2 attack frames each (one print, one replay): 24 frames.
    const rows = (await readFile(`${replay}labels.tsv`, 'utf8')).trim().split('\n');
    const header = rows.shift()!;
    const picked: string[] = [];
    const clients = ['003', '005', '010', '015', '017', '022'];
    for (const c of clients) {
      const mine = rows.filter((r) => r.includes(`client${c}_`));
      const live = mine.filter((r) => r.split('\t')[1] === 'live').slice(0, 2);
      const print = mine.filter((r) => r.split('\t')[2] === 'print').slice(0, 1);
      const replayed = mine.filter((r) => r.split('\t')[2] === 'replay').slice(0, 1);
      picked.push(...live, ...print, ...replayed);
    }
    labels = join(dir, 'labels.tsv');
    await writeFile(labels, `${header}\n${picked.join('\n')}\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('rebuilds the artefact bit for bit from the same data and seed, on 1 or 2 workers', async () => {
    const settings = { modelDir: defaultModelDir(), calibrationPath: '', workers: 1 };
    const options = {
      sets: [{ labels, images: `${replay}images` }],
      seed: 7,
      id: 'pad-test@1',
      cnnScales: [1, 2.7],
      textureBlocks: ['lbp_y', 'colour', 'freq'] as const,
      folds: 3,
    };
    const a = await trainPad(settings, {
      ...options,
      textureBlocks: [...options.textureBlocks],
      out: join(dir, 'a.json'),
    });
    const b = await trainPad(
      { ...settings, workers: 2 },
      { ...options, textureBlocks: [...options.textureBlocks], workers: 2 },
    );
    const written = await readFile(join(dir, 'a.json'));
    expect(createHash('sha256').update(written).digest('hex')).toBe(a.sha256);
    expect(b.sha256).toBe(a.sha256);
    const model = parsePadModel(JSON.parse(written.toString('utf8')));
    expect(model.weights).toHaveLength(2 + 59 + 11 + 9);
    expect(model.training['frames']).toBe(24);
    expect(model.training['clients']).toBe(6);
    // Another seed deals the clients to other folds: the report (and so the file) changes.
    const c = await trainPad(settings, { ...options, textureBlocks: [...options.textureBlocks], seed: 8 });
    expect(c.sha256).not.toBe(a.sha256);
    // A usable model: its score is a probability.
    const p = padModelScore(model, { cnn: { '1.00': 0.9, '2.70': 0.8 }, texture: new Array(197).fill(0.1) });
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
  }, 240_000);
});
