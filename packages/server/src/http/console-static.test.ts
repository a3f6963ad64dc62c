import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { servicelessDependencies } from '../openapi.js';

/** Serving the consoles needs no service: any use of one fails the test. */
const refuse = servicelessDependencies('to serve static files');

const build = (consoleDistDir: string) =>
  buildApp({ bodyLimitBytes: 1024, logger: false, trustProxy: false, version: 'test', consoleDistDir }, refuse);

describe('console static files', () => {
  let dir: string;
  let app: FastifyInstance;
  const index =
    '<!doctype html><html><body><div id="root"></div><script src="/console/assets/app-abc123.js"></script></body></html>';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'visage-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), index);
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log("hi");\n');
    app = await build(dir);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html for the pages of both consoles, not cached, with a strict policy', async () => {
    for (const url of [
      '/console',
      '/console/',
      '/console/apps/123',
      '/console/sign-in?next=%2Fapps',
      '/admin',
      '/admin/customers',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toBe(index);
      expect(response.headers['cache-control']).toBe('no-cache');
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
    }
  });

  it('serves the hashed assets for a long time', async () => {
    const response = await app.inject({ method: 'GET', url: '/console/assets/app-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toContain('max-age=31536000');
    expect(response.headers['cache-control']).toContain('immutable');
    expect(response.body).toContain('console.log');
    const missing = await app.inject({ method: 'GET', url: '/console/assets/nope.js' });
    expect(missing.statusCode).toBe(404);
    const escape = await app.inject({ method: 'GET', url: '/console/assets/..%2Findex.html' });
    expect(escape.statusCode).toBe(404);
  });

  it('keeps the JSON 404 of the APIs', async () => {
    for (const [method, url] of [
      ['GET', '/console/api/nope'],
      ['GET', '/admin/api/nope/deeper'],
      ['POST', '/console/api/nope'],
      ['GET', '/console/api'],
      // However the path is spelt: the router decodes it, so these name the API too.
      ['GET', '/console//api/nope'],
      ['GET', '/console/%61pi/nope'],
      ['GET', '/admin/api%2Fnope'],
      ['HEAD', '/admin//api/nope'],
    ] as const) {
      const response = await app.inject({ method, url });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/^application\/json/);
      if (method !== 'HEAD') expect(response.json().error.code).toBe('request.not_found');
    }
  });

  it('sends the bare address to the customer console', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/console/');
  });

  it('says plainly when the console was not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'visage-console-empty-'));
    const bare = await build(join(empty, 'dist'));
    try {
      for (const url of ['/console/apps', '/admin', '/console/assets/app.js']) {
        const response = await bare.inject({ method: 'GET', url });
        expect(response.statusCode, url).toBe(503);
        expect(response.headers['content-type']).toMatch(/^text\/plain/);
        expect(response.body).toContain('console not built: run npm run build');
      }
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('never logs the token of a mailed link', async () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => lines.push(line) };
    const logged = await buildApp(
      {
        bodyLimitBytes: 1024,
        logger: { level: 'info', stream },
        trustProxy: false,
        version: 'test',
        consoleDistDir: dir,
      },
      refuse,
    );
    try {
      const token = 'Zq3sEcReTtOkEn_0123456789abcdefghijklmnopq';
      for (const url of [`/console/reset-password?token=${token}`, `/console/verify-email?x=1&TOKEN=${token}#a`]) {
        expect((await logged.inject({ method: 'GET', url })).statusCode).toBe(200);
      }
      const text = lines.join('');
      expect(text).toContain('/console/reset-password?token=[redacted]');
      expect(text).toContain('/console/verify-email?x=1&TOKEN=[redacted]');
      expect(text).not.toContain(token);
    } finally {
      await logged.close();
    }
  });
});
