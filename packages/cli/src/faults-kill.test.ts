import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openServices } from '@visage/server';
import { fixture } from '@visage/server/testing';
import { createTestSchema, type TestSchema } from '@visage/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from './child-server.js';
import {
  ledgerState,
  livenessCall,
  retryUntilAnswered,
  seedBilledCustomer,
  until,
  type CallOutcome,
  type FaultCaller,
  type Services,
} from './fault-support.js';

// Issue 8's fault test: `kill -9` of a `visage serve` process in the middle of billable calls, ten times, on
// PostgreSQL, while a second process keeps serving and the killed one is restarted. Afterwards every interrupted
// key is retried: the ledger sums to zero, no balance is negative, the holds of killed calls are voided by the
// sweeper once VISAGE_RESERVATION_TIMEOUT_SECONDS has passed, and no idempotency key is charged twice.

const rounds = 10;
const callsToVictimPerRound = 6;
const callsToSurvivorPerRound = 2;
const priceFen = 10;
const image = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');
const cashFen = 100_000;
const reservationTimeoutSeconds = 20;

describe(`kill -9 of a server process under billable calls, ${rounds} times (PostgreSQL)`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'visage-faults-kill-'));
  let schema: TestSchema;
  let env: Record<string, string>;
  let services: Services;
  let caller: FaultCaller;
  let orgId: string;
  let survivor: ChildServer;
  let victim: ChildServer | undefined;

  beforeAll(async () => {
    schema = await createTestSchema();
    env = {
      VISAGE_DATA_DIR: dataDir,
      DATABASE_URL: schema.url,
      VISAGE_MASTER_KEY: randomBytes(32).toString('base64'),
      VISAGE_ENGINE_WORKERS: '1',
      VISAGE_KEY_RATE_PER_SECOND: '100000',
      VISAGE_KEY_CONCURRENCY: '1000',
      VISAGE_LOG_LEVEL: 'warn',
      // A call is bounded by its engine jobs (10 s each), so a 20 s hold outlives any call still running.
      VISAGE_ENGINE_TIMEOUT_MS: '10000',
      VISAGE_RESERVATION_TIMEOUT_SECONDS: String(reservationTimeoutSeconds),
      VISAGE_SWEEP_INTERVAL_SECONDS: '1',
    };
    services = await openServices(loadConfig(env));
    await schema.migrated();
    const seeded = await seedBilledCustomer(services, { priceFen, cashFen });
    orgId = seeded.orgId;
    caller = { key: seeded.key, image };
    [survivor, victim] = await Promise.all([startChildServer(env), startChildServer(env)]);
  }, 180_000);

  afterAll(async () => {
    if (victim && victim.process.exitCode === null && victim.process.signalCode === null) {
      await victim.stop().catch(() => undefined);
    }
    await survivor?.stop().catch(() => undefined);
    await services?.close();
    await schema?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the ledger whole and charges no key twice', async () => {
    const outcomes = new Map<string, CallOutcome>();
    let interrupted = 0;
    let seed = 7;
    for (let round = 0; round < rounds; round++) {
      const target = victim!;
      const calls = [
        ...Array.from({ length: callsToVictimPerRound }, (_, i) => ({ base: target.base, id: `r${round}-v${i}` })),
        ...Array.from({ length: callsToSurvivorPerRound }, (_, i) => ({ base: survivor.base, id: `r${round}-s${i}` })),
      ];
      const running = calls.map(async ({ base, id }) => outcomes.set(id, await livenessCall(base, caller, id)));
      // Killed between 0.3 and 1.5 s into the round: some calls answered, some running, some still queued.
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      await new Promise((resolve) => setTimeout(resolve, 300 + (seed % 1200)));
      const exited = new Promise((resolve) => target.process.once('exit', resolve));
      target.process.kill('SIGKILL');
      await exited;
      await Promise.all(running);
      interrupted += calls.filter((c) => outcomes.get(c.id)!.status === 0).length;
      // Another process takes its place (the survivor served throughout).
      victim = await startChildServer(env);
    }
    // The kills cut calls off; the survivor answered all of its own.
    expect(interrupted).toBeGreaterThan(0);
    const survivorCalls = [...outcomes].filter(([id]) => id.includes('-s'));
    expect(survivorCalls.filter(([, o]) => o.status !== 200)).toEqual([]);

    // The client retries every key without a final answer, with the same key and body, to either process.
    const unanswered = [...outcomes].filter(([, o]) => o.status !== 200).map(([id]) => id);
    const bases = [survivor.base, victim!.base];
    const retried = await Promise.all(unanswered.map((id) => retryUntilAnswered(bases, caller, id, 150_000)));
    expect(retried.filter((o) => o.status !== 200)).toEqual([]);
    unanswered.forEach((id, i) => outcomes.set(id, retried[i]!));

    // A repeat of every key now replays its one answer.
    const replays = await Promise.all([...outcomes.keys()].map((id) => livenessCall(survivor.base, caller, id)));
    expect(replays.every((o) => o.status === 200 && o.replayed)).toBe(true);
    expect(replays.map((o) => o.requestId)).toEqual([...outcomes.values()].map((o) => o.requestId));

    // The holds the killed calls left are voided by the sweeper once they are older than the timeout.
    await until(
      async () => {
        const state = await ledgerState(services);
        // Voided, and a call stored just before its process died marked unbilled in the same sweep.
        return state.reservations.held === 0 && state.billedNotPosted === 0;
      },
      (reservationTimeoutSeconds + 30) * 1000,
      'every hold of a killed call voided',
      500,
    );
    const state = await ledgerState(services);
    expect(state.total).toBe(0);
    expect(state.negative).toBe(0);
    expect(state.unbalanced).toBe(0);
    expect(state.postedWithoutResult).toBe(0);
    expect(state.billedNotPosted).toBe(0);
    expect(state.reservations.voided).toBeGreaterThan(0);
    // At most one charge per key, and none for anything else. A key's answer is stored before its call is charged:
    // a process killed between the two leaves the key answered and the call uncharged (its hold voided, its record
    // marked unbilled, billedNotPosted above), never charged twice.
    const charged = [...state.postedPerKey].filter(([, n]) => n > 1);
    expect(charged, 'keys charged more than once').toEqual([]);
    expect([...state.postedPerKey.keys()].every((k) => outcomes.has(k))).toBe(true);
    const uncharged = outcomes.size - state.postedPerKey.size;
    // Only a kill can leave an answered key uncharged, and it needs the few milliseconds between the two writes.
    expect(uncharged).toBeLessThanOrEqual(rounds);
    const balances = await services.wallet.balances(orgId);
    expect(balances.held).toBe(0);
    expect(balances.cash + balances.bonus).toBe(cashFen - state.reservations.posted * priceFen);
    console.info(
      `faults-kill: ${rounds} kills, ${outcomes.size} keys, ${interrupted} calls cut off, ` +
        `${unanswered.length} retried, ${state.reservations.voided} holds voided, ${state.reservations.posted} posted, ` +
        `${uncharged} answered but uncharged`,
    );
  }, 400_000);
});
