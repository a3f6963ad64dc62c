import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allErrorMessages } from './cli-errors.js';

// Black-box tests of the built CLI (`npm test` builds first; or `npx tsc -b packages/cli`).
const cliPath = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const fixture = (name: string): string => fileURLToPath(new URL(`../../../fixtures/${name}`, import.meta.url));
const shippedCalibrationDir = fileURLToPath(new URL('../../engine/calibration/', import.meta.url));

const fauci1 = fixture('lfw-anthony-fauci-0001.jpg');
const fauci2 = fixture('lfw-anthony-fauci-0002.jpg');
const bassett = fixture('lfw-angela-bassett-0001.jpg');
const nuaaLive = fixture('nuaa-live-0001.jpg');
const nuaaSpoof = fixture('nuaa-spoof-0001.jpg');

const FAR_LEVELS = ['1e-3', '1e-4', '1e-5', '1e-6'];
const SPAWN_TIMEOUT_MS = 45_000;

interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

// Each CLI process starts its own worker pool; on a small machine, a few at a time is as fast as all at once.
const maxRunning = Math.max(2, Math.min(4, availableParallelism()));
let running = 0;
const waiting: (() => void)[] = [];

async function visage(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  if (running >= maxRunning) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    // A calibration set in the caller's environment would change every result below.
    const baseEnv = { ...process.env };
    delete baseEnv['VISAGE_CALIBRATION'];
    return await new Promise<CliResult>((resolve) => {
      execFile(
        process.execPath,
        [cliPath, ...args],
        { env: { ...baseEnv, ...env }, timeout: SPAWN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolve({ code, signal: error?.signal ?? null, stdout, stderr });
        },
      );
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

type Json = Record<string, unknown>;

/** The whole of stdout must be one JSON object. */
function parseObject(stdout: string): Json {
  const value: unknown = JSON.parse(stdout);
  expect(value).toBeTypeOf('object');
  expect(value).not.toBeNull();
  expect(Array.isArray(value)).toBe(false);
  return value as Json;
}

const expectRate = (value: unknown) => {
  expect(value).toBeTypeOf('number');
  expect(value).toBeGreaterThanOrEqual(0);
  expect(value).toBeLessThanOrEqual(1);
};

function expectJsonError(result: CliResult, code: keyof typeof allErrorMessages): Json {
  expect(result.signal, result.stderr).toBeNull();
  expect(result.code, result.stdout + result.stderr).toBe(1);
  const body = parseObject(result.stdout);
  expect(Object.keys(body)).toEqual(['error']);
  const error = body['error'] as Json;
  expect(error['code']).toBe(code);
  expect(error['message']).toBeTypeOf('string');
  expect(error['message']).toBe(allErrorMessages[code]);
  return error;
}

/**
 * A real 1x1 PNG whose IHDR is rewritten to declare `width` x `height` (CRC fixed up). Built here rather than imported
 * from the engine's test support: packages may not reach into each other by relative path (.dependency-cruiser.cjs).
 */
async function pngDeclaring(width: number, height: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
  // Signature (8 bytes), then the IHDR chunk: length (4), type (4), width (4), height (4), 5 more bytes, CRC (4).
  expect(png.toString('ascii', 12, 16)).toBe('IHDR');
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

let tmp: string;
const inTmp = (name: string): string => join(tmp, name);

beforeAll(async () => {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: build first (npx tsc -b packages/cli)`);
  tmp = await mkdtemp(join(tmpdir(), 'visage-cli-test-'));

  const jpeg = await readFile(fauci1);
  const w = 200;
  const h = 150;
  const gradient = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) gradient.set([x, y, 128], (y * w + x) * 3);
  }
  const twoFaces = await sharp({ create: { width: 520, height: 250, channels: 3, background: '#808080' } })
    .composite([
      { input: fauci1, left: 0, top: 0 },
      { input: bassett, left: 270, top: 0 },
    ])
    .png()
    .toBuffer();
  await Promise.all([
    writeFile(inTmp('empty.jpg'), new Uint8Array(0)),
    writeFile(inTmp('x.jpg'), 'this is not an image\n'),
    writeFile(inTmp('truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length * 0.6))),
    writeFile(inTmp('huge.png'), await pngDeclaring(30000, 30000)),
    writeFile(inTmp('tiny.png'), await pngDeclaring(1, 1)),
    writeFile(
      inTmp('no-face.png'),
      await sharp(gradient, { raw: { width: w, height: h, channels: 3 } })
        .blur(8)
        .png()
        .toBuffer(),
    ),
    writeFile(inTmp('two-faces.png'), twoFaces),
  ]);

  // A tiny LFW-style pair set: three identities, five images.
  const images = inTmp('set/images');
  const files: [string, string][] = [
    [fauci1, 'Anthony_Fauci/Anthony_Fauci_0001.jpg'],
    [fauci2, 'Anthony_Fauci/Anthony_Fauci_0002.jpg'],
    [bassett, 'Angela_Bassett/Angela_Bassett_0001.jpg'],
    [nuaaLive, 'Nuaa_Subject/Nuaa_Subject_0001.jpg'],
    [nuaaSpoof, 'Nuaa_Subject/Nuaa_Subject_0002.jpg'],
  ];
  for (const dir of ['Anthony_Fauci', 'Angela_Bassett', 'Nuaa_Subject'])
    await mkdir(join(images, dir), { recursive: true });
  await Promise.all(files.map(([from, to]) => copyFile(from, join(images, to))));
  const [f1, f2, b1, n1, n2] = files.map(([, to]) => to) as [string, string, string, string, string];
  // lfwTenFold cuts same and different pairs into 10 blocks each, so each needs at least 10 rows: repeat pairs.
  const same = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? [f1, f2] : [n1, n2]));
  const distinct = [
    [f1, b1],
    [f2, b1],
    [f1, n1],
    [f1, n2],
    [f2, n1],
    [f2, n2],
    [b1, n1],
    [b1, n2],
  ];
  const different = Array.from({ length: 10 }, (_, i) => distinct[i % distinct.length]!);
  const rows = [...same.map(([l, r]) => `${l}\t${r}\t1`), ...different.map(([l, r]) => `${l}\t${r}\t0`)];
  await writeFile(inTmp('set/pairs.tsv'), `left\tright\tsame\n${rows.join('\n')}\n`);
  await writeFile(inTmp('set/labels.tsv'), `image\tlabel\n${n1}\tlive\n${n2}\tspoof\n`);
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe.concurrent('visage compare', () => {
  it('prints one JSON object for two photos of the same person, matching at FAR 1e-4', async () => {
    const result = await visage(['compare', fauci1, fauci2, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const r = parseObject(result.stdout);

    expect(r['similarity']).toBeTypeOf('number');
    expect(r['confidence']).toBeTypeOf('number');
    expect(r['confidence']).toBeGreaterThanOrEqual(0);
    expect(r['confidence']).toBeLessThanOrEqual(100);
    const thresholds = r['thresholds'] as Json;
    const match = r['match'] as Json;
    expect(Object.keys(thresholds).sort()).toEqual(FAR_LEVELS);
    expect(Object.keys(match).sort()).toEqual(FAR_LEVELS);
    for (const far of FAR_LEVELS) {
      expect(thresholds[far]).toBeTypeOf('number');
      expect(match[far]).toBeTypeOf('boolean');
      expect(match[far]).toBe((r['similarity'] as number) >= (thresholds[far] as number));
    }
    expect(match['1e-4']).toBe(true);

    const faces = r['faces'] as Json[];
    expect(faces).toHaveLength(2);
    for (const face of faces) {
      const box = face['box'] as Json;
      for (const k of ['x1', 'y1', 'x2', 'y2']) expect(box[k]).toBeTypeOf('number');
      expect(box['x2'] as number).toBeGreaterThan(box['x1'] as number);
      expect(box['y2'] as number).toBeGreaterThan(box['y1'] as number);
      const landmarks = face['landmarks'] as unknown[];
      expect(landmarks).toHaveLength(5);
      for (const p of landmarks) expect(p).toEqual([expect.any(Number), expect.any(Number)]);
      expect(face['quality']).toMatchObject({ pass: expect.any(Boolean) });
      expect(face['liveness']).toMatchObject({ score: expect.any(Number), live: expect.any(Boolean) });
    }
    expect(faces.map((f) => f['file'])).toEqual([fauci1, fauci2]);
    expect(r['timings_ms']).toMatchObject({ total: expect.any(Number) });
  });

  it('does not match two different people at FAR 1e-4', async () => {
    const result = await visage(['compare', fauci1, bassett, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const r = parseObject(result.stdout);
    expect((r['match'] as Json)['1e-4']).toBe(false);
    expect(r['similarity'] as number).toBeLessThan((r['thresholds'] as Json)['1e-4'] as number);
  });

  it('states the decision in its human-readable output', async () => {
    const [same, different] = await Promise.all([
      visage(['compare', fauci1, fauci2]),
      visage(['compare', fauci1, bassett]),
    ]);
    expect(same.code, same.stderr).toBe(0);
    expect(different.code, different.stderr).toBe(0);
    expect(same.stdout).toMatch(/^SAME PERSON at FAR 1e-4/);
    expect(different.stdout).toMatch(/^NOT THE SAME PERSON at FAR 1e-4/);
    expect(() => JSON.parse(same.stdout) as unknown).toThrow();
  });
});

describe.concurrent('visage compare: inputs it refuses', () => {
  const cases: { name: string; file: () => string; code: keyof typeof allErrorMessages }[] = [
    { name: 'an empty file', file: () => inTmp('empty.jpg'), code: 'image.unsupported_format' },
    { name: 'a text file named x.jpg', file: () => inTmp('x.jpg'), code: 'image.unsupported_format' },
    { name: 'a truncated JPEG', file: () => inTmp('truncated.jpg'), code: 'image.corrupt' },
    { name: 'a PNG declaring 30000x30000', file: () => inTmp('huge.png'), code: 'image.too_large' },
    { name: 'a 1x1 PNG', file: () => inTmp('tiny.png'), code: 'image.too_small' },
    { name: 'a missing file', file: () => inTmp('does-not-exist.jpg'), code: 'cli.file_unreadable' },
    { name: 'an image without a face', file: () => inTmp('no-face.png'), code: 'face.none' },
    { name: 'an image with two faces', file: () => inTmp('two-faces.png'), code: 'face.multiple' },
  ];

  it.for(cases)('$name → $code', async ({ file, code }) => {
    const error = expectJsonError(await visage(['compare', fauci1, file(), '--json']), code);
    expect(error['details']).toMatchObject({ file: file() });
  });

  it('uses the largest face with --allow-multiple-faces', async () => {
    const result = await visage(['compare', fauci1, inTmp('two-faces.png'), '--allow-multiple-faces', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const r = parseObject(result.stdout);
    const faces = r['faces'] as Json[];
    expect(faces[1]).toMatchObject({ file: inTmp('two-faces.png'), face_count: 2 });
    expect(faces[0]).toMatchObject({ face_count: 1 });
  });

  it('without --json, writes "visage: <code>: <message>" to stderr and nothing to stdout', async () => {
    const [truncated, missing] = await Promise.all([
      visage(['compare', inTmp('truncated.jpg'), fauci1]),
      visage(['compare', fauci1, inTmp('does-not-exist.jpg')]),
    ]);
    expect(truncated.code).toBe(1);
    expect(truncated.stdout).toBe('');
    expect(truncated.stderr).toBe(
      `visage: image.corrupt: ${allErrorMessages['image.corrupt']} (file: ${inTmp('truncated.jpg')})\n`,
    );
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(
      `visage: cli.file_unreadable: ${allErrorMessages['cli.file_unreadable']} (file: ${inTmp('does-not-exist.jpg')}, reason: ENOENT)\n`,
    );
  });
});

describe.concurrent('visage bench and calibrate', () => {
  it('bench faces reports the LFW-protocol metrics on a tiny pair set', async () => {
    const result = await visage([
      'bench',
      'faces',
      '--pairs',
      inTmp('set/pairs.tsv'),
      '--images',
      inTmp('set/images'),
      '--workers',
      '1',
      '--json',
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const r = parseObject(result.stdout);
    expect(r['dataset']).toMatchObject({ pairs: 20, images: 5 });
    for (const key of ['accuracy', 'accuracy_std', 'auc', 'eer']) expectRate(r[key]);
    const tar = r['tar_at_far'] as Json;
    expect(Object.keys(tar).sort()).toEqual(['1e-2', '1e-3', '1e-4']);
    for (const far of ['1e-2', '1e-3', '1e-4']) expectRate(tar[far]);
    expect(r['no_face']).toBe(0);
    const latency = r['latency_ms'] as Json;
    expect(latency['p50']).toBeTypeOf('number');
    expect(latency['p95']).toBeTypeOf('number');
    expect(latency['p50'] as number).toBeLessThanOrEqual(latency['p95'] as number);
    const throughput = r['faces_per_s'] as Json;
    expect(throughput['workers_1']).toBeGreaterThan(0);
    expect(throughput['workers_n']).toBeGreaterThan(0);
    expect(r['peak_rss_mb']).toBeGreaterThan(0);
    // Every same pair scores above every different pair on this set.
    expect(r['accuracy']).toBe(1);
    expect(r['auc']).toBe(1);
    expect(r['eer']).toBe(0);
  });

  it('bench pad tells the live NUAA frame from the printed one', async () => {
    const result = await visage([
      'bench',
      'pad',
      '--labels',
      inTmp('set/labels.tsv'),
      '--images',
      inTmp('set/images'),
      '--workers',
      '1',
      '--json',
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const r = parseObject(result.stdout);
    for (const key of ['apcer', 'bpcer', 'bpcer20', 'auc']) expectRate(r[key]);
    expect(r['apcer']).toBe(0);
    expect(r['bpcer']).toBe(0);
    // The fixtures' names carry no video: no per-video figures.
    expect(r['dataset']).toEqual({ live: 1, spoof: 1, videos: null });
    expect(r['video']).toBeNull();
    const fused = r['fused'] as Json;
    expect(fused['model']).toBe('pad-fused@1');
    expect((fused['frame'] as Json)['apcer']).toBe(0);
    expect((fused['frame'] as Json)['bpcer']).toBe(0);
  });

  it('calibrate writes a calibration for the shipped model that compare then uses', async () => {
    const out = inTmp('cal.json');
    const args = ['--pairs', inTmp('set/pairs.tsv'), '--images', inTmp('set/images')];
    const result = await visage([
      'calibrate',
      ...args,
      '--out',
      out,
      '--dataset',
      'tiny-set',
      '--workers',
      '1',
      '--json',
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);

    const [shippedFile] = await readdir(shippedCalibrationDir);
    const shipped = JSON.parse(await readFile(join(shippedCalibrationDir, shippedFile!), 'utf8')) as Json;
    const written = JSON.parse(await readFile(out, 'utf8')) as Json;
    expect(parseObject(result.stdout)).toEqual(written);
    expect(written['model_id']).toBe(shipped['model_id']);
    expect(written['dataset']).toBe('tiny-set');
    // All-vs-all over 5 images: Fauci and NUAA give one genuine pair each, 8 pairs cross identities.
    expect(written['counts']).toEqual({ genuine: 2, impostor: 8 });
    const thresholds = written['thresholds'] as Record<string, { similarity: number }>;
    expect(Object.keys(thresholds).sort()).toEqual(FAR_LEVELS);
    const values = FAR_LEVELS.map((far) => thresholds[far]!.similarity);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]!);

    const compared = await visage(['compare', fauci1, fauci2, '--json'], { VISAGE_CALIBRATION: out });
    expect(compared.code, compared.stdout + compared.stderr).toBe(0);
    const r = parseObject(compared.stdout);
    expect(r['calibration']).toMatchObject({ dataset: 'tiny-set', created_at: written['created_at'] });
    const used = r['thresholds'] as Json;
    for (const far of FAR_LEVELS) expect(used[far]).toBeCloseTo(thresholds[far]!.similarity, 4);
  });

  it('refuses a calibration made for another model with calibration.invalid', async () => {
    const [shippedFile] = await readdir(shippedCalibrationDir);
    const calibration = JSON.parse(await readFile(join(shippedCalibrationDir, shippedFile!), 'utf8')) as Json;
    const other = inTmp('other-model.json');
    await writeFile(other, JSON.stringify({ ...calibration, model_id: 'some-other-model@1' }));
    const result = await visage(['compare', fauci1, fauci2, '--json'], { VISAGE_CALIBRATION: other });
    const error = expectJsonError(result, 'calibration.invalid');
    expect(error['details']).toMatchObject({ actual: 'some-other-model@1', expected: calibration['model_id'] });
  });
});

describe.concurrent('visage bench: inputs it refuses', () => {
  const tsv = async (name: string, text: string) => {
    await writeFile(inTmp(name), text);
    return inTmp(name);
  };

  it('a pair list without rows, with a missing column or a bad same value is cli.bad_input', async () => {
    const lists = await Promise.all([
      tsv('no-rows.tsv', 'left\tright\tsame\n'),
      tsv('no-same.tsv', 'left\tright\nA/1.jpg\tA/2.jpg\n'),
      tsv('bad-same.tsv', 'left\tright\tsame\nA/1.jpg\tA/2.jpg\tyes\n'),
    ]);
    for (const list of lists) {
      expectJsonError(
        await visage(['bench', 'faces', '--pairs', list, '--images', inTmp('set/images'), '--json']),
        'cli.bad_input',
      );
    }
  });

  it('too few pairs for the 10-fold protocol is cli.bad_input, not a crash', async () => {
    const list = await tsv(
      'two-pairs.tsv',
      'left\tright\tsame\nAnthony_Fauci/Anthony_Fauci_0001.jpg\tAnthony_Fauci/Anthony_Fauci_0002.jpg\t1\n',
    );
    expectJsonError(
      await visage(['bench', 'faces', '--pairs', list, '--images', inTmp('set/images'), '--workers', '1', '--json']),
      'cli.bad_input',
    );
  });

  it('a missing list or image is cli.file_unreadable; a bad label is cli.bad_input', async () => {
    const missingImage = await tsv('missing-image.tsv', 'image\tlabel\nnowhere/x.jpg\tlive\n');
    const badLabel = await tsv('bad-label.tsv', 'image\tlabel\nx.jpg\tmaybe\n');
    const [noList, noImage, label] = await Promise.all([
      visage(['bench', 'pad', '--labels', inTmp('absent.tsv'), '--images', inTmp('set/images'), '--json']),
      visage(['bench', 'pad', '--labels', missingImage, '--images', inTmp('set/images'), '--workers', '1', '--json']),
      visage(['bench', 'pad', '--labels', badLabel, '--images', inTmp('set/images'), '--json']),
    ]);
    expectJsonError(noList, 'cli.file_unreadable');
    expectJsonError(noImage, 'cli.file_unreadable');
    expectJsonError(label, 'cli.bad_input');
  });

  it('refuses a --workers value that is not a positive whole number', async () => {
    const result = await visage([
      'bench',
      'pad',
      '--labels',
      inTmp('set/labels.tsv'),
      '--images',
      inTmp('set/images'),
      '--workers',
      'abc',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--workers');
    expect(result.stderr).not.toContain('    at ');
  });

  it('compare refuses a device file instead of reading it forever', async () => {
    expectJsonError(await visage(['compare', '/dev/zero', fauci1, '--json']), 'cli.file_unreadable');
  });
});

describe('visage audit verify', () => {
  it('reports an intact chain, then names the entry that was altered and exits 2', async () => {
    const { openAuditLog } = await import('./commands/audit-verify.command.js');
    const { sql } = await import('kysely');
    const dataDir = inTmp('audit-data');
    const { audit, database } = await openAuditLog({ kind: 'sqlite', file: join(dataDir, 'visage.sqlite') });
    try {
      for (const action of ['org.create', 'org.certify', 'wallet.topup'])
        await audit.record({ actor: 'operator:test', action });
      const intact = await visage(['audit', 'verify', '--data', dataDir, '--json'], { DATABASE_URL: '' });
      expect(intact.code, intact.stderr).toBe(0);
      expect(parseObject(intact.stdout)).toEqual({ ok: true, entries: 3 });
      await sql`update audit_log set action = 'org.reject' where seq = 2`.execute(database.db);
    } finally {
      await database.destroy();
    }
    const broken = await visage(['audit', 'verify', '--data', dataDir, '--json'], { DATABASE_URL: '' });
    expect(broken.code).toBe(2);
    expect(parseObject(broken.stdout)).toMatchObject({ ok: false, brokenSeq: 2 });
  });
});
