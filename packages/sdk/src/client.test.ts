import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { canonicalRequest } from '@visage/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  VisageApiError,
  VisageAuthenticationError,
  VisageClient,
  VisageConnectionError,
  VisageError,
  VisageInvalidRequestError,
  VisageRateLimitError,
  VisageServerError,
} from './index.js';

/**
 * The client against a scripted HTTP server on 127.0.0.1: each test queues the answers, the server records every
 * request it got (headers and body as received) and checks each signature with node:crypto, the way the Visage
 * server does (docs/api/signing.md).
 */
interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly signatureValid: boolean;
  readonly at: number;
}
type Answer = (req: IncomingMessage, res: ServerResponse) => void;

const key = { keyId: 'key_test0000000000000000', secret: 'sk_test_secret_value_0123456789abcdef' };
const image = Buffer.from('not really a jpeg, the scripted server does not look').toString('base64');
const request = { image1: image, image2: image, biz_no: 'order-1' };

let server: Server;
let base: string;
let answers: Answer[] = [];
let received: Received[] = [];

function signatureHolds(method: string, url: string, headers: IncomingMessage['headers'], body: Buffer): boolean {
  const [path = '', query = ''] = url.split('?', 2);
  const canonical = canonicalRequest({
    method,
    path,
    query,
    timestamp: String(headers['x-visage-timestamp']),
    nonce: String(headers['x-visage-nonce']),
    bodySha256Hex: createHash('sha256').update(body).digest('hex'),
  });
  return (
    headers['x-visage-key'] === key.keyId &&
    createHmac('sha256', key.secret).update(canonical).digest('hex') === headers['x-visage-signature']
  );
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Answer =>
  (_req, res) =>
    res
      .writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_header', ...headers })
      .end(JSON.stringify(body));
const problem = (status: number, code: string, headers: Record<string, string> = {}, details?: object): Answer =>
  json(status, { error: { code, message: `the ${code} message`, details, request_id: `req_${code}` } }, headers);
const ok = json(200, { result_code: 'result.match', match: true });
const dropConnection: Answer = (req) => req.socket.destroy();
const silence: Answer = () => undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: body.toString('utf8'),
        signatureValid: signatureHolds(req.method ?? '', req.url ?? '', req.headers, body),
        at: Date.now(),
      });
      const answer = answers.shift() ?? problem(500, 'internal.error');
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  answers = [];
  received = [];
});

// Fast backoff so the retry tests take milliseconds; Retry-After is still honoured as sent.
const client = (options: { retries?: number; timeoutMs?: number } = {}) =>
  new VisageClient({ baseUrl: base, ...key, backoff: { baseDelayMs: 20, maxDelayMs: 40 }, ...options });

async function rejection(promise: Promise<unknown>): Promise<VisageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VisageError);
  return error as VisageError;
}

describe('request signing', () => {
  it('signs method, path, body and query the way the server checks them, with a fresh nonce per request', async () => {
    answers.push(ok, json(200, { id: 'cap_1' }), json(200, { id: 'ver_1' }));
    await client().compare(request);
    await client().getCaptureSession('cap_1');
    await client().getVerification('ver/../x?y');
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /v1/compare',
      'GET /v1/capture-sessions/cap_1',
      // An id is one path segment: it cannot reach another route or add a query.
      'GET /v1/verifications/ver%2F..%2Fx%3Fy',
    ]);
    expect(received.every((r) => r.signatureValid)).toBe(true);
    expect(JSON.parse(received[0]!.body)).toEqual(request);
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(received[1]!.body).toBe('');
    expect(new Set(received.map((r) => r.headers['x-visage-nonce'])).size).toBe(3);
    for (const r of received) expect(String(r.headers['x-visage-nonce'])).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    const skew = Math.abs(Number(received[0]!.headers['x-visage-timestamp']) - Date.now() / 1000);
    expect(skew).toBeLessThan(5);
  });

  it('keeps a base URL’s path prefix in the request and in the signature', async () => {
    answers.push(ok);
    await new VisageClient({ baseUrl: `${base}/visage/`, ...key }).compare(request);
    expect(received[0]!.url).toBe('/visage/v1/compare');
    expect(received[0]!.signatureValid).toBe(true);
  });

  it('a wrong secret gives a signature the server refuses', async () => {
    answers.push(problem(401, 'signature.invalid'));
    const error = await rejection(
      new VisageClient({ baseUrl: base, keyId: key.keyId, secret: 'wrong' }).compare(request),
    );
    expect(received[0]!.signatureValid).toBe(false);
    expect(error).toBeInstanceOf(VisageAuthenticationError);
    expect(error.code).toBe('signature.invalid');
  });
});

