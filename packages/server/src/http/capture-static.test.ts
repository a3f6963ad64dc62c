import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type AppDependencies } from '../app.js';

/**
 * Serving the capture page needs no service: any call into one fails the test. (Route registration may keep a
 * reference to a service; only calling it is refused.)
 */
const refusing = (path: string): unknown =>
  new Proxy(() => undefined, {
    get: (_target, name) => (name === 'then' ? undefined : refusing(`${path}.${String(name)}`)),
    apply: () => {
      throw new Error(`${path} should not be used`);
    },
  });
const refuse = refusing('deps') as AppDependencies;

const build = (captureDistDir: string, logger: Parameters<typeof buildApp>[0]['logger'] = false) =>
  buildApp({ bodyLimitBytes: 1024, logger, trustProxy: false, version: 'test', captureDistDir }, refuse);

describe('capture page static files', () => {
  let dir: string;
  let app: FastifyInstance;
  const index =
    '<!doctype html><html><body><main id="app"></main><script src="/capture/assets/index-abc123.js"></script></body></html>';
  const token = 'Zq3sEcReTtOkEn_0123456789abcdefghijklmnopqrs';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'visage-capture-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), index);
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("capture");\n');
    app = await build(dir);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html for /capture/:token, never cached, with a strict policy that allows the camera', async () => {
    for (const url of ['/capture/abc', `/capture/${token}`, `/capture/${token}?lang=en`, '/capture', '/capture/']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toBe(index);
      expect(response.headers['cache-control']).toBe('no-store');
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("media-src 'self' blob:");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(response.headers['permissions-policy']).toContain('camera=(self)');
      expect(response.headers['x-frame-options']).toBe('DENY');
      // The address holds the link's token: no Referer carries it to the customer's return_url.
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('serves the hashed assets for a long time', async () => {
    const response = await app.inject({ method: 'GET', url: '/capture/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toContain('max-age=31536000');
    expect(response.headers['cache-control']).toContain('immutable');
    expect(response.body).toContain('console.log("capture")');
    const missing = await app.inject({ method: 'GET', url: '/capture/assets/nope.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('request.not_found');
    const escape = await app.inject({ method: 'GET', url: '/capture/assets/..%2Findex.html' });
    expect(escape.statusCode).toBe(404);
  });

  it('keeps the JSON 404 of the page API', async () => {
    for (const [method, url] of [
      ['GET', '/capture/api/nope'],
      ['GET', '/capture/api/attempts/att_1/nope'],
      ['POST', '/capture/api/nope'],
      ['GET', '/capture/api'],
      // However the path is spelt: the router decodes it, so these name the API too.
      ['GET', '/capture//api/nope'],
      ['GET', '/capture/%61pi/nope'],
      ['GET', '/capture/api%2Fnope'],
      ['HEAD', '/capture//api/nope'],
    ] as const) {
      const response = await app.inject({ method, url });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/^application\/json/);
      if (method !== 'HEAD') expect(response.json().error.code, url).toBe('request.not_found');
    }
  });

  it('leaves the consoles alone', async () => {
    const response = await app.inject({ method: 'GET', url: '/capturex/abc' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });

  it('says plainly when the page was not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'visage-capture-empty-'));
    const bare = await build(join(empty, 'dist'));
    try {
      for (const url of ['/capture/abc', '/capture/assets/index-abc123.js']) {
        const response = await bare.inject({ method: 'GET', url });
        expect(response.statusCode, url).toBe(503);
        expect(response.headers['content-type']).toMatch(/^text\/plain/);
        expect(response.body).toContain('capture page not built: run npm run build');
      }
      const api = await bare.inject({ method: 'GET', url: '/capture/api/nope' });
      expect(api.statusCode).toBe(404);
      expect(api.json().error.code).toBe('request.not_found');
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('never logs the token of a capture link', async () => {
    const lines: string[] = [];
    const logged = await build(dir, { level: 'info', stream: { write: (line: string) => lines.push(line) } });
    try {
      for (const url of [`/capture/${token}`, `/capture//${token}?x=1`]) {
        expect((await logged.inject({ method: 'GET', url })).statusCode, url).toBe(200);
      }
      await logged.inject({ method: 'GET', url: '/capture/assets/index-abc123.js' });
      const text = lines.join('');
      expect(text).toContain('/capture/[redacted]');
      expect(text).toContain('/capture//[redacted]?x=1');
      expect(text).toContain('/capture/assets/index-abc123.js');
      expect(text).not.toContain(token);
    } finally {
      await logged.close();
    }
  });
});
