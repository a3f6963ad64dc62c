import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@visage/core';
import ipaddr from 'ipaddr.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MetricsAccess } from '../config/config.schema.js';
import type { Metrics } from '../metrics.js';

/** Headers a proxy adds: a request carrying one came through a proxy, so it is not a local scrape. */
const proxyHeaders = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/**
 * Whether `request` may read /metrics. `loopback`: the socket's peer is a loopback address and no proxy header is
 * present (a reverse proxy on the same machine connects from 127.0.0.1 too; what it forwards is not local). The
 * peer comes from the socket, never from X-Forwarded-For, whatever VISAGE_TRUST_PROXY says. `token`: the bearer
 * token, compared in constant time.
 */
export function metricsAllowed(request: FastifyRequest, access: MetricsAccess, token: string | undefined): boolean {
  if (access === 'off') return false;
  if (access === 'token') {
    const given = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (given === undefined || token === undefined) return false;
    const digest = (text: string) => createHash('sha256').update(text).digest();
    return timingSafeEqual(digest(given), digest(token));
  }
  if (proxyHeaders.some((name) => request.headers[name] !== undefined)) return false;
  const peer = request.socket.remoteAddress;
  if (peer === undefined || !ipaddr.isValid(peer)) return false;
  const parsed = ipaddr.process(peer);
  return parsed.range() === 'loopback';
}

/**
 * Times every request into `metrics` (by route pattern) and, unless access is `off`, serves GET /metrics. A
 * refused scrape gets the same 404 as a missing route: from outside, the endpoint does not exist.
 */
export function registerMetricsEndpoint(
  app: FastifyInstance,
  metrics: Metrics,
  options: { access: MetricsAccess; token: string | undefined },
): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest({
      method: request.method,
      route: request.routeOptions.url,
      statusCode: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
  });
  if (options.access === 'off') return;
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!metricsAllowed(request, options.access, options.token)) throw new DomainError('request.not_found');
    const text = await metrics.render();
    return reply.type(metrics.contentType).header('cache-control', 'no-store').send(text);
  });
}
