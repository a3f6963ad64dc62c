import type { FaceEngine } from '@visage/engine';
import type { WebhookResponse } from '@visage/core';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Label value for an error: its registered code when it has one (a bounded set), `error` otherwise. */
function outcomeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[a-z_]+\.[a-z_]+$/.test(code) ? code : 'error';
}

/** What a scrape reads at that moment (the outbox is shared, so every process reports the same backlog). */
export interface MetricsSources {
  webhookBacklog?: () => Promise<{ due: number; leased: number; scheduled: number }>;
}

/**
 * The process's Prometheus metrics (docs/operations.md lists them), in a registry of its own: no module-level
 * state, so several platforms in one process (the tests) do not mix their counts. Labels are bounded: route
 * patterns (never the URL, which carries ids and tokens), status codes, registered error codes.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'visage_' });

  const httpDuration = new Histogram({
    name: 'visage_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code, with their latency (_count is the number of requests).',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const engineJobs = { inFlight: 0, workers: 0 };
  new Gauge({
    name: 'visage_engine_jobs_in_flight',
    help: 'Face-engine jobs submitted and not yet answered (running plus queued).',
    registers: [registry],
    collect() {
      this.set(engineJobs.inFlight);
    },
  });
  new Gauge({
    name: 'visage_engine_queue_depth',
    help: 'Face-engine jobs waiting for a free worker (VISAGE_ENGINE_MAX_QUEUE bounds it).',
    registers: [registry],
    collect() {
      this.set(Math.max(0, engineJobs.inFlight - engineJobs.workers));
    },
  });
  new Gauge({
    name: 'visage_engine_workers',
    help: 'Face-engine worker threads.',
    registers: [registry],
    collect() {
      this.set(engineJobs.workers);
    },
  });
  const inference = new Histogram({
    name: 'visage_engine_inference_seconds',
    help: 'Face-engine jobs from submission to answer (queue wait included), by kind and outcome (ok or the error code).',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const reservations = new Counter({
    name: 'visage_ledger_reservations_total',
    help: 'Balance reservations (holds) for billable calls, by outcome: reserved, or the refusal’s error code.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const settlements = new Counter({
    name: 'visage_ledger_settlements_total',
    help: 'Reservations settled: action post (charged) or void (released), by outcome (ok or the error code).',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
  });
  const webhookAttempts = new Counter({
    name: 'visage_webhook_attempts_total',
    help: 'Webhook delivery attempts made by this process, by outcome: delivered (2xx), http_error (another status), no_answer (timeout, connection or refused address).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const sweeperRuns = new Counter({
    name: 'visage_sweeper_runs_total',
    help: 'Retention sweeper runs in this process, by outcome (ok or failed).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const sweeperDuration = new Histogram({
    name: 'visage_sweeper_duration_seconds',
    help: 'How long a retention sweep took.',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [registry],
  });
  const sources: MetricsSources = {};
  new Gauge({
    name: 'visage_webhook_backlog',
    help: 'Pending webhook events in the shared outbox, by state: due (waiting for a worker), leased (being delivered), scheduled (waiting for a retry). Read from the database at scrape time.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      if (!sources.webhookBacklog) return;
      const backlog = await sources.webhookBacklog();
      this.set({ state: 'due' }, backlog.due);
      this.set({ state: 'leased' }, backlog.leased);
      this.set({ state: 'scheduled' }, backlog.scheduled);
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    /** The scrape: Prometheus text format. */
    render: () => registry.metrics(),
    setSources(next: MetricsSources): void {
      Object.assign(sources, next);
    },
    /** One answered request; `route` is the matched route's pattern (undefined: no route matched). */
    observeRequest(input: { method: string; route: string | undefined; statusCode: number; seconds: number }): void {
      httpDuration.observe(
        { method: input.method, route: input.route ?? 'unmatched', status_code: String(input.statusCode) },
        input.seconds,
      );
    },
    /** The engine, with its jobs counted and timed. */
    instrumentEngine(engine: FaceEngine): FaceEngine {
      engineJobs.workers = engine.workers;
      const timed =
        <A extends unknown[], R>(kind: string, run: (...args: A) => Promise<R>) =>
        async (...args: A): Promise<R> => {
          const end = inference.startTimer({ kind });
          engineJobs.inFlight++;
          try {
            const result = await run(...args);
            end({ outcome: 'ok' });
            return result;
          } catch (error) {
            end({ outcome: outcomeOf(error) });
            throw error;
          } finally {
            engineJobs.inFlight--;
          }
        };
      return {
        workers: engine.workers,
        analyze: timed('face', (bytes, options) => engine.analyze(bytes, options)),
        analyzeFrame: timed('frame', (bytes) => engine.analyzeFrame(bytes)),
        dispose: () => engine.dispose(),
      };
    },
    /** The charging port's calls, counted by outcome. */
    countReservation: <R>(reserve: Promise<R>): Promise<R> =>
      reserve.then(
        (result) => {
          reservations.inc({ outcome: 'reserved' });
          return result;
        },
        (error: unknown) => {
          reservations.inc({ outcome: outcomeOf(error) });
          throw error;
        },
      ),
    countSettlement: <R>(action: 'post' | 'void', settle: Promise<R>): Promise<R> =>
      settle.then(
        (result) => {
          settlements.inc({ action, outcome: 'ok' });
          return result;
        },
        (error: unknown) => {
          settlements.inc({ action, outcome: outcomeOf(error) });
          throw error;
        },
      ),
    observeWebhookAttempt(response: WebhookResponse): void {
      const outcome =
        response.statusCode === null
          ? 'no_answer'
          : response.statusCode >= 200 && response.statusCode < 300
            ? 'delivered'
            : 'http_error';
      webhookAttempts.inc({ outcome });
    },
    observeSweep(outcome: 'ok' | 'failed', seconds: number): void {
      sweeperRuns.inc({ outcome });
      sweeperDuration.observe(seconds);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
