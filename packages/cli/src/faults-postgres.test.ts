import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openServices } from '@visage/server';
import { fixture } from '@visage/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from './child-server.js';
import {
  ledgerState,
  livenessCall,
  seedBilledCustomer,
  until,
  type CallOutcome,
  type FaultCaller,
} from './fault-support.js';
import { postgresBinaries, startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';

// Issue 8's fault test: PostgreSQL stopped abruptly (`pg_ctl stop -m immediate`) under load, then started again.
// While it is down, requests are refused fast with 503 `service.unavailable` and Retry-After; no request is charged
// without its result; once it is back the same `visage serve` process serves again, without a restart. The cluster
// is the test's own (initdb into a temp dir): the shared PostgreSQL on 5432 is never stopped.

const binaries = postgresBinaries();
const missing = 'missing' in binaries ? binaries.missing : undefined;
if (missing && process.env['CI'] === 'true') throw new Error(`under CI PostgreSQL's binaries are required: ${missing}`);

const priceFen = 10;
const image = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');
const cashFen = 100_000;
const clients = 4;
const reservationTimeoutSeconds = 10;
const downSeconds = 5;
/** A refusal while the database is down must come within this (connection refused is immediate; 5 s is the pool's bound). */
const failFastMs = 2000;

interface Sent extends CallOutcome {
  readonly key: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

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
      postgres = await startPrivatePostgres((binaries as { bin: string }).bin);
      env = {
        VISAGE_DATA_DIR: dataDir,
        DATABASE_URL: postgres.url,
        VISAGE_MASTER_KEY: randomBytes(32).toString('base64'),
        VISAGE_ENGINE_WORKERS: '1',
        VISAGE_KEY_RATE_PER_SECOND: '100000',
        VISAGE_KEY_CONCURRENCY: '1000',
        VISAGE_LOG_LEVEL: 'fatal',
        VISAGE_ENGINE_TIMEOUT_MS: '4000',
        VISAGE_RESERVATION_TIMEOUT_SECONDS: String(reservationTimeoutSeconds),
        VISAGE_SWEEP_INTERVAL_SECONDS: '1',
      };
      const services = await openServices(loadConfig(env));
      try {
        const seeded = await seedBilledCustomer(services, { priceFen, cashFen });
        orgId = seeded.orgId;
        caller = { key: seeded.key, image };
      } finally {
        await services.close();
      }
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
      const sent: Sent[] = [];
      let stop = false;
      let counter = 0;
      const load = Array.from({ length: clients }, async () => {
        while (!stop) {
          const id = `pg-${counter++}`;
          const startedAt = Date.now();
          const outcome = await livenessCall(server.base, caller, id);
          sent.push({ ...outcome, key: id, startedAt, endedAt: Date.now() });
          if (outcome.status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
        }
      });
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

      await sleep(3000);
      const downAt = Date.now();
      postgres.crash();
      await sleep(downSeconds * 1000);
      const readyWhileDown = await fetch(`${server.base}/readyz`);
      const upAt = Date.now();
      postgres.start();
      // Recovery without restarting Visage: a call started after the restart succeeds within 30 s.
      await until(() => sent.some((s) => s.startedAt > upAt && s.status === 200), 30_000, 'a call succeeds again');
      const recoveredAt = Date.now();
      await sleep(3000);
      stop = true;
      await Promise.all(load);

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
      expect(after.filter((s) => s.status !== 200)).toEqual([]);
      const before = sent.filter((s) => s.endedAt < downAt);
      expect(before.length).toBeGreaterThan(0);
      expect(before.filter((s) => s.status !== 200)).toEqual([]);

      const services = await openServices(loadConfig(env));
      try {
        // Holds left by calls the crash interrupted (their void could not reach the database) are voided later.
        await until(
          async () => {
            const state = await ledgerState(services);
            // Voided, and a call stored just before its process died marked unbilled in the same sweep.
            return state.reservations.held === 0 && state.billedNotPosted === 0;
          },
          (reservationTimeoutSeconds + 30) * 1000,
          'every interrupted hold voided',
          500,
        );
        const state = await ledgerState(services);
        expect(state.total).toBe(0);
        expect(state.negative).toBe(0);
        expect(state.unbalanced).toBe(0);
        expect(state.postedWithoutResult).toBe(0);
        expect(state.billedNotPosted).toBe(0);
        // Charged exactly the calls that got their result, once each; nothing for a refused one.
        const answered = sent.filter((s) => s.status === 200).map((s) => s.key);
        expect([...state.postedPerKey.keys()].sort()).toEqual(answered.sort());
        expect([...state.postedPerKey.values()].every((n) => n === 1)).toBe(true);
        const balances = await services.wallet.balances(orgId);
        expect(balances.held).toBe(0);
        expect(balances.cash + balances.bonus).toBe(cashFen - answered.length * priceFen);
        console.info(
          `faults-postgres: ${sent.length} calls, ${answered.length} answered, ${whileDown.length} while down ` +
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
