import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signWebhook } from '@visage/contracts';
import { consent, fixture, startTestPlatform, type TestPlatform } from '@visage/server/testing';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, launchChromium } from './support/browser.js';

/**
 * The SDK in a browser: bundled for the browser by vite (no Node built-ins may be pulled in), loaded into headless
 * chromium from a page on 127.0.0.1 whose origin also forwards /v1 to a real Visage server, and used there: a signed
 * compare and a capture session round trip with the browser's fetch and WebCrypto, and a webhook verified with
 * verifyWebhook. (Only a test does this with an API secret: in production the secret stays on the customer's server.)
 */
const unavailable = browserUnavailable();
const sdkEntry = fileURLToPath(new URL('../packages/sdk/src/index.ts', import.meta.url));

describe.skipIf(unavailable !== undefined)(`the SDK in a browser${unavailable ? ` (${unavailable})` : ''}`, () => {
  let t: TestPlatform;
  let visageBase: string;
  let page: Server;
  let pageBase: string;
  let browser: Browser;
  let bundle: string;
  const outDir = mkdtempSync(join(tmpdir(), 'visage-sdk-browser-'));

  beforeAll(async () => {
    await build({
      configFile: false,
      logLevel: 'silent',
      resolve: {
        alias: {
          '@visage/contracts': fileURLToPath(new URL('../packages/contracts/src/index.ts', import.meta.url)),
        },
      },
      build: {
        outDir,
        emptyOutDir: true,
        minify: false,
        lib: { entry: sdkEntry, formats: ['es'], fileName: () => 'sdk.js' },
      },
    });
    bundle = readFileSync(join(outDir, 'sdk.js'), 'utf8');

    t = await startTestPlatform();
    visageBase = await t.platform.app.listen({ host: '127.0.0.1', port: 0 });
    page = createServer((req, res) => {
      if (req.url === '/')
        return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>sdk</title>');
      if (req.url === '/sdk.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      // Everything else goes to the Visage server, bytes untouched (the signature covers them).
      const target = new URL(req.url ?? '/', visageBase);
      const forwarded = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forwarded.on('error', () => res.writeHead(502).end());
      req.pipe(forwarded);
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    pageBase = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => page?.close(resolve));
    await t?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('bundles for the browser without any Node built-in', () => {
    expect(bundle).toMatch(/class VisageClient|VisageClient = class/);
    expect(bundle).not.toMatch(/from ['"]node:|require\(|__vite-browser-external/);
  });

  it('compares, opens and reads a capture session, and verifies a webhook, all inside chromium', async () => {
    const { key } = await t.customer({ mode: 'sandbox' });
    const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const body = JSON.stringify({ id: 'evt_browser', type: 'verification.completed', mode: 'sandbox', data: {} });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = await signWebhook(secret, { id: 'evt_browser', timestamp, body });

    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(pageBase);
    // A module script loads the bundle (an import() inside evaluate would be rewritten by the test runner).
    await tab.addScriptTag({ type: 'module', content: "import * as sdk from '/sdk.js'; window.visageSdk = sdk;" });
    await tab.waitForFunction(() => 'visageSdk' in window);
    const result = await tab.evaluate(
      async (input) => {
        const sdk = (window as unknown as { visageSdk: typeof import('@visage/sdk') }).visageSdk;
        const visage = new sdk.VisageClient({ baseUrl: location.origin, keyId: input.keyId, secret: input.secret });
        const compare = await visage.compare({ image1: input.a, image2: input.b, consent: input.consent });
        const created = await visage.createCaptureSession({ liveness: 'still', return_url: 'https://shop.example/r' });
        const session = await visage.getCaptureSession(created.id);
        let refused = '';
        try {
          await new sdk.VisageClient({ baseUrl: location.origin, keyId: input.keyId, secret: 'wrong' }).compare({
            image1: input.a,
            image2: input.b,
            consent: input.consent,
          });
        } catch (error) {
          const e = error as InstanceType<typeof sdk.VisageError>;
          refused = `${error instanceof sdk.VisageAuthenticationError} ${e.code} ${e.requestId}`;
        }
        const headers = new Headers({
          'webhook-id': 'evt_browser',
          'webhook-timestamp': String(input.timestamp),
          'webhook-signature': input.signature,
        });
        const webhook = await sdk.verifyWebhook({ secret: input.webhookSecret, headers, body: input.body });
        let tampered = '';
        await sdk
          .verifyWebhook({ secret: input.webhookSecret, headers, body: `${input.body} ` })
          .catch((error: Error) => (tampered = error.name));
        return {
          compare: { result_code: compare.result_code, match: compare.match, sandbox: compare.sandbox },
          session: { id: session.id, created: created.id, status: session.status },
          refused,
          webhook: webhook.event.id,
          tampered,
        };
      },
      {
        keyId: key.keyId,
        secret: key.secret,
        a: fixture('lfw-anthony-fauci-0001.jpg').toString('base64'),
        b: fixture('lfw-anthony-fauci-0002.jpg').toString('base64'),
        consent,
        webhookSecret: secret,
        body,
        timestamp,
        signature,
      },
    );
    await context.close();
    expect(result.compare).toEqual({ result_code: 'result.match', match: true, sandbox: true });
    expect(result.session.id).toBe(result.session.created);
    expect(result.session.status).toBe('not_started');
    expect(result.refused).toMatch(/^true signature\.invalid req_/);
    expect(result.webhook).toBe('evt_browser');
    expect(result.tampered).toBe('WebhookVerificationError');
  });
});