describe('idempotency keys', () => {
  it('sends a new key per billable call and none on calls the server does not key', async () => {
    answers.push(ok, ok, ok, json(200, { id: 'cap_1', url: 'x', expires_at: 'y' }), json(200, { id: 'con_1' }));
    await client().compare(request);
    await client().liveness({ image });
    await client().readIdCard({ image, side: 'front' });
    await client().createCaptureSession({ liveness: 'still', return_url: 'https://example.com/back' });
    await client().createConsent({
      subject_ref: 'u',
      text_version: 'v1',
      obtained_at: new Date().toISOString(),
      method: 'checkbox',
    });
    const keys = received.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^idk_[A-Za-z0-9_-]{24}$/);
    expect(keys[1]).toMatch(/^idk_/);
    expect(keys[1]).not.toBe(keys[0]);
    expect(received[2]!.url).toBe('/v1/id-cards/ocr');
    expect(keys[2]).toMatch(/^idk_/);
    expect(keys.slice(3)).toEqual([undefined, undefined]);
  });

  it('uses the caller’s own key when given one', async () => {
    answers.push(ok);
    await client().compare(request, { idempotencyKey: 'order-1-compare' });
    expect(received[0]!.headers['idempotency-key']).toBe('order-1-compare');
  });
});

describe('retries', () => {
  it('retries a 503 after its Retry-After, with the same idempotency key, signed anew', async () => {
    answers.push(problem(503, 'service.overloaded', { 'retry-after': '1' }), ok);
    const started = Date.now();
    const result = await client().compare(request);
    expect(result).toEqual({ result_code: 'result.match', match: true });
    expect(received).toHaveLength(2);
    const [first, second] = received as [Received, Received];
    expect(second.at - first.at).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeLessThan(1000 * 1.1 + 500);
    expect(second.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
    expect(second.headers['x-visage-nonce']).not.toBe(first.headers['x-visage-nonce']);
    expect(second.signatureValid).toBe(true);
    expect(second.body).toBe(first.body);
  });

  it('retries 429 with backoff when there is no Retry-After, then gives up with the last error', async () => {
    answers.push(
      problem(429, 'key.rate_limited'),
      problem(429, 'key.rate_limited'),
      problem(429, 'key.rate_limited', { 'retry-after': '0' }),
    );
    const error = await rejection(client({ retries: 2 }).compare(request));
    expect(received).toHaveLength(3);
    expect(error).toBeInstanceOf(VisageRateLimitError);
    expect(error).toMatchObject({
      code: 'key.rate_limited',
      status: 429,
      attempts: 3,
      requestId: 'req_key.rate_limited',
    });
    expect((error as VisageRateLimitError).retryAfterSeconds).toBe(0);
    expect(new Set(received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
  });

  it('does not wait for a Retry-After longer than a minute', async () => {
    answers.push(problem(503, 'service.unavailable', { 'retry-after': '3600' }), ok);
    const error = await rejection(client().compare(request));
    expect(received).toHaveLength(1);
    expect(error).toBeInstanceOf(VisageServerError);
    expect(error.code).toBe('service.unavailable');
  });

  it.each([
    [400, 'request.invalid', VisageInvalidRequestError],
    [401, 'signature.expired', VisageAuthenticationError],
    [402, 'billing.insufficient_balance', VisageApiError],
    [403, 'key.ip_not_allowed', VisageAuthenticationError],
    [404, 'verification.not_found', VisageApiError],
    [409, 'idempotency.in_progress', VisageApiError],
    [422, 'face.none', VisageInvalidRequestError],
    [500, 'internal.error', VisageServerError],
  ] as const)('never retries %i %s', async (status, code, type) => {
    answers.push(problem(status, code, {}, { field: 'image1' }), ok);
    // The GET carries no idempotency key, so even idempotency.in_progress is final for it.
    const error = await rejection(client().getVerification('ver_1'));
    expect(received).toHaveLength(1);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({
      code,
      status,
      message: `the ${code} message`,
      requestId: `req_${code}`,
      details: { field: 'image1' },
      attempts: 1,
    });
  });

  it('retries idempotency.in_progress of a keyed call: the first attempt’s answer comes back once it is done', async () => {
    answers.push(problem(409, 'idempotency.in_progress', { 'retry-after': '0' }), ok);
    await expect(client().compare(request)).resolves.toMatchObject({ match: true });
    expect(received).toHaveLength(2);
  });

  it('retries a dropped connection of a keyed call or a read, but not of a POST that may have done its work', async () => {
    answers.push(dropConnection, ok);
    await expect(client().compare(request)).resolves.toMatchObject({ match: true });
    expect(received).toHaveLength(2);
    expect(received[1]!.headers['idempotency-key']).toBe(received[0]!.headers['idempotency-key']);

    received = [];
    answers.push(dropConnection, json(200, { id: 'cap_1' }));
    await expect(client().getCaptureSession('cap_1')).resolves.toEqual({ id: 'cap_1' });
    expect(received).toHaveLength(2);

    received = [];
    answers.push(dropConnection, json(200, { id: 'cap_1' }));
    const error = await rejection(
      client().createCaptureSession({ liveness: 'still', return_url: 'https://example.com/back' }),
    );
    expect(received).toHaveLength(1);
    expect(error).toBeInstanceOf(VisageConnectionError);
    expect(error).toMatchObject({ code: 'sdk.network_error', status: undefined, attempts: 1 });
    answers = [];
  });

  it('times an attempt out after timeoutMs and retries a read', async () => {
    answers.push(silence, silence);
    const started = Date.now();
    const error = await rejection(client({ timeoutMs: 300, retries: 1 }).getCaptureSession('cap_1'));
    expect(error).toBeInstanceOf(VisageConnectionError);
    expect(error).toMatchObject({ code: 'sdk.timeout', attempts: 2 });
    expect(received).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('stops at once when the caller aborts, retries included', async () => {
    answers.push(problem(503, 'service.overloaded', { 'retry-after': '30' }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const error = await rejection(client().compare(request, { signal: controller.signal }));
    expect(error.code).toBe('sdk.aborted');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(received).toHaveLength(1);
  });

  it('a non-JSON error page (a proxy’s 502) is a server error with the SDK’s own code, not retried', async () => {
    answers.push((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'));
    const error = await rejection(client().compare(request));
    expect(received).toHaveLength(1);
    expect(error).toBeInstanceOf(VisageServerError);
    expect(error).toMatchObject({ code: 'sdk.invalid_response', status: 502, requestId: undefined });
  });

  it('a 2xx that is not JSON is refused rather than returned', async () => {
    answers.push((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('hello'));
    const error = await rejection(client().compare(request));
    expect(error).toMatchObject({ code: 'sdk.invalid_response', status: 200, requestId: undefined });
  });

  it('retries: 0 makes one attempt only', async () => {
    answers.push(problem(503, 'service.overloaded', { 'retry-after': '0' }), ok);
    const error = await rejection(client({ retries: 0 }).compare(request));
    expect(received).toHaveLength(1);
    expect(error.code).toBe('service.overloaded');
    expect(error.hint).toMatch(/Retry-After/);
  });
});
