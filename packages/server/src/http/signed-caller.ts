import type { Caller } from '@visage/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { rejectUnparsedBody } from './body-parsers.js';
import type { KeyLimiter } from './key-limiter.js';
import { holdsForHandler } from './held-for-handler.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on /v1 routes once the signature, the key and the organisation have been checked. */
    caller?: Caller;
  }
}

export interface SignatureCheck {
  (request: {
    method: string;
    path: string;
    query: string;
    headers: Readonly<Record<string, string | undefined>>;
    body: Uint8Array;
  }): Promise<{ keyId: string }>;
}

/** Resolves a key whose signature held into the caller: key status, IP allowlist, organisation and agreement. */
export interface KeyGate {
  authorize(input: { keyId: string; ip: string }): Promise<Caller>;
}

const emptyBody = Buffer.alloc(0);

/**
 * Every route registered inside `scope` is a signed API route. The check runs before schema validation, so an
 * unsigned caller learns nothing from validation errors, and before any work or charge.
 */
export function requireSignedCaller(
  scope: FastifyInstance,
  deps: { verifySignature: SignatureCheck; keys: KeyGate; limiter: KeyLimiter },
): void {
  // The key's concurrency slot is held until the handler has finished, even if the client hangs up meanwhile.
  const hold = holdsForHandler(scope);
  scope.addHook('preValidation', async (request, reply) => {
    const { keyId } = await deps.verifySignature(signedParts(request));
    const caller = await deps.keys.authorize({ keyId, ip: request.ip });
    const release = await deps.limiter.acquire(caller.keyId, caller.sandbox);
    hold(request, reply, release);
    request.caller = caller;
  });
  scope.addHook('preValidation', rejectUnparsedBody);
}

function signedParts(request: FastifyRequest) {
  const queryAt = request.url.indexOf('?');
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    method: request.method,
    path: queryAt === -1 ? request.url : request.url.slice(0, queryAt),
    query: queryAt === -1 ? '' : request.url.slice(queryAt + 1),
    headers,
    body: request.rawBody ?? emptyBody,
  };
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error('route registered outside the signed scope');
  return request.caller;
}
