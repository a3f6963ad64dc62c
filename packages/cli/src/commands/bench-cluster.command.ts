import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { signedHeaders, type SigningKey } from '@visage/server';
import { CliError } from '../cli-errors.js';
import {
  createPrivateSchema,
  nginxInstalled,
  startNginx,
  startServers,
  stopServers,
  type ChildServer,
  type Nginx,
} from '../cluster-support.js';
import { round } from '../input-files.js';
import { seedCustomer, seedVerifications } from './bench-api.command.js';

export interface BenchClusterOptions {
  /** The PostgreSQL database a private schema is created in (and dropped after). */
  readonly databaseUrl: string;
  readonly durationSeconds: number;
  /** VISAGE_ENGINE_REQUESTS_PER_WORKER of the overload phase's servers; the capacity runs use 2. */
  readonly requestsPerWorker: number;
}

/** One closed-loop measurement: `connections` clients, each sending its next request when the last is answered. */
export interface PhaseFigures {
  readonly connections: number;
  /** Answers received (any status). */
  readonly requests: number;
  /** 2xx answers per second: the throughput that counts. */
  readonly ok_per_s: number;
  /** Of the 2xx answers. */
  readonly latency_ms: Percentiles;
  /** Answers by HTTP status. */
  readonly statuses: Record<string, number>;
  /** Connection errors and timeouts (no answer). */
  readonly errors: number;
}

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
}

export interface ClusterRun {
  readonly processes: number;
  /** Signed GET /v1/verifications/{id}: signature, nonce, key and organisation checks, lookup, audit entry. */
  readonly read_verification: PhaseFigures;
  /**
   * Signed POST /v1/compare with two 250x250 faces: the whole billable path, two connections per engine worker on
   * servers that admit two per worker, so each worker has one request ready behind the one it runs: capacity.
   */
  readonly compare: PhaseFigures;
}

export interface OverloadFigures {
  readonly processes: number;
  /** Compare's capacity C: its 2xx/s at this many processes (the `compare` run). */
  readonly capacity_per_s: number;
  /** Offered open-loop, evenly spaced: 2 × C. */
  readonly offered_per_s: number;
  readonly requests: number;
  /** Compares with one in flight per engine worker, so none waits: the latency to compare against. */
  readonly unloaded: PhaseFigures;
  readonly accepted: { readonly count: number; readonly per_s: number; readonly latency_ms: Percentiles };
  /** Accepted p99 ÷ unloaded p99; the target is ≤ 2. Null when either run had no 2xx answer. */
  readonly p99_ratio: number | null;
  readonly refused_503: number;
  readonly refused_503_with_retry_after: number;
  /** How fast a refusal comes back. */
  readonly refused_latency_ms: Percentiles;
  /** Answers by HTTP status. */
  readonly statuses: Record<string, number>;
  /** Connection errors and timeouts (no answer). */
  readonly errors: number;
  /** Most requests open at once: the generator kept up with its schedule when far below `requests`. */
  readonly max_in_flight: number;
}

