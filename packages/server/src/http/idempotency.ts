import type { Caller, Crypto, SecretBox } from '@visage/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface IdempotencyPort {
  begin(input: {
    scope: string;
    key: string;
    requestHash: string;
  }): Promise<{ kind: 'new' } | { kind: 'replay'; status: number; body: string; unbilled?: true }>;
  complete(input: { scope: string; key: string; status: number; body: string; callId?: string }): Promise<void>;
  abandon(input: { scope: string; key: string }): Promise<void>;
}

/**
 * Keys are the app's and the mode's own: a sandbox answer is never replayed to a live key, nor one app's answer to
 * another app of the same organisation.
 */
export const idempotencyScope = (caller: Caller): string =>
  `${caller.orgId}:${caller.appId}:${caller.sandbox ? 'sandbox' : 'live'}`;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Runs a billable handler at most once per `Idempotency-Key` within 24 h. A completed call's response is replayed
 * as first sent; a call that failed is forgotten, so the client can retry with the same key. The kept response is
 * sealed like a stored result, and erasing the call (or its subject) erases it.
 */
export async function idempotent(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: {
    idempotency: IdempotencyPort;
    crypto: Pick<Crypto, 'sha256Hex'>;
    secretBox: SecretBox;
    caller: Caller;
  },
  /** `beforeCharge`, passed on to the billable call, stores the answer before the call is charged. */
  run: (
    beforeCharge?: (call: { id: string; body: Record<string, unknown> }) => Promise<void>,
  ) => Promise<{ id: string; body: Record<string, unknown> }>,
): Promise<Record<string, unknown>> {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header.join(',') : header;
  if (key === undefined) return (await run()).body;
  const scope = idempotencyScope(deps.caller);
  const context = `idempotency:${scope}:${key}`;
  const requestHash = deps.crypto.sha256Hex(
    `${request.method}\n${request.url}\n${deps.crypto.sha256Hex(request.rawBody ?? new Uint8Array())}`,
  );
  const started = await deps.idempotency.begin({ scope, key, requestHash });
  if (started.kind === 'replay') {
    reply.header('idempotent-replayed', 'true');
    const opened = deps.secretBox.open(Buffer.from(started.body, 'base64'), context);
    const answer = JSON.parse(decoder.decode(opened)) as Record<string, unknown>;
    // The answer was kept before its charge was posted; a process killed between the two left the call uncharged
    // (the sweeper voided its hold and marked it unbilled), and the replay says so.
    if (started.unbilled && answer['billed'] === true) answer['billed'] = false;
    return answer;
  }
  let completed = false;
  const complete = async (call: { id: string; body: Record<string, unknown> }) => {
    const sealed = deps.secretBox.seal(encoder.encode(JSON.stringify(call.body)), context);
    await deps.idempotency.complete({
      scope,
      key,
      status: 200,
      body: Buffer.from(sealed).toString('base64'),
      callId: call.id,
    });
    completed = true;
  };
  let result: { id: string; body: Record<string, unknown> };
  try {
    result = await run(complete);
  } catch (error) {
    // Not once the answer is kept: the call was answered and a repeat must replay it, not run it again.
    if (!completed) await deps.idempotency.abandon({ scope, key });
    throw error;
  }
  if (!completed) await complete(result);
  return result.body;
}
