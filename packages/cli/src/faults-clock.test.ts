import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openServices, signedHeaders, type SigningKey } from '@visage/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from './child-server.js';

// Issue 8's fault test: the server's clock moved ±10 minutes (Debian's faketime, preloaded into a real `visage
// serve`). docs/api/signing.md: a timestamp is accepted within ±300 s of the server's clock, else
// `signature.expired` (401). A client on true time is then refused by a server 10 minutes off, and a client whose
// timestamp is within the window of the server's (moved) clock is accepted.

const windowSeconds = 300;
const shiftSeconds = 600;
/** Seconds kept clear of the window's edge: the request's own transit and second rounding. */
const margin = 10;

function libfaketime(): string | undefined {
  const lib = '/usr/lib';
  for (const arch of existsSync(lib) ? readdirSync(lib) : []) {
    const file = join(lib, arch, 'faketime', 'libfaketime.so.1');
    if (existsSync(file)) return file;
  }
  return undefined;
}
const preload = libfaketime();
const missing =
  preload === undefined || spawnSync('faketime', ['--version']).error !== undefined
    ? 'faketime is not installed (apt-get install faketime)'
    : undefined;
if (missing && process.env['CI'] === 'true') throw new Error(`under CI: ${missing}`);

const shifts = [shiftSeconds, -shiftSeconds] as const;
const labelOf = (shift: number) => `${shift > 0 ? '+' : '-'}${Math.abs(shift) / 60} min`;

/** A `visage serve` whose wall clock is `shift` seconds off, on a data directory of its own with one live key. */
async function startShifted(shift: number, dataDir: string): Promise<{ server: ChildServer; key: SigningKey }> {
  const env = {
    VISAGE_DATA_DIR: dataDir,
    VISAGE_MASTER_KEY: randomBytes(32).toString('base64'),
    VISAGE_ENGINE_WORKERS: '1',
    VISAGE_LOG_LEVEL: 'warn',
  };
  const services = await openServices(loadConfig(env));
  let key: SigningKey;
  try {
    const actor = 'operator:faults-test';
    const org = await services.organizations.create('Clock Ltd', { certified: true }, actor);
    const app = await services.apps.create({ orgId: org.id, name: 'clock', actor });
    const issued = await services.keys.create({ orgId: org.id, appId: app.id, mode: 'live', actor });
    key = { keyId: issued.keyId, secret: issued.secret };
  } finally {
    await services.close();
  }
  const server = await startChildServer({
    ...env,
    LD_PRELOAD: preload!,
    FAKETIME: `${shift > 0 ? '+' : '-'}${Math.abs(shift)}s`,
    // Wall-clock time moves; the monotonic clock (timers, timeouts) is left alone.
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  });
  return { server, key };
}

describe.skipIf(missing !== undefined)(
  `servers whose clock is ${shifts.map(labelOf).join(' and ')} off (faketime)${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    const dataDirs = shifts.map(() => mkdtempSync(join(tmpdir(), 'visage-faults-clock-')));
    const shifted = new Map<number, { server: ChildServer; key: SigningKey }>();

    // Both servers start at once: a process start is most of this file's time.
    beforeAll(async () => {
      const started = await Promise.allSettled(shifts.map((shift, i) => startShifted(shift, dataDirs[i]!)));
      started.forEach((s, i) => s.status === 'fulfilled' && shifted.set(shifts[i]!, s.value));
      const failed = started.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
    }, 120_000);

    afterAll(async () => {
      await Promise.all([...shifted.values()].map(({ server }) => server.stop()));
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    });

    for (const shift of shifts) {
      describe(`the server ${labelOf(shift)} off`, () => {
        const url = '/v1/verifications/ver_doesnotexist';
        /** A signed read with the given timestamp: 404 means the signature was accepted (there is no such id). */
        const readAt = async (timestamp: number) => {
          const { server, key } = shifted.get(shift)!;
          const response = await fetch(`${server.base}${url}`, {
            headers: signedHeaders(key, { method: 'GET', url }, { timestamp }),
          });
          const body = (await response.json()) as { error?: { code: string } };
          return { status: response.status, code: body.error?.code };
        };
        const now = () => Math.floor(Date.now() / 1000);

        it('runs on the moved clock', async () => {
          // The HTTP Date header is the server process's own wall clock.
          const { server } = shifted.get(shift)!;
          const date = Date.parse(String((await fetch(`${server.base}/healthz`)).headers.get('date')));
          expect(Math.abs(date / 1000 - (now() + shift))).toBeLessThan(margin);
        });

        it(`refuses a client on true time with signature.expired (outside ±${windowSeconds} s)`, async () => {
          expect(await readAt(now())).toEqual({ status: 401, code: 'signature.expired' });
        });

        it(`accepts timestamps within ±${windowSeconds} s of its own clock and refuses those just outside`, async () => {
          const serverNow = () => now() + shift;
          const accepted = { status: 404, code: 'verification.not_found' };
          const refused = { status: 401, code: 'signature.expired' };
          expect(await readAt(serverNow())).toEqual(accepted);
          expect(await readAt(serverNow() - windowSeconds + margin)).toEqual(accepted);
          expect(await readAt(serverNow() + windowSeconds - margin)).toEqual(accepted);
          expect(await readAt(serverNow() - windowSeconds - margin)).toEqual(refused);
          expect(await readAt(serverNow() + windowSeconds + margin)).toEqual(refused);
        });
      });
    }
  },
);
