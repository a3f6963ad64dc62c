import { DomainError, type IdentityMatch, type IdentitySource } from '@visage/core';
import { z } from 'zod';

/** The largest answer read from the source (a photo as base64 and a few fields). */
export const identitySourceMaxResponseBytes = 10 * 1024 * 1024;

const answerSchema = z.discriminatedUnion('result', [
  z.object({
    result: z.literal('match'),
    photo: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9+/\r\n]+={0,2}$/),
  }),
  z.object({ result: z.literal('not_found') }),
  z.object({ result: z.literal('name_mismatch') }),
]);

/**
 * An operator's external authoritative identity source over HTTP (contract: docs/identity-sources.md): POST
 * `{ name, id_number }` as JSON with an optional bearer token; the answer is `{ result: "match", photo }`,
 * `{ result: "not_found" }` or `{ result: "name_mismatch" }`. Anything else — another status, a redirect, a
 * timeout, a body outside the contract — is registry.source_unavailable; the body is never logged (it carries the
 * person's photo) and neither is the request (it carries the number).
 */
export function createHttpIdentitySource(options: {
  url: string;
  token?: string | undefined;
  timeoutMs: number;
  /** For the operator's log: why a lookup failed (status or error kind), never the request or answer body. */
  onFailure?: (reason: string) => void;
}): IdentitySource {
  const fail = (reason: string): never => {
    options.onFailure?.(reason);
    throw new DomainError('registry.source_unavailable');
  };
  return {
    kind: 'http',
    async lookup(query): Promise<IdentityMatch> {
      // Sandbox keys never reach the operator's real source (they see the registry's sandbox records only).
      if (query.sandbox) throw new DomainError('registry.source_unavailable');
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
          },
          body: JSON.stringify({ name: query.name, id_number: query.idNumber }),
          redirect: 'error',
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        return fail(error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'connection failed');
      }
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => {});
        return fail(`status ${response.status}`);
      }
      const declared = Number(response.headers.get('content-length') ?? '0');
      if (declared > identitySourceMaxResponseBytes) {
        await response.body?.cancel().catch(() => {});
        return fail('answer too large');
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        return fail(error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'answer not read');
      }
      if (text.length > identitySourceMaxResponseBytes) return fail('answer too large');
      let parsed: z.infer<typeof answerSchema>;
      try {
        parsed = answerSchema.parse(JSON.parse(text));
      } catch {
        return fail('answer outside the contract');
      }
      if (parsed.result !== 'match') return { status: parsed.result };
      return { status: 'found', photo: new Uint8Array(Buffer.from(parsed.photo, 'base64')) };
    },
  };
}
