import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openServices } from '@visage/server';
import { fixture } from '@visage/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from './child-server.js';
import {
  faultEnv,
  ledgerBreaches,
  seedFaultCustomer,
  settledLedger,
  startLoad,
  type FaultCaller,
} from './fault-support.js';
import { startPrivatePostgres, testPostgresBinaries, type PrivatePostgres } from './private-postgres.js';

// Issue 8's fault test: PostgreSQL stopped abruptly (`pg_ctl stop -m immediate`) under load, then started again.
// While it is down, requests are refused fast with 503 `service.unavailable` and Retry-After; no request is charged
// without its result; once it is back the same `visage serve` process serves again, without a restart. The cluster
// is the test's own (initdb into a temp dir): the shared PostgreSQL on 5432 is never stopped.

const { bin, missing } = testPostgresBinaries();

const priceFen = 10;
const image = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');
const cashFen = 100_000;
const clients = 4;
const reservationTimeoutSeconds = 10;
/** How long the database stays down: refusals must be fast throughout, not only at first. */
const downMs = 3000;
/** A refusal while the database is down must come within this (connection refused is immediate; 5 s is the pool's bound). */
const failFastMs = 2000;

describe.skipIf(missing !== undefined)(
  `PostgreSQL stopped abruptly under load and started again${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'visage-faults-pg-'));
    let postgres: PrivatePostgres;
    let env: Record<string, string>;
    let server: ChildServer;
    let caller: FaultCaller;
    let orgId: string;

    beforeAll(async () => {
      postgres = await startPrivatePostgres(bin!);
      env = faultEnv(dataDir, {
        DATABASE_URL: postgres.url,
        VISAGE_ENGINE_TIMEOUT_MS: '4000',
        VISAGE_RESERVATION_TIMEOUT_SECONDS: String(reservationTimeoutSeconds),
        VISAGE_SWEEP_INTERVAL_SECONDS: '1',
      });
      ({ orgId, caller } = await seedFaultCustomer(env, { priceFen, cashFen, image }));
      server = await startChildServer(env);
    }, 180_000);

    afterAll(async () => {
      if (server && server.process.exitCode === null && server.process.signalCode === null) {
        // The process may have given up on its database; what matters here is that it is gone.
        server.process.kill('SIGKILL');
      }
      postgres?.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('refuses fast with 503 while down, charges nothing without a result, and recovers by itself', async () => {
      const load = startLoad(() => server.base, caller, clients, 'pg');
      const answered = (s: { status: number }) => s.status === 200;
      await load.until((sent) => sent.filter(answered).length >= 2 * clients, 60_000, 'calls answered at first');
      const downAt = Date.now();
      postgres.crash();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      const readyWhileDown = await fetch(`${server.base}/readyz`);
      const upAt = Date.now();
      postgres.start();
      // Recovery without restarting Visage: a call started after the restart succeeds within 30 s.
      await load.until((sent) => sent.some((s) => s.startedAt > upAt && answered(s)), 30_000, 'a call succeeds again');
      const recoveredAt = Date.now();
      await load.until(
        (sent) => sent.filter((s) => s.startedAt > recoveredAt).length >= 2 * clients,
        30_000,
        'calls answered after the recovery',
      );
      const sent = await load.stop();

      expect(server.process.exitCode).toBeNull();
      expect(server.process.signalCode).toBeNull();
      expect(readyWhileDown.status).toBe(503);

      // Calls begun while the database was down (after a moment for the crash to be seen) and answered before it
      // came back: every one refused with 503 service.unavailable and Retry-After, fast.
      const whileDown = sent.filter((s) => s.startedAt > downAt + 500 && s.endedAt < upAt);
      expect(whileDown.length).toBeGreaterThan(clients);
      const wrong = whileDown.filter(
        (s) => s.status !== 503 || s.code !== 'service.unavailable' || s.retryAfter === undefined || s.ms > failFastMs,
      );
      expect(wrong.slice(0, 5)).toEqual([]);
      // Once recovered, calls succeed again.
      const after = sent.filter((s) => s.startedAt > recoveredAt);
      expect(after.length).toBeGreaterThan(0);
      expect(after.filter((s) => !answered(s))).toEqual([]);
      const before = sent.filter((s) => s.endedAt < downAt);
      expect(before.length).toBeGreaterThan(0);
      expect(before.filter((s) => !answered(s))).toEqual([]);

      const services = await openServices(loadConfig(env));
      try {
        // Holds left by calls the crash interrupted (their void could not reach the database) are voided later.
        const state = await settledLedger(services, (reservationTimeoutSeconds + 30) * 1000);
        expect(ledgerBreaches(state, { settled: true })).toEqual([]);
        // Charged exactly the calls that got their result, once each; nothing for a refused one.
        const answeredKeys = sent.filter(answered).map((s) => s.key);
        expect([...state.postedPerKey.keys()].sort()).toEqual(answeredKeys.sort());
        expect([...state.postedPerKey.values()].every((n) => n === 1)).toBe(true);
        const balances = await services.wallet.balances(orgId);
        expect(balances.held).toBe(0);
        expect(balances.cash + balances.bonus).toBe(cashFen - answeredKeys.length * priceFen);
        console.info(
          `faults-postgres: ${sent.length} calls, ${answeredKeys.length} answered, ${whileDown.length} while down ` +
            `(max ${Math.round(Math.max(...whileDown.map((s) => s.ms)))} ms), ` +
            `recovered ${((recoveredAt - upAt) / 1000).toFixed(1)} s after the restart, ` +
            `${state.reservations.voided} holds voided`,
        );
      } finally {
        await services.close();
      }
    }, 180_000);
  },
);