export interface BenchClusterReport {
  readonly database: 'postgres';
  readonly machine: { cores: number; cpu: string; node: string };
  readonly duration_s: number;
  /** Each process runs one engine worker (VISAGE_ENGINE_WORKERS=1), so N processes use N cores for inference. */
  readonly engine_workers_per_process: 1;
  /**
   * VISAGE_ENGINE_REQUESTS_PER_WORKER of the overload phase's servers (`--requests-per-worker`, default 1: the
   * server's default). The capacity runs use 2, which a closed loop of two connections per worker needs.
   */
  readonly engine_requests_per_worker: number;
  /** nginx's balancing: least_conn (to the process with the fewest requests in progress). */
  readonly balance: 'least_conn';
  readonly runs: readonly ClusterRun[];
  /** 2xx/s at 2 processes ÷ at 1; the target for compare is ≥ 1.7. Null when 1 process answered no 2xx. */
  readonly scaling: { readonly read_verification: number | null; readonly compare: number | null };
  readonly overload: OverloadFigures;
}

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../../../fixtures/${name}`, import.meta.url)));
const warmUpSeconds = 2;
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));
const consent = { subject_ref: 'bench', text_version: 'v1', obtained_at: '2026-11-29T08:00:00Z', method: 'checkbox' };
const readConnections = 32;
// PostgreSQL-bound reads: fewer than SQLite's, but enough seeded results for two processes.
const readsPerSecond = 2500;

interface SignedRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/**
 * Throughput and latency of 1 and 2 `visage serve` processes behind nginx on PostgreSQL, for a signed read and a
 * signed compare, and compare at twice its capacity: accepted requests' latency against the unloaded one, and the
 * refusals (503 `service.overloaded` with Retry-After).
 */
export async function benchCluster(options: BenchClusterOptions): Promise<BenchClusterReport> {
  const capacityRequestsPerWorker = 2;
  if (!nginxInstalled()) {
    throw new CliError('cli.bad_input', { reason: 'bench cluster needs nginx (apt-get install nginx)' });
  }
  const schema = await createPrivateSchema(options.databaseUrl, 'visage_bench_cluster');
  const dataDir = mkdtempSync(join(tmpdir(), 'visage-bench-cluster-'));
  const env: Record<string, string> = {
    VISAGE_DATA_DIR: dataDir,
    DATABASE_URL: schema.url,
    VISAGE_MASTER_KEY: randomBytes(32).toString('base64'),
    VISAGE_ENGINE_WORKERS: '1',
    VISAGE_ENGINE_REQUESTS_PER_WORKER: String(capacityRequestsPerWorker),
    VISAGE_KEY_RATE_PER_SECOND: '100000',
    VISAGE_KEY_CONCURRENCY: '10000',
    VISAGE_SUBJECT_PER_MINUTE: '100000',
    VISAGE_SUBJECT_PER_DAY: '100000',
    VISAGE_LOG_LEVEL: 'warn',
  };
  let servers: ChildServer[] = [];
  let nginx: Nginx | undefined;
  try {
    let key: SigningKey;
    try {
      key = await seedCustomer(env);
    } finally {
      await schema.migrated();
    }
    const d = options.durationSeconds;
    const compareBody = JSON.stringify({
      image1: fixture('lfw-anthony-fauci-0001.jpg').toString('base64'),
      image2: fixture('lfw-anthony-fauci-0002.jpg').toString('base64'),
      consent,
    });
    const nextCompare = (): SignedRequest => ({
      method: 'POST',
      path: '/v1/compare',
      headers: {
        'content-type': 'application/json',
        ...signedHeaders(key, { method: 'POST', url: '/v1/compare', body: compareBody }),
      },
      body: compareBody,
    });
    let reads: { next(): string } | undefined;
    const runs: ClusterRun[] = [];
    let overload: OverloadFigures | undefined;
    for (const processes of [1, 2]) {
      servers = await startServers(processes, env);
      nginx = await startNginx(
        servers.map((s) => s.base),
        { balance: 'least_conn' },
      );
      // Both runs read the results seeded once: two runs of reads and a warm-up each.
      reads ??= await seedVerifications(env, nginx.base, key, 2 * d + warmUpSeconds, readsPerSecond);
      const readSource = reads;
      const nextRead = (): SignedRequest => {
        const path = `/v1/verifications/${readSource.next()}`;
        return { method: 'GET', path, headers: signedHeaders(key, { method: 'GET', url: path }) };
      };
      // Short unrecorded runs first, so that JIT and onnxruntime warm-up are not measured.
      await closedLoop(nginx.base, readConnections, warmUpSeconds, nextRead);
      const read = await closedLoop(nginx.base, readConnections, d, nextRead);
      const compareConnections = capacityRequestsPerWorker * processes;
      await closedLoop(nginx.base, compareConnections, warmUpSeconds, nextCompare);
      // autocannon hangs up on the requests in flight when a run ends; a server works on them to the end, and
      // they hold their engine places meanwhile. Let them finish, or the next run starts with refusals.
      await settle();
      const compare = await closedLoop(nginx.base, compareConnections, d, nextCompare);
      await settle();
      runs.push({ processes, read_verification: read, compare });
      if (processes === 2) {
        // The admission under test, on fresh processes: the same two, started with --requests-per-worker.
        await nginx.stop();
        nginx = undefined;
        await stopServers(servers);
        servers = await startServers(processes, {
          ...env,
          VISAGE_ENGINE_REQUESTS_PER_WORKER: String(options.requestsPerWorker),
        });
        nginx = await startNginx(
          servers.map((s) => s.base),
          { balance: 'least_conn' },
        );
        await closedLoop(nginx.base, processes, warmUpSeconds, nextCompare);
        await settle();
        const unloaded = await closedLoop(nginx.base, processes, d, nextCompare);
        await settle();
        overload = await overloadPhase(nginx.base, processes, compare.ok_per_s, unloaded, d, nextCompare);
      }
      await nginx.stop();
      nginx = undefined;
      await stopServers(servers);
      servers = [];
    }
    const [one, two] = runs as [ClusterRun, ClusterRun];
    const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 3) : null);
    return {
      database: 'postgres',
      machine: { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
      duration_s: d,
      engine_workers_per_process: 1,
      engine_requests_per_worker: options.requestsPerWorker,
      balance: 'least_conn',
      runs,
      scaling: {
        read_verification: ratio(two.read_verification.ok_per_s, one.read_verification.ok_per_s),
        compare: ratio(two.compare.ok_per_s, one.compare.ok_per_s),
      },
      overload: overload!,
    };
  } finally {
    await nginx?.stop();
    await stopServers(servers);
    rmSync(dataDir, { recursive: true, force: true });
    await schema.drop();
  }
}

async function overloadPhase(
  base: string,
  processes: number,
  capacityPerSecond: number,
  unloaded: PhaseFigures,
  seconds: number,
  next: () => SignedRequest,
): Promise<OverloadFigures> {
  const offered = Math.max(1, round(2 * capacityPerSecond, 1));
  const answers = await openLoop(base, offered, seconds, next);
  const accepted = answers.filter((a) => a.status >= 200 && a.status < 300);
  const refused = answers.filter((a) => a.status === 503);
  const acceptedLatency = percentiles(accepted.map((a) => a.ms));
  return {
    processes,
    capacity_per_s: capacityPerSecond,
    offered_per_s: offered,
    requests: answers.length,
    unloaded,
    accepted: { count: accepted.length, per_s: round(accepted.length / seconds, 1), latency_ms: acceptedLatency },
    p99_ratio:
      unloaded.latency_ms.p99 > 0 && accepted.length > 0
        ? round(acceptedLatency.p99 / unloaded.latency_ms.p99, 2)
        : null,
    refused_503: refused.length,
    refused_503_with_retry_after: refused.filter((a) => a.retryAfter !== undefined && Number(a.retryAfter) > 0).length,
    refused_latency_ms: percentiles(refused.map((a) => a.ms)),
    statuses: countStatuses(answers.filter((a) => a.status > 0).map((a) => a.status)),
    errors: answers.filter((a) => a.status === 0).length,
    max_in_flight: answers.maxInFlight,
  };
}

async function closedLoop(
  base: string,
  connections: number,
  seconds: number,
  next: () => SignedRequest,
): Promise<PhaseFigures> {
  const latencies: number[] = [];
  const statuses: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections,
        duration: seconds,
        requests: [{ setupRequest: (raw: autocannon.Request) => ({ ...raw, ...next() }) }],
      },
      (error: unknown, done: autocannon.Result) => (error ? reject(error as Error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses.push(statusCode);
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  return {
    connections,
    requests: statuses.length,
    ok_per_s: round(latencies.length / seconds, 1),
    latency_ms: percentiles(latencies),
    statuses: countStatuses(statuses),
    errors: result.errors + result.timeouts,
  };
}

interface Answer {
  /** 0: no answer (connection error or timeout). */
  readonly status: number;
  readonly ms: number;
  readonly retryAfter?: string;
}

/**
 * Open loop: request i leaves at i / rate seconds whatever became of the ones before, on as many keep-alive
 * connections as that takes, so that a slow answer does not hold back the next request (unlike a closed loop,
 * whose clients wait and so offer less than asked once the server falls behind).
 */
async function openLoop(
  base: string,
  ratePerSecond: number,
  seconds: number,
  next: () => SignedRequest,
): Promise<Answer[] & { maxInFlight: number }> {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 1024 });
  const total = Math.max(1, Math.round(ratePerSecond * seconds));
  const answers: Answer[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const send = (request: SignedRequest) =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const settle = (answer: Omit<Answer, 'ms'>) => {
        inFlight--;
        answers.push({ ...answer, ms: round(performance.now() - started, 2) });
        resolve();
      };
      const body = request.body === undefined ? undefined : Buffer.from(request.body);
      const req = httpRequest(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: request.method,
          path: request.path,
          headers: { ...request.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
          timeout: 60_000,
        },
        (res) => {
          res.resume();
          res.once('end', () => {
            const retryAfter = res.headers['retry-after'];
            settle({ status: res.statusCode ?? 0, ...(retryAfter === undefined ? {} : { retryAfter }) });
          });
          res.once('error', () => settle({ status: 0 }));
        },
      );
      req.once('timeout', () => req.destroy(new Error('timeout')));
      req.once('error', () => settle({ status: 0 }));
      req.end(body);
    });
  const pending: Promise<void>[] = [];
  const start = performance.now();
  try {
    for (let i = 0; i < total; i++) {
      const wait = start + (i * 1000) / ratePerSecond - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      pending.push(send(next()));
    }
    await Promise.all(pending);
  } finally {
    agent.destroy();
  }
  return Object.assign(answers, { maxInFlight });
}

function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { p50: 0, p99: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least p % of the values at or below it.
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: round(at(50), 1), p99: round(at(99), 1) };
}

function countStatuses(statuses: readonly number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[String(status)] = (counts[String(status)] ?? 0) + 1;
  return counts;
}

export function formatBenchCluster(r: BenchClusterReport): string {
  const statuses = (s: Record<string, number>, errors: number) =>
    [
      ...Object.entries(s).map(([status, n]) => `${status}: ${n}`),
      ...(errors > 0 ? [`no answer: ${errors}`] : []),
    ].join(', ');
  const row = (processes: number | string, name: string, f: PhaseFigures) =>
    [
      String(processes).padEnd(9),
      name.padEnd(34),
      String(f.connections).padStart(5),
      String(f.ok_per_s).padStart(9),
      String(f.latency_ms.p50).padStart(9),
      String(f.latency_ms.p99).padStart(9),
      `  ${statuses(f.statuses, f.errors)}`,
    ].join(' ');
  const o = r.overload;
  return [
    `PostgreSQL, nginx (${r.balance}), ${r.engine_workers_per_process} engine worker per process, ` +
      `${r.engine_requests_per_worker} engine requests per worker, ${r.duration_s} s per phase, ` +
      `${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}`,
    '',
    `${'processes'.padEnd(9)} ${'request'.padEnd(34)} ${'conns'.padStart(5)} ${'2xx/s'.padStart(9)} ` +
      `${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)}   answers by status`,
    ...r.runs.flatMap((run) => [
      row(run.processes, 'signed GET /v1/verifications/{id}', run.read_verification),
      row(run.processes, 'signed POST /v1/compare', run.compare),
    ]),
    row(o.processes, 'compare, unloaded', o.unloaded),
    '',
    `scaling 1 → 2 processes: compare ${r.scaling.compare ?? '–'}x (target ≥ 1.7), ` +
      `reads ${r.scaling.read_verification ?? '–'}x`,
    '',
    `overload at ${o.processes} processes: capacity ${o.capacity_per_s}/s, offered ${o.offered_per_s}/s open-loop ` +
      `(${o.requests} requests, at most ${o.max_in_flight} open)`,
    `  accepted: ${o.accepted.count} (${o.accepted.per_s}/s), p50 ${o.accepted.latency_ms.p50} ms, ` +
      `p99 ${o.accepted.latency_ms.p99} ms = ${o.p99_ratio ?? '–'}x the unloaded p99 of ${o.unloaded.latency_ms.p99} ms ` +
      `(target ≤ 2)`,
    `  refused 503: ${o.refused_503}, with Retry-After: ${o.refused_503_with_retry_after}, ` +
      `answered in p50 ${o.refused_latency_ms.p50} ms / p99 ${o.refused_latency_ms.p99} ms`,
    `  answers by status: ${statuses(o.statuses, o.errors)}`,
  ].join('\n');
}
