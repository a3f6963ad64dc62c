import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '@visage/core';
import { createWebhookSender, isPublicAddress, resolveWebhookTarget } from './webhook-target.js';

describe('the webhook SSRF guard', () => {
  it('allows only global unicast addresses', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e']) {
      expect(isPublicAddress(address), address).toBe(true);
    }
    for (const address of [
      '127.0.0.1',
      '127.1.2.3',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd00:ec2::254',
      'fc00::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
      '2002:7f00:1::1',
      '64:ff9b::7f00:1',
      'not an address',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  const lookup = (addresses: string[]) => async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('refuses URLs resolving to internal addresses unless allowed, and pins the resolved address', async () => {
    await expect(
      resolveWebhookTarget('https://hooks.example.com/x', { allowedCidrs: [], lookup: lookup(['93.184.215.14']) }),
    ).resolves.toMatchObject({ address: '93.184.215.14', family: 4 });
    await expect(
      resolveWebhookTarget('http://metadata.example/', { allowedCidrs: [], lookup: lookup(['169.254.169.254']) }),
    ).rejects.toMatchObject({ code: 'webhook.url_refused', details: { reason: 'address_not_allowed' } });
    // The resolved internal address is for the operator's log, not the caller's answer (it would map the network).
    const refusal = await resolveWebhookTarget('http://intranet.example/', {
      allowedCidrs: [],
      lookup: lookup(['10.20.30.40']),
    }).catch((error: unknown) => error as DomainError);
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).details).toEqual({ reason: 'address_not_allowed' });
    expect((refusal as DomainError).logDetails).toEqual({ address: '10.20.30.40' });
    expect(JSON.stringify({ ...(refusal as DomainError) })).not.toContain('10.20.30.40');
    // One internal address among public ones is enough to refuse (a rebinding name may answer either).
    await expect(
      resolveWebhookTarget('http://rebind.example/', {
        allowedCidrs: [],
        lookup: lookup(['93.184.215.14', '10.0.0.5']),
      }),
    ).rejects.toMatchObject({ code: 'webhook.url_refused', logDetails: { address: '10.0.0.5' } });
    await expect(resolveWebhookTarget('http://127.0.0.1:9/', { allowedCidrs: [] })).rejects.toMatchObject({
      code: 'webhook.url_refused',
    });
    await expect(resolveWebhookTarget('http://[::1]:9/', { allowedCidrs: [] })).rejects.toMatchObject({
      code: 'webhook.url_refused',
    });
    await expect(
      resolveWebhookTarget('http://127.0.0.1:9/', { allowedCidrs: ['127.0.0.1/32'] }),
    ).resolves.toMatchObject({
      address: '127.0.0.1',
    });
    await expect(resolveWebhookTarget('ftp://example.com/', { allowedCidrs: [] })).rejects.toMatchObject({
      details: { reason: 'invalid_url' },
    });
    await expect(
      resolveWebhookTarget('https://nowhere.invalid/', {
        allowedCidrs: [],
        lookup: async () => {
          throw new Error('ENOTFOUND');
        },
      }),
    ).rejects.toMatchObject({ details: { reason: 'unresolvable' } });
  });
});

describe('the webhook sender', () => {
  let server: Server;
  let port: number;
  let requests: { headers: IncomingMessage['headers']; body: string; url: string | undefined }[];
  let respond: (res: import('node:http').ServerResponse) => void;

  beforeEach(async () => {
    requests = [];
    respond = (res) => res.writeHead(204).end();
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString(), url: req.url });
        respond(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const send = (url: string, options: Parameters<typeof createWebhookSender>[0]) =>
    createWebhookSender(options).send({
      url,
      headers: { 'webhook-id': 'evt_1', 'content-type': 'application/json' },
      body: '{"a":1}',
    });

  it('POSTs to an allowed address and reports the answer', async () => {
    const response = await send(`http://127.0.0.1:${port}/hook?x=1`, { allowedCidrs: ['127.0.0.1/32'] });
    expect(response).toEqual({ statusCode: 204, error: null, responseSnippet: '' });
    expect(requests).toEqual([
      expect.objectContaining({
        body: '{"a":1}',
        url: '/hook?x=1',
        headers: expect.objectContaining({ 'webhook-id': 'evt_1' }),
      }),
    ]);
  });

  it('refuses a loopback receiver unless allowed, without connecting', async () => {
    const response = await send(`http://127.0.0.1:${port}/hook`, { allowedCidrs: [] });
    expect(response.statusCode).toBeNull();
    // The attempt's error is shown to the app's owner: no address in it.
    expect(response.error).toBe('refused: address_not_allowed');
    expect(requests).toHaveLength(0);
  });

  it('connects to the address resolved at check time (a name that later resolves elsewhere does not matter)', async () => {
    let lookups = 0;
    const response = await send(`http://pinned.example:${port}/hook`, {
      allowedCidrs: ['127.0.0.1/32'],
      lookup: async () => {
        lookups++;
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    expect(response.statusCode).toBe(204);
    expect(lookups).toBe(1);
    expect(requests[0]!.headers.host).toBe(`pinned.example:${port}`);
  });

  it('follows no redirect, keeps 1 kB of the answer, and gives up at the timeout', async () => {
    respond = (res) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end('moved');
    expect(await send(`http://127.0.0.1:${port}/`, { allowedCidrs: ['127.0.0.1/32'] })).toEqual({
      statusCode: 302,
      error: null,
      responseSnippet: 'moved',
    });
    expect(requests).toHaveLength(1);

    respond = (res) => res.writeHead(500).end('x'.repeat(5000));
    const long = await send(`http://127.0.0.1:${port}/`, { allowedCidrs: ['127.0.0.1/32'] });
    expect(long.statusCode).toBe(500);
    expect(long.responseSnippet).toHaveLength(1024);

    respond = () => {};
    const slow = await send(`http://127.0.0.1:${port}/`, { allowedCidrs: ['127.0.0.1/32'], timeoutMs: 200 });
    expect(slow).toEqual({ statusCode: null, error: 'timed out after 200 ms', responseSnippet: null });
  });
});
