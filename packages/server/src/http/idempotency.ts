import type { Crypto } from '@visage/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface IdempotencyPort {
  begin(input: {
    scope: string;
    key: string;
    requestHash: string;
  }): Promise<{ kind: 'new' } | { kind: 'replay'; status: number; body: string }>;
  complete(input: { scope: string; key: string; status: number; body: string }): Promise<void>;
  abandon(input: { scope: string; key: string }): Promise<void>;
}

/**
 * Runs a billable handler at most once per `Idempotency-Key` and organisation within 24 h. A completed call's
 * response is replayed as first sent; a call that failed is forgotten, so the client can retry with the same key.
 */
export async function idempotent(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: { idempotency: IdempotencyPort; crypto: Pick<Crypto, 'sha256Hex'>; scope: string },
  run: () => Promise<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header.join(',') : header;
  if (key === undefined) return run();
  const scope = deps.scope;
  const requestHash = deps.crypto.sha256Hex(
    `${request.method}\n${request.url}\n${deps.crypto.sha256Hex(request.rawBody ?? new Uint8Array())}`,
  );
  const started = await deps.idempotency.begin({ scope, key, requestHash });
  if (started.kind === 'replay') {
    reply.header('idempotent-replayed', 'true');
    return JSON.parse(started.body) as Record<string, unknown>;
  }
  let body: Record<string, unknown>;
  try {
    body = await run();
  } catch (error) {
    await deps.idempotency.abandon({ scope, key });
    throw error;
  }
  await deps.idempotency.complete({ scope, key, status: 200, body: JSON.stringify(body) });
  return body;
}
