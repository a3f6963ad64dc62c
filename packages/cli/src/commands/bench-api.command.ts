import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadConfig, openServices, signedHeaders, type SigningKey } from '@visage/server';
import { startChildServer, type ChildServer } from '../child-server.js';
import { CliError } from '../cli-errors.js';
import { round } from '../input-files.js';
import { withEngine } from './bench-faces.command.js';
import type { EngineSettings } from '../settings.js';

export interface BenchApiOptions {
  /** A PostgreSQL database to run against (its tables are created); SQLite in a temporary folder otherwise. */
  readonly databaseUrl?: string | undefined;
  readonly durationSeconds: number;
  readonly workers: number;
}

interface LoadFigures {
  readonly connections: number;
  readonly requests: number;
  readonly requests_per_s: number;
  readonly latency_ms: { p50: number; p99: number };
  readonly non_2xx: number;
  readonly errors: number;
}

export interface BenchApiReport {
  readonly database: 'sqlite' | 'postgres';
  readonly machine: { cores: number; cpu: string; node: string };
  readonly duration_s: number;
  readonly workers: number;
  /** Signed GET /v1/verifications/{id}: signature, nonce, key and organisation checks, lookup, audit entry. */
  readonly read_verification: LoadFigures;
  /** Signed POST /v1/compare with two 250x250 faces on a live key: the whole billable path. */
  readonly compare: LoadFigures & {
    /** The engine alone in the same run: two analyses and a comparison per job, kept `2 × workers` in flight. */
    readonly engine_compares_per_s: number;
    /** API compares/s ÷ engine compares/s. */
    readonly ratio_to_engine: number;
  };
}

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../../../fixtures/${name}`, import.meta.url)));
const operator = 'operator:bench';
const warmUpSeconds = 2;
const consent = { subject_ref: 'bench', text_version: 'v1', obtained_at: '2026-11-29T08:00:00Z', method: 'checkbox' };

/**
 * The platform's own overhead and its engine-bound throughput, measured with autocannon against a `visage serve`
 * child process, so that the load generator and the server do not share an event loop.
 */
export async function benchApi(settings: EngineSettings, options: BenchApiOptions): Promise<BenchApiReport> {
  const dataDir = mkdtempSync(join(tmpdir(), 'visage-bench-api-'));
  const env: Record<string, string> = {
    VISAGE_DATA_DIR: dataDir,
    VISAGE_MASTER_KEY: randomBytes(32).toString('base64'),
    VISAGE_ENGINE_WORKERS: String(options.workers),
    VISAGE_ENGINE_MAX_QUEUE: '1024',
    VISAGE_ENGINE_REQUESTS_PER_WORKER: '1000',
    VISAGE_KEY_RATE_PER_SECOND: '100000',
    VISAGE_KEY_CONCURRENCY: '10000',
    VISAGE_SUBJECT_PER_MINUTE: '100000',
    VISAGE_SUBJECT_PER_DAY: '100000',
    VISAGE_LOG_LEVEL: 'warn',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
  };
  let server: ChildServer | undefined;
  try {
    const key = await seedCustomer(env);
    server = await startChildServer(env);
    const { base } = server;

    const reads = await seedVerifications(env, base, key, options.durationSeconds);
    const nextRead = () => {
      const id = reads.next();
      return {
        method: 'GET',
        path: `/v1/verifications/${id}`,
        headers: signedHeaders(key, { method: 'GET', url: `/v1/verifications/${id}` }),
      } as const;
    };
    // A short unrecorded run first, so that JIT and onnxruntime warm-up are not measured.
    await load(base, 32, warmUpSeconds, nextRead);
    const readFigures = await load(base, 32, options.durationSeconds, nextRead);

    const compareBody = JSON.stringify({
      image1: fixture('lfw-anthony-fauci-0001.jpg').toString('base64'),
      image2: fixture('lfw-anthony-fauci-0002.jpg').toString('base64'),
      consent,
    });
    const engineRate = await engineComparesPerSecond(settings, options.workers, options.durationSeconds);
    const nextCompare = () =>
      ({
        method: 'POST',
        path: '/v1/compare',
        headers: {
          'content-type': 'application/json',
          ...signedHeaders(key, { method: 'POST', url: '/v1/compare', body: compareBody }),
        },
        body: compareBody,
      }) as const;
    // As many compares in flight as the engine-alone measurement keeps: two per worker.
    const compareConnections = 2 * options.workers;
    await load(base, compareConnections, warmUpSeconds, nextCompare);
    const compareFigures = await load(base, compareConnections, options.durationSeconds, nextCompare);
    const cpu = cpus()[0]?.model ?? 'unknown';
    return {
      database: options.databaseUrl ? 'postgres' : 'sqlite',
      machine: { cores: availableParallelism(), cpu, node: process.version },
      duration_s: options.durationSeconds,
      workers: options.workers,
      read_verification: readFigures,
      compare: {
        ...compareFigures,
        engine_compares_per_s: round(engineRate, 2),
        ratio_to_engine: round(compareFigures.requests_per_s / engineRate, 3),
      },
    };
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function seedCustomer(env: Record<string, string>): Promise<SigningKey> {
  const services = await openServices(loadConfig(env));
  try {
    // It sets prices and creates a funded organisation: never on a database that serves customers.
    if ((await services.organizations.list()).length > 0) {
      throw new CliError('cli.bad_input', {
        reason: 'bench api needs an empty database (it sets prices); create one, e.g. createdb visage_bench',
      });
    }
    await services.pricing.setPrice({ product: 'compare', amountFen: 1, actor: operator });
    await services.pricing.setPrice({ product: 'verification', amountFen: 1, actor: operator });
    const org = await services.organizations.create('Bench Ltd', { certified: true }, operator);
    const app = await services.apps.create({ orgId: org.id, name: 'bench', actor: operator });
    await services.apps.update(org.id, app.id, { resultRetentionSeconds: 86_400 }, operator);
    const issued = await services.keys.create({ orgId: org.id, appId: app.id, mode: 'live', actor: operator });
    await services.wallet.topUp({ orgId: org.id, amountFen: 1_000_000_000, reference: 'bench', actor: operator });
    return { keyId: issued.keyId, secret: issued.secret };
  } finally {
    await services.close();
  }
}

/**
 * A stored result can be read 3 times, so a read benchmark needs many of them: one real verification through the
 * API, then copies of its stored row under new ids (each sealed for its own id), enough for `seconds` of reads (and
 * the warm-up) at up to `perSecond`.
 */
export async function seedVerifications(
  env: Record<string, string>,
  base: string,
  key: SigningKey,
  seconds: number,
  perSecond = 8000,
) {
  const body = JSON.stringify({
    selfie: fixture('lfw-anthony-fauci-0001.jpg').toString('base64'),
    comparison: { type: 'reference', image: fixture('lfw-anthony-fauci-0002.jpg').toString('base64') },
    consent,
  });
  const response = await fetch(`${base}/v1/verifications`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signedHeaders(key, { method: 'POST', url: '/v1/verifications', body }),
    },
    body,
  });
  const created = (await response.json()) as { id?: string };
  if (!response.ok || !created.id) throw new Error(`seeding a verification failed: ${JSON.stringify(created)}`);

  const services = await openServices(loadConfig(env));
  const ids: string[] = [];
  try {
    const original = await services.verifications.find((await services.organizations.list())[0]!.id, created.id);
    if (!original?.resultSealed) throw new Error('the seeded verification kept no result');
    const result = services.secretBox.open(original.resultSealed, `verification:${original.id}`);
    const copies = Math.ceil(((seconds + warmUpSeconds) * perSecond) / 3);
    for (let i = 0; i < copies; i++) {
      const id = services.crypto.randomId('ver');
      await services.verifications.insert(
        { ...original, id, resultSealed: services.secretBox.seal(result, `verification:${id}`) },
        [],
      );
      ids.push(id);
    }
  } finally {
    await services.close();
  }
  let served = 0;
  return { next: () => ids[Math.floor(served++ / 3) % ids.length]! };
}

async function load(
  base: string,
  connections: number,
  seconds: number,
  request: () => { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string },
): Promise<LoadFigures> {
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: [{ setupRequest: (raw: autocannon.Request) => ({ ...raw, ...request() }) }],
  });
  return {
    connections,
    requests: result.requests.total,
    requests_per_s: round(result.requests.average, 1),
    latency_ms: { p50: result.latency.p50, p99: result.latency.p99 },
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function engineComparesPerSecond(settings: EngineSettings, workers: number, seconds: number): Promise<number> {
  const a = fixture('lfw-anthony-fauci-0001.jpg');
  const b = fixture('lfw-anthony-fauci-0002.jpg');
  return withEngine(settings, workers, async (engine) => {
    const once = () => Promise.all([engine.analyze(a), engine.analyze(b)]);
    await Promise.all(Array.from({ length: workers * 2 }, once));
    let done = 0;
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: workers * 2 }, async () => {
        while (performance.now() < until) {
          await once();
          done++;
        }
      }),
    );
    return done / ((performance.now() - started) / 1000);
  });
}
