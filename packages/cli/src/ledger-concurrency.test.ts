import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openServices, signedHeaders, type SigningKey } from '@visage/server';
import { consent, fixture, operator } from '@visage/server/testing';
import { createTestSchema, type TestSchema } from '@visage/storage/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from './child-server.js';

// The whole path a billable call takes, over real HTTP, against server processes started from the built CLI:
// the ledger must balance and every idempotency key must be charged once, whatever runs concurrently.
const calls = 2000;
const reusedShare = 0.2;
const priceFen = 10;
const cashFen = 11_000;
const bonusFen = 2_000;
const clientConcurrency = 48;
const image = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');

interface Outcome {
  readonly idempotencyKey: string;
  readonly status: number;
  readonly requestId?: string;
  readonly code?: string;
}

for (const setup of [
  { dialect: 'postgres', processes: 2, workersEach: 1 },
  { dialect: 'sqlite', processes: 1, workersEach: 2 },
] as const) {
  describe(`ledger under ${calls} concurrent billable calls, ${setup.processes} process(es) on ${setup.dialect}`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'visage-ledger-'));
    let schema: TestSchema | undefined;
    let env: Record<string, string>;
    const servers: ChildServer[] = [];
    let key: SigningKey;
    let orgId: string;

    beforeAll(async () => {
      env = {
        VISAGE_DATA_DIR: dataDir,
        VISAGE_MASTER_KEY: randomBytes(32).toString('base64'),
        VISAGE_ENGINE_WORKERS: String(setup.workersEach),
        VISAGE_ENGINE_MAX_QUEUE: '512',
        VISAGE_KEY_RATE_PER_SECOND: '100000',
        VISAGE_KEY_CONCURRENCY: '1000',
        VISAGE_LOG_LEVEL: 'warn',
      };
      if (setup.dialect === 'postgres') {
        schema = await createTestSchema();
        env['DATABASE_URL'] = schema.url;
      }
      const services = await openServices(loadConfig(env));
      await schema?.migrated();
      try {
        await services.pricing.setPrice({ product: 'liveness', amountFen: priceFen, actor: operator });
        const org = await services.organizations.create('Concurrency Ltd', { certified: true }, operator);
        const app = await services.apps.create({ orgId: org.id, name: 'load', actor: operator });
        const issued = await services.keys.create({ orgId: org.id, appId: app.id, mode: 'live', actor: operator });
        await services.wallet.topUp({ orgId: org.id, amountFen: cashFen, reference: 'bank-1', actor: operator });
        await services.wallet.grantBonus({ orgId: org.id, amountFen: bonusFen, reason: 'welcome', actor: operator });
        orgId = org.id;
        key = { keyId: issued.keyId, secret: issued.secret };
      } finally {
        await services.close();
      }
      for (let i = 0; i < setup.processes; i++) servers.push(await startChildServer(env));
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
            outcomes.push(await billableCall(servers[index % servers.length]!.base, key, plan[index]!));
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
        const { db } = services.database;
        const total = await sql<{
          total: number;
        }>`select coalesce(sum(balance), 0) as total from ledger_account`.execute(db);
        expect(Number(total.rows[0]!.total)).toBe(0);
        const negative = await sql<{ n: number }>`
          select count(*) as n from ledger_account where org_id is not null and balance < 0`.execute(db);
        expect(Number(negative.rows[0]!.n)).toBe(0);
        const unbalanced = await sql<{ n: number }>`
          select count(*) as n from (select transaction_id from ledger_posting group by transaction_id
          having sum(amount) <> 0) as t`.execute(db);
        expect(Number(unbalanced.rows[0]!.n)).toBe(0);

        const posted = await sql<{ reference: string; cash: number; bonus: number }>`
          select reference, cash, bonus from reservation where status = 'posted'`.execute(db);
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

async function billableCall(base: string, key: SigningKey, idempotencyKey: string): Promise<Outcome> {
  const body = JSON.stringify({ image, consent });
  for (;;) {
    const response = await fetch(`${base}/v1/liveness`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
        ...signedHeaders(key, { method: 'POST', url: '/v1/liveness', body }),
      },
      body,
    });
    const json = (await response.json()) as { request_id?: string; error?: { code: string } };
    // The first call with this key is still running (perhaps in the other process): ask again, as a client would.
    if (json.error?.code === 'idempotency.in_progress') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    return {
      idempotencyKey,
      status: response.status,
      ...(json.request_id ? { requestId: json.request_id } : {}),
      ...(json.error ? { code: json.error.code } : {}),
    };
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
