import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VisageClient, VisageError } from './index.js';

/**
 * A redirect from the API (a misconfigured proxy, a hijacked DNS name on plain http) must not carry the signed
 * request, its body (selfies, ID numbers) and the X-Visage-* headers to another address: the client follows none.
 */
let api: Server;
let elsewhere: Server;
let apiBase: string;
const reachedElsewhere: IncomingMessage['headers'][] = [];

const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );

beforeAll(async () => {
  elsewhere = createServer((req, res) => {
    reachedElsewhere.push(req.headers);
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"request_id":"x","result_code":"result.match"}');
  });
  const elsewhereBase = await listen(elsewhere);
  api = createServer((req, res) => {
    req.resume();
    res.writeHead(307, { location: `${elsewhereBase}${req.url ?? '/'}` }).end();
  });
  apiBase = await listen(api);
});

afterAll(async () => {
  await new Promise((resolve) => api.close(resolve));
  await new Promise((resolve) => elsewhere.close(resolve));
});

describe('redirects', () => {
  it('are not followed: the signed request and its body go to the configured server only', async () => {
    const client = new VisageClient({ baseUrl: apiBase, keyId: 'key_test', secret: 'sk_test_secret', retries: 0 });
    const image = Buffer.from('jpeg bytes').toString('base64');
    const compared = await client.compare({ image1: image, image2: image }).catch((caught: unknown) => caught);
    expect(compared).toBeInstanceOf(VisageError);
    // A signed GET has no body to stop a redirect by accident (undici cannot re-send a used body).
    const read = await client.getVerification('ver_1').catch((caught: unknown) => caught);
    expect(read).toBeInstanceOf(VisageError);
    expect((read as VisageError).status).toBe(307);
    expect(reachedElsewhere).toEqual([]);
  });
});
