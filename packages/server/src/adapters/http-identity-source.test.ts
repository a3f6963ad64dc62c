import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpIdentitySource } from './http-identity-source.js';

/** An external identity source on 127.0.0.1 that answers by the name it is asked about. */
describe('the HTTP identity source', () => {
  let server: Server;
  let url: string;
  const seen: { authorization: string | undefined; contentType: string | undefined; body: unknown }[] = [];
  const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { name: string; id_number: string };
        seen.push({
          authorization: request.headers.authorization,
          contentType: request.headers['content-type'],
          body,
        });
        const json = (status: number, value: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(typeof value === 'string' ? value : JSON.stringify(value));
        };
        switch (body.name) {
          case '张三':
            return json(200, { result: 'match', photo: photo.toString('base64') });
          case '无此人':
            return json(200, { result: 'not_found' });
          case '李四':
            return json(200, { result: 'name_mismatch' });
          case 'no photo':
            return json(200, { result: 'match' });
          case 'not json':
            return json(200, '<html>gateway</html>');
          case 'server error':
            return json(500, { error: 'down' });
          case 'redirect':
            response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
            return response.end();
          case 'slow':
            setTimeout(() => json(200, { result: 'not_found' }), 1500);
            return;
          default:
            return json(400, {});
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lookup`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const idNumber = '11010119900307001X';

  it('posts name and number as JSON with the bearer token and reads a match with its photo', async () => {
    const failures: string[] = [];
    const source = createHttpIdentitySource({
      url,
      token: 'secret-token-1234567890',
      timeoutMs: 1000,
      onFailure: (reason) => failures.push(reason),
    });
    expect(source.kind).toBe('http');
    const match = await source.lookup({ name: '张三', idNumber, sandbox: false });
    expect(match).toEqual({ status: 'found', photo: new Uint8Array(photo) });
    expect(seen.at(-1)).toEqual({
      authorization: 'Bearer secret-token-1234567890',
      contentType: 'application/json',
      body: { name: '张三', id_number: idNumber },
    });
    expect(await source.lookup({ name: '无此人', idNumber, sandbox: false })).toEqual({ status: 'not_found' });
    expect(await source.lookup({ name: '李四', idNumber, sandbox: false })).toEqual({ status: 'name_mismatch' });
    expect(failures).toEqual([]);
  });

  it('never sends a sandbox query to the operator’s source', async () => {
    const before = seen.length;
    await expect(
      createHttpIdentitySource({ url, timeoutMs: 1000 }).lookup({ name: '张三', idNumber, sandbox: true }),
    ).rejects.toMatchObject({ code: 'registry.source_unavailable' });
    expect(seen.length).toBe(before);
  });

  it('sends no Authorization header without a token', async () => {
    await createHttpIdentitySource({ url, timeoutMs: 1000 }).lookup({ name: '无此人', idNumber, sandbox: false });
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it('answers registry.source_unavailable for anything outside the contract, with the reason for the log only', async () => {
    const failures: string[] = [];
    const source = createHttpIdentitySource({ url, timeoutMs: 500, onFailure: (reason) => failures.push(reason) });
    for (const name of ['no photo', 'not json', 'server error', 'redirect', 'slow']) {
      const error = await source.lookup({ name, idNumber, sandbox: false }).then(
        () => undefined,
        (thrown: unknown) => thrown as { code?: string; details?: unknown },
      );
      expect(error?.code, name).toBe('registry.source_unavailable');
      expect(error?.details, name).toBeUndefined();
    }
    expect(failures).toEqual([
      'answer outside the contract',
      'answer outside the contract',
      'status 500',
      'connection failed',
      'timeout',
    ]);
  });

  it('answers registry.source_unavailable when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const source = createHttpIdentitySource({ url: `http://127.0.0.1:${port}/lookup`, timeoutMs: 1000 });
    await expect(source.lookup({ name: '张三', idNumber, sandbox: false })).rejects.toMatchObject({
      code: 'registry.source_unavailable',
    });
  });
});
