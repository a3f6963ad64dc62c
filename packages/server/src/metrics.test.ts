import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dialectNames } from '@visage/storage/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toErrorReply } from './http/error-reply.js';
import { registerMetricsEndpoint } from './http/metrics-endpoint.js';
import { createMetrics } from './metrics.js';
import { consent, fixture, operator, startTestPlatform, type TestPlatform } from './testing/test-platform.js';

const fauci1 = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');
const fauci2 = fixture('lfw-anthony-fauci-0002.jpg').toString('base64');

/** The value of one series in Prometheus text format; undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return undefined;
}

for (const dialect of dialectNames) {
  describe(`/metrics on ${dialect}`, () => {
    let t: TestPlatform;
    let receiver: Server;
    let received = 0;
    beforeAll(async () => {
      receiver = createServer((request, response) => {
        request.resume();
        request.on('end', () => {
          received++;
          response.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      t = await startTestPlatform({ dialect, env: { VISAGE_WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' } });
      await t.services.pricing.setPrice({ product: 'compare', amountFen: 50, actor: operator });
      await t.services.pricing.setPrice({ product: 'verification', amountFen: 100, actor: operator });
    });
    afterAll(async () => {
      await t.close();
      await new Promise((resolve) => receiver.close(resolve));
    });

    const scrape = async (options: { remoteAddress?: string; headers?: Record<string, string> } = {}) =>
      t.platform.app.inject({ method: 'GET', url: '/metrics', ...options });

    it('counts requests by route pattern and status, engine jobs, ledger holds and posts, webhooks and sweeps', async () => {
      const before = (await scrape()).body;
      const { orgId, appId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      await t.services.apps.update(orgId, appId, { webhookUrl: url }, operator);

      const compared = await t.call(key, 'POST', '/v1/compare', { image1: fauci1, image2: fauci2, consent });
      expect(compared.status).toBe(200);
      const verified = await t.call(key, 'POST', '/v1/verifications', {
        selfie: fauci1,
        comparison: { type: 'reference', image: fauci2 },
        consent,
      });
      expect(verified.status).toBe(200);
      const id = verified.json['id'] as string;
      expect((await t.call(key, 'GET', `/v1/verifications/${id}`)).status).toBe(200);
      expect((await t.call(key, 'GET', '/v1/verifications/ver_doesnotexist')).status).toBe(404);
      // A second live key with no money: the hold is refused before any work.
      const broke = await t.customer({ mode: 'live', cashFen: 0 });
      const refused = await t.call(broke.key, 'POST', '/v1/compare', { image1: fauci1, image2: fauci2, consent });
      expect(refused.status).toBe(402);

      // The webhook of the verification is delivered by the worker, woken at once.
      const deadline = Date.now() + 15_000;
      while (received === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received).toBeGreaterThanOrEqual(1);

      const response = await scrape();
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = response.body;
      const count = (name: string, labels: Record<string, string>) =>
        (sample(text, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);

      const route = (path: string, code: string, method = 'GET') => ({ method, route: path, status_code: code });
      expect(count('visage_http_request_duration_seconds_count', route('/v1/compare', '200', 'POST'))).toBe(1);
      expect(count('visage_http_request_duration_seconds_count', route('/v1/compare', '402', 'POST'))).toBe(1);
      expect(count('visage_http_request_duration_seconds_count', route('/v1/verifications/:id', '200'))).toBe(1);
      expect(count('visage_http_request_duration_seconds_count', route('/v1/verifications/:id', '404'))).toBe(1);
      // Latency buckets: the compare took more than 0 s and less than 30 s.
      expect(
        count('visage_http_request_duration_seconds_bucket', { ...route('/v1/compare', '200', 'POST'), le: '30' }),
      ).toBe(1);
      // Never a raw URL: no verification id, no signature in any label.
      expect(text).not.toContain(id);
      expect(text).not.toContain('ver_doesnotexist');

      // Two faces for the compare, two for the verification (selfie and reference).
      expect(count('visage_engine_inference_seconds_count', { kind: 'face', outcome: 'ok' })).toBe(4);
      expect(sample(text, 'visage_engine_queue_depth')).toBe(0);
      expect(sample(text, 'visage_engine_jobs_in_flight')).toBe(0);
      expect(sample(text, 'visage_engine_workers')).toBe(1);
      expect(count('visage_ledger_reservations_total', { outcome: 'reserved' })).toBe(2);
      expect(count('visage_ledger_reservations_total', { outcome: 'billing.insufficient_balance' })).toBe(1);
      expect(count('visage_ledger_settlements_total', { action: 'post', outcome: 'ok' })).toBe(2);
      expect(count('visage_webhook_attempts_total', { outcome: 'delivered' })).toBe(received);
      expect(sample(text, 'visage_webhook_backlog', { state: 'due' })).toBe(0);
      expect(sample(text, 'visage_webhook_backlog', { state: 'leased' })).toBe(0);
      // The sweep at start-up.
      expect(sample(text, 'visage_sweeper_runs_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'visage_process_resident_memory_bytes')).toBeGreaterThan(0);
    });

    it('shows the outbox backlog, read from the database at scrape time', async () => {
      const { orgId, appId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
      // A receiver that is not there: the event is attempted, fails, and waits for its retry.
      await t.services.apps.update(orgId, appId, { webhookUrl: 'http://127.0.0.1:9/closed' }, operator);
      const before = sample((await scrape()).body, 'visage_webhook_attempts_total', { outcome: 'no_answer' }) ?? 0;
      const verified = await t.call(key, 'POST', '/v1/verifications', {
        selfie: fauci1,
        comparison: { type: 'reference', image: fauci2 },
        consent,
      });
      expect(verified.status).toBe(200);
      let text: string;
      const deadline = Date.now() + 15_000;
      do {
        await new Promise((resolve) => setTimeout(resolve, 50));
        text = (await scrape()).body;
      } while (
        (sample(text, 'visage_webhook_attempts_total', { outcome: 'no_answer' }) ?? 0) === before &&
        Date.now() < deadline
      );
      expect(sample(text, 'visage_webhook_attempts_total', { outcome: 'no_answer' })).toBe(before + 1);
      expect(sample(text, 'visage_webhook_backlog', { state: 'scheduled' })).toBe(1);
    });

    it('refuses scrapes from other addresses and through a proxy, as a missing route', async () => {
      const remote = await scrape({ remoteAddress: '203.0.113.7' });
      expect(remote.statusCode).toBe(404);
      expect(remote.json()).toMatchObject({ error: { code: 'request.not_found' } });
      expect(remote.body).not.toContain('visage_');
      // nginx on the same machine connects from 127.0.0.1, but says whom it forwards for.
      const proxied = await scrape({ headers: { 'x-forwarded-for': '203.0.113.7' } });
      expect(proxied.statusCode).toBe(404);
      expect((await scrape({ remoteAddress: '::1' })).statusCode).toBe(200);
      expect((await scrape({ remoteAddress: '::ffff:127.0.0.1' })).statusCode).toBe(200);
    });
  });
}

describe('/metrics access modes', () => {
  async function appWith(access: 'off' | 'token', token?: string, metrics = createMetrics()) {
    const app = Fastify();
    app.setErrorHandler((error, request, reply) => {
      const mapped = toErrorReply(error, request.id, { bodyLimitBytes: 1024 });
      return reply.status(mapped.status).send(mapped.body);
    });
    registerMetricsEndpoint(app, metrics, { access, token });
    app.get('/ping', async () => ({ ok: true }));
    await app.ready();
    return app;
  }

  it('in token mode, needs the bearer token from any address, loopback included', async () => {
    const app = await appWith('token', 'a-long-enough-metrics-token');
    const get = (headers: Record<string, string>, remoteAddress = '198.51.100.1') =>
      app.inject({ method: 'GET', url: '/metrics', headers, remoteAddress });
    expect((await get({})).statusCode).toBe(404);
    expect((await get({}, '127.0.0.1')).statusCode).toBe(404);
    expect((await get({ authorization: 'Bearer a-long-enough-metrics-tokeX' })).statusCode).toBe(404);
    expect((await get({ authorization: 'Basic a-long-enough-metrics-token' })).statusCode).toBe(404);
    const allowed = await get({ authorization: 'Bearer a-long-enough-metrics-token' });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.body).toContain('# TYPE visage_http_request_duration_seconds histogram');
    await app.close();
  });

  it('when off, does not serve /metrics, and still records requests (unmatched ones under one label)', async () => {
    const metrics = createMetrics();
    const app = await appWith('off', undefined, metrics);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/ping' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/nope/tok_secret123' })).statusCode).toBe(404);
    const text = await metrics.render();
    const series = 'visage_http_request_duration_seconds_count';
    expect(sample(text, series, { method: 'GET', route: '/ping', status_code: '200' })).toBe(1);
    expect(sample(text, series, { method: 'GET', route: 'unmatched', status_code: '404' })).toBe(2);
    expect(text).not.toContain('tok_secret123');
    await app.close();
  });
});
