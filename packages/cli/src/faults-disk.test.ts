import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openServices } from '@visage/server';
import { fixture } from '@visage/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from './child-server.js';
import {
  faultEnv,
  ledgerBreaches,
  ledgerState,
  livenessCall,
  seedFaultCustomer,
  until,
  type CallOutcome,
  type FaultCaller,
} from './fault-support.js';

// Issue 8's fault test: the SQLite data directory on a full disk (a size-limited tmpfs). While it is full, calls are
// refused with a clear 503 `service.unavailable` (the cause logged), never a 500, and the process keeps running;
// once space returns the same process serves again, and the database passes `PRAGMA integrity_check` with the
// ledger whole.

function probeMount(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'visage-mount-probe-'));
  try {
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { encoding: 'utf8' });
    if (mounted.status !== 0) return `cannot mount a tmpfs (needs root): ${(mounted.stderr ?? '').trim()}`;
    spawnSync('umount', [dir]);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const missing = probeMount();

const priceFen = 10;
const cashFen = 100_000;
const image = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');

describe.skipIf(missing !== undefined)(
  `the SQLite data directory on a full disk${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'visage-faults-disk-'));
    const filler = join(dataDir, 'filler');
    let env: Record<string, string>;
    let server: ChildServer;
    let caller: FaultCaller;
    let orgId: string;

    beforeAll(async () => {
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', dataDir], { encoding: 'utf8' });
      if (mounted.status !== 0) throw new Error(`mount failed: ${mounted.stderr}`);
      env = faultEnv(dataDir, { VISAGE_LOG_LEVEL: process.env['FAULTS_DEBUG'] ? 'error' : 'fatal' });
      ({ orgId, caller } = await seedFaultCustomer(env, { priceFen, cashFen, image }));
      server = await startChildServer(env);
    }, 120_000);

    afterAll(async () => {
      if (server && server.process.exitCode === null && server.process.signalCode === null) {
        server.process.kill('SIGKILL');
        await new Promise((resolve) => server.process.once('exit', resolve));
      }
      spawnSync('umount', [dataDir]);
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('refuses with 503 while full, recovers when space returns, and nothing is corrupted', async () => {
      const sent: (CallOutcome & { key: string })[] = [];
      const call = async (key: string) => {
        const outcome = await livenessCall(server.base, caller, key);
        sent.push({ ...outcome, key });
        return outcome;
      };
      for (let i = 0; i < 5; i++) expect((await call(`before-${i}`)).status).toBe(200);

      // Fill the file system to the last byte.
      const fd = openSync(filler, 'w');
      try {
        for (const size of [1 << 20, 1 << 16, 1 << 12, 1 << 9, 1]) {
          const chunk = Buffer.alloc(size);
          for (;;) {
            try {
              writeSync(fd, chunk);
            } catch {
              break;
            }
          }
        }
      } finally {
        closeSync(fd);
      }

      // Calls go on until the database cannot grow (free pages in its file or journal may take a few first).
      const whileFull: CallOutcome[] = [];
      for (let i = 0; i < 60 && whileFull.filter((o) => o.status === 503).length < 5; i++) {
        whileFull.push(await call(`full-${i}`));
      }
      expect(
        whileFull.filter((o) => o.status === 503).length,
        JSON.stringify(whileFull.slice(0, 8)),
      ).toBeGreaterThanOrEqual(5);
      const unexpected = whileFull.filter(
        (o) => o.status !== 200 && !(o.status === 503 && o.code === 'service.unavailable' && o.retryAfter),
      );
      expect(unexpected).toEqual([]);
      expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
      expect(server.process.exitCode).toBeNull();

      // Space returns: the same process serves again.
      unlinkSync(filler);
      let n = 0;
      await until(async () => (await call(`after-${n++}`)).status === 200, 20_000, 'a call succeeds again', 200);
      for (let i = 0; i < 3; i++) expect((await call(`later-${i}`)).status).toBe(200);
      await server.stop();

      const services = await openServices(loadConfig(env));
      try {
        const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(services.database.db);
        expect(check.rows).toEqual([{ integrity_check: 'ok' }]);
        const state = await ledgerState(services);
        expect(ledgerBreaches(state, { settled: true })).toEqual([]);
        // Charged exactly the calls answered 200, once each; nothing for a refused one.
        const answered = sent.filter((s) => s.status === 200).map((s) => s.key);
        expect([...state.postedPerKey.keys()].sort()).toEqual(answered.sort());
        const balances = await services.wallet.balances(orgId);
        expect(balances.cash + balances.bonus).toBe(cashFen - answered.length * priceFen);
      } finally {
        await services.close();
      }
      console.info(
        `faults-disk: ${whileFull.length} calls on the full disk, ` +
          `${whileFull.filter((o) => o.status === 503).length} refused with 503, ${countAnswered(sent)} answered in all`,
      );
    }, 120_000);
  },
);

const countAnswered = (sent: readonly CallOutcome[]) => sent.filter((s) => s.status === 200).length;
