/// <reference lib="dom" />
// Parts of this file run inside the page (page.evaluate, addInitScript), where the DOM is the global scope.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openServices, signedHeaders, type SigningKey } from '@visage/server';
import { operator } from '@visage/server/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../packages/cli/src/child-server.js';
import { seriousViolations } from './support/axe.js';
import { browserUnavailable, chromiumArgs, chromiumPath, viewports } from './support/browser.js';
import { writeY4m } from './support/fake-camera.js';
import { horizontalOverflow } from './support/layout.js';

/**
 * The hosted capture page in chromium with a fake camera (a face photo from the fixtures, as a y4m file) against
 * `visage serve`: a customer's server opens capture sessions with a signed call, the browser follows the link. This
 * checks the page — consent, the camera, frames uploaded, the return to the customer, the unsupported and cancelled
 * paths, the single-use link — not the liveness decision (docs/liveness.md has its own tests). With
 * E2E_SCREENSHOT_DIR set, every screen is saved at 390x844 and 1280x800.
 */
const unavailable = browserUnavailable();
const screenshotDir = process.env['E2E_SCREENSHOT_DIR'];
const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;

const browserArgs = [...chromiumArgs];

describe.skipIf(unavailable !== undefined)(
  `the capture page in a browser${unavailable ? ` (${unavailable})` : ''}`,
  () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'visage-capture-e2e-'));
    let server: ChildServer;
    let key: SigningKey;
    let returnServer: Server;
    let returnBase: string;
    let camera: Browser;
    let noCamera: Browser;
    /** A camera, but the permission prompt is refused (headless chromium refuses it without the fake UI). */
    let refused: Browser;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      const env = { VISAGE_DATA_DIR: dataDir, VISAGE_ENGINE_WORKERS: '1', VISAGE_LOG_LEVEL: 'warn' };
      const services = await openServices(loadConfig(env));
      try {
        const org = await services.organizations.create('Capture Ltd', { certified: true }, operator);
        const app = await services.apps.create({ orgId: org.id, name: 'Demo Shop', actor: operator });
        const issued = await services.keys.create({ orgId: org.id, appId: app.id, mode: 'sandbox', actor: operator });
        key = { keyId: issued.keyId, secret: issued.secret };
      } finally {
        await services.close();
      }
      server = await startChildServer(env);
      returnServer = createServer((_req, res) =>
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>back</title><p>back home</p>'),
      );
      await new Promise<void>((resolve) => returnServer.listen(0, '127.0.0.1', resolve));
      returnBase = `http://127.0.0.1:${(returnServer.address() as AddressInfo).port}`;
      const video = join(dataDir, 'face.y4m');
      await writeY4m([fixture('lfw-anthony-fauci-0001.jpg')], video);
      camera = await chromium.launch({
        executablePath: chromiumPath,
        headless: true,
        args: [
          ...browserArgs,
          '--use-fake-ui-for-media-stream',
          '--use-fake-device-for-media-stream',
          `--use-file-for-fake-video-capture=${video}`,
        ],
      });
      noCamera = await chromium.launch({ executablePath: chromiumPath, headless: true, args: browserArgs });
      refused = await chromium.launch({
        executablePath: chromiumPath,
        headless: true,
        args: [...browserArgs, '--use-fake-device-for-media-stream'],
      });
      if (screenshotDir) mkdirSync(screenshotDir, { recursive: true });
    }, 180_000);

    afterAll(async () => {
      await camera?.close();
      await noCamera?.close();
      await refused?.close();
      await server?.stop();
      await new Promise((resolve) => returnServer?.close(resolve));
      rmSync(dataDir, { recursive: true, force: true });
      expect(pageErrors).toEqual([]);
    });

    /** A signed call; a sandbox key's rate limit (a few a second) is waited out. */
    async function signed(method: 'GET' | 'POST', url: string, body?: unknown): Promise<Record<string, unknown>> {
      const text = body === undefined ? '' : JSON.stringify(body);
      const response = await fetch(`${server.base}${url}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...signedHeaders(key, { method, url, body: text }),
        },
        ...(body === undefined ? {} : { body: text }),
      });
      if (response.status === 429) {
        await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers.get('retry-after') ?? 1)));
        return signed(method, url, body);
      }
      const answer = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(answer)}`);
      return answer;
    }

    /** A session as a customer's server opens it; its link pointed at the test server. */
    async function openSession(extra: Record<string, unknown> = {}) {
      const created = await signed('POST', '/v1/capture-sessions', {
        liveness: 'still',
        return_url: `${returnBase}/done?order=42`,
        ...extra,
      });
      const url = new URL(String(created['url']));
      return { id: String(created['id']), link: `${server.base}${url.pathname}` };
    }

    const statusOf = async (id: string) => String((await signed('GET', `/v1/capture-sessions/${id}`))['status']);

    async function newPage(browser: Browser, size: keyof typeof viewports, locale = 'en-US'): Promise<Page> {
      const context = await browser.newContext({ viewport: viewports[size], locale });
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
      return page;
    }

    async function shot(page: Page, name: string, size: keyof typeof viewports) {
      expect(await horizontalOverflow(page), `${name} at ${size}`).toEqual([]);
      if (screenshotDir) await page.screenshot({ path: join(screenshotDir, `${name}-${size}.png`), fullPage: true });
    }

    for (const size of ['phone', 'desktop'] as const) {
      it(`consent, camera, frames and the return to the customer (${size})`, async () => {
        const session = await openSession(size === 'phone' ? { locale: 'zh-CN' } : { locale: 'en' });
        const page = await newPage(camera, size);
        await page.goto(session.link);
        const accept = page.locator('.actions .button.primary');
        await accept.waitFor();
        expect(await accept.isDisabled()).toBe(true);
        expect(await page.textContent('body')).toContain('Demo Shop');
        expect(await seriousViolations(page)).toEqual([]);
        await shot(page, 'consent', size);

        // A reload in the same tab goes on: the link's token is used up, the page token is kept for the tab.
        await page.reload();
        await accept.waitFor();
        expect(await statusOf(session.id)).toBe('not_started');

        await page.locator('#consent').check();
        await accept.click();
        await page.locator('.feedback').waitFor();
        await page.waitForFunction(() => (document.querySelector('video') as HTMLVideoElement | null)?.videoWidth);
        await page.waitForTimeout(800);
        expect(await seriousViolations(page)).toEqual([]);
        await shot(page, 'guide', size);

        await page.getByRole('button', { name: size === 'phone' ? '开始' : 'Start' }).click();
        await page.locator('.prompt').waitFor();
        await page.waitForTimeout(700);
        await shot(page, 'step', size);

        await page.waitForURL(/\/done\?/, { timeout: 90_000 });
        const back = new URL(page.url());
        expect(back.searchParams.get('order')).toBe('42');
        expect(back.searchParams.get('capture_session_id')).toBe(session.id);
        // The server decided (the decision itself is tested elsewhere): the session is over.
        expect(['passed', 'failed']).toContain(await statusOf(session.id));
        const result = await signed('GET', `/v1/capture-sessions/${session.id}`);
        expect(Number(result['attempts_used'])).toBeGreaterThanOrEqual(1);
        if (screenshotDir) writeFileSync(join(screenshotDir, `result-${size}.json`), JSON.stringify(result, null, 2));
        await page.context().close();
      }, 120_000);
    }

    it('an action session: the challenges in order, then a photo as the camera fails (a retry first)', async () => {
      const session = await openSession({ liveness: 'action', max_attempts: 2, locale: 'en' });
      const { challenges } = await signed('GET', `/v1/capture-sessions/${session.id}`);
      expect((challenges as string[]).length).toBeGreaterThanOrEqual(2);
      const page = await newPage(camera, 'phone');
      await page.goto(session.link);
      await page.locator('#consent').check();
      await page.locator('.actions .button.primary').click();
      await page.getByRole('button', { name: 'Start' }).click();
      for (const step of ['still', ...(challenges as string[])]) {
        await page.locator(`.prompt-icon.anim-${step}`).waitFor({ timeout: 20_000 });
      }
      // Nothing blinks or turns in a photo: the first attempt fails with another one left.
      await page.getByRole('button', { name: 'Try again' }).waitFor({ timeout: 60_000 });
      expect(await page.getByRole('alert').textContent()).toContain('could not see the requested movement');
      await shot(page, 'retry', 'phone');
      expect(await statusOf(session.id)).toBe('in_progress');
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('button', { name: 'Start' }).click();
      await page.waitForURL(/\/done\?/, { timeout: 90_000 });
      const result = await signed('GET', `/v1/capture-sessions/${session.id}`);
      expect(result['status']).toBe('failed');
      expect(result['reason']).toBe('liveness.challenge_failed');
      expect(result['attempts_used']).toBe(2);
      await page.context().close();
    }, 180_000);

    it('a link works once: a second browser is told plainly', async () => {
      const session = await openSession();
      const first = await newPage(camera, 'phone');
      await first.goto(session.link);
      await first.locator('#consent').waitFor();
      const second = await newPage(camera, 'phone');
      await second.goto(session.link);
      await second.getByRole('alert').waitFor();
      expect(await second.getByRole('alert').textContent()).toContain('already been used');
      await shot(second, 'link-used', 'phone');
      await first.context().close();
      await second.context().close();
    });

    it('declining the consent cancels the session, and no camera is opened', async () => {
      const session = await openSession();
      const page = await newPage(camera, 'phone');
      page.on('dialog', (dialog) => void dialog.accept());
      await page.goto(session.link);
      await page.getByRole('button', { name: 'I do not agree' }).click();
      await page.getByRole('heading', { name: 'Cancelled' }).waitFor();
      await shot(page, 'cancelled', 'phone');
      expect(await statusOf(session.id)).toBe('cancelled');
      await page.context().close();
    });

    it('a browser without camera support says so and reports unsupported', async () => {
      const session = await openSession();
      const page = await newPage(noCamera, 'phone');
      await page.addInitScript(() => Object.defineProperty(navigator, 'mediaDevices', { value: undefined }));
      await page.goto(session.link);
      await page.getByRole('heading', { name: 'The camera cannot be used' }).waitFor();
      expect(await page.getByRole('alert').textContent()).toContain('cannot use the camera');
      await shot(page, 'unsupported', 'phone');
      expect(await statusOf(session.id)).toBe('unsupported');
      await page.context().close();
    });

    it('a refused camera permission: explained, and only the person’s choice reports unsupported', async () => {
      const session = await openSession({ locale: 'zh-CN' });
      const page = await newPage(refused, 'phone');
      await page.goto(session.link);
      await page.locator('#consent').check();
      await page.locator('.actions .button.primary').click();
      await page.getByRole('heading', { name: '没有摄像头权限' }).waitFor();
      await shot(page, 'permission-refused', 'phone');
      expect(await statusOf(session.id)).toBe('not_started');
      await page.getByRole('button', { name: '我无法使用摄像头' }).click();
      await page.getByRole('heading', { name: '无法使用摄像头' }).waitFor();
      expect(await statusOf(session.id)).toBe('unsupported');
      await page.context().close();
    });

    it('a device without a camera: after consent, says so and reports unsupported', async () => {
      const session = await openSession();
      const page = await newPage(noCamera, 'desktop');
      await page.context().grantPermissions(['camera']);
      await page.goto(session.link);
      await page.locator('#consent').check();
      await page.locator('.actions .button.primary').click();
      await page.getByRole('heading', { name: 'The camera cannot be used' }).waitFor();
      await shot(page, 'no-camera', 'desktop');
      expect(await statusOf(session.id)).toBe('unsupported');
      await page.context().close();
    });
  },
);
