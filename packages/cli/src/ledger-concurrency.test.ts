import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openServices } from '@visage/server';
import { fixture, operator } from '@visage/server/testing';
import { createTestSchema, type TestSchema } from '@visage/storage/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from './child-server.js';
import {
  faultEnv,
  ledgerBreaches,
  ledgerState,
  livenessCall,
  seedBilledCustomer,
  type CallOutcome,
  type FaultCaller,
} from './fault-support.js';

// The whole path a billable call takes, over real HTTP, against server processes started from the built CLI:
// the ledger must balance and every idempotency key must be charged once, whatever runs concurrently. The balance
// runs out in the middle of the run, with repeats of keys (20 %) still in flight beside their first calls: the
// races are at the end of the money and between a key's first call and its repeats. What costs time is the engine
// work of each call that is paid for, so the money is what sizes the run: 400 paid calls among 600.
const calls = 600;
const reusedShare = 0.2;
const priceFen = 10;
const cashFen = 3_000;
const bonusFen = 1_000;
const clientConcurrency = 48;
const image = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');

interface Outcome extends CallOutcome {
  readonly idempotencyKey: string;
}

for (const setup of [
  { dialect: 'postgres', processes: 2, workersEach: 1 },
  { dialect: 'sqlite', processes: 1, workersEach: 2 },
] as const) {
  describe(`ledger under ${calls} concurrent billable calls, ${setup.processes} process(es) on ${setup.dialect}`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'visage-ledger-'));
    let schema: TestSchema | undefined;
    let env: Record<string, string>;
    let servers: ChildServer[] = [];
    let caller: FaultCaller;
    let orgId: string;

    beforeAll(async () => {
      schema = setup.dialect === 'postgres' ? await createTestSchema() : undefined;
      env = faultEnv(dataDir, {
        VISAGE_ENGINE_WORKERS: String(setup.workersEach),
        VISAGE_ENGINE_MAX_QUEUE: '512',
        VISAGE_LOG_LEVEL: 'warn',
        ...(schema ? { DATABASE_URL: schema.url } : {}),
      });
      const services = await openServices(loadConfig(env));
      try {
        const seeded = await seedBilledCustomer(services, { priceFen, cashFen });
        await services.wallet.grantBonus({
          orgId: seeded.orgId,
          amountFen: bonusFen,
          reason: 'welcome',
          actor: operator,
        });
        orgId = seeded.orgId;
        caller = { key: seeded.key, image };
      } finally {
        await services.close();
      }
      servers = await Promise.all(Array.from({ length: setup.processes }, () => startChildServer(env)));
      // Each process ran the migrator as it started: until then no other test file may drop its schema (the migrator
      // introspects every schema), so the lock createTestSchema took is held until now.
      await schema?.migrated();
    }, 120_000);

    afterAll(async () => {
      await Promise.all(servers.map((server) => server.stop()));
      await schema?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('sums to zero, never goes negative, and charges each idempotency key exactly once', async () => {
      const unique = Math.round(calls * (1 - reusedShare));
      const keys = Array.from({ length: unique }, (_, i) => `order-${i}`);
      const plan = [...keys, ...Array.from({ length: calls - unique }, (_, i) => keys[(i * 7919) % unique]!)];
      shuffle(plan);

      const outcomes: Outcome[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: clientConcurrency }, async () => {
          while (next < plan.length) {
            const index = next++;
            outcomes.push(await billableCall(servers[index % servers.length]!.base, caller, plan[index]!));
          }
        }),
      );

      const unexpected = outcomes.filter((o) => o.status !== 200 && o.code !== 'billing.insufficient_balance');
      expect(unexpected).toEqual([]);
      const paidKeys = new Map<string, Set<string>>();
      for (const o of outcomes.filter((o) => o.status === 200)) {
        paidKeys.set(o.idempotencyKey, (paidKeys.get(o.idempotencyKey) ?? new Set()).add(o.requestId!));
      }
      // A key's repeats replay its first answer: one request id per key.
      expect([...paidKeys.values()].every((ids) => ids.size === 1)).toBe(true);
      // The balance covers (cash + bonus) / price calls; the rest were refused before any work.
      expect(paidKeys.size).toBe((cashFen + bonusFen) / priceFen);

      const services = await openServices(loadConfig(env));
      try {
        // Double entry sums to zero, per transaction too; no balance below zero; no hold left; every charge has its
        // stored result and every billed result its charge.
        const state = await ledgerState(services);
        expect(ledgerBreaches(state, { settled: true })).toEqual([]);
        const posted = await sql<{ reference: string; cash: number; bonus: number }>`
          select reference, cash, bonus from reservation where status = 'posted'`.execute(services.database.db);
        const paidRequestIds = [...paidKeys.values()].map((ids) => [...ids][0]!);
        expect(posted.rows.map((r) => r.reference).sort()).toEqual(paidRequestIds.sort());
        const postedFen = posted.rows.reduce((sum, r) => sum + Number(r.cash) + Number(r.bonus), 0);
        const balances = await services.wallet.balances(orgId);
        expect(balances.held).toBe(0);
        expect(balances.cash + balances.bonus).toBe(cashFen + bonusFen - postedFen);
        expect(balances.bonus).toBe(0); // bonus is spent first
      } finally {
        await services.close();
      }
    }, 600_000);
  });
}

/** A key's call; while its first call is still running (perhaps in the other process), asked again as a client would. */
async function billableCall(base: string, caller: FaultCaller, idempotencyKey: string): Promise<Outcome> {
  for (;;) {
    const outcome = await livenessCall(base, caller, idempotencyKey);
    if (outcome.code !== 'idempotency.in_progress') return { ...outcome, idempotencyKey };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function shuffle<T>(items: T[]): void {
  let seed = 42;
  for (let i = items.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed % (i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
