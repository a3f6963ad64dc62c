import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectNames } from '@visage/storage/testing';
import { consent, fixture, operator, startTestPlatform, type TestPlatform } from '../testing/test-platform.js';
import { createSweeper } from '../sweeper.js';

// Issue 8: the answer of an idempotent billable call is kept before its charge is posted. When the process dies
// between the two, the sweeper voids the hold and marks the call unbilled; a replay of the kept answer (and a read
// of the stored result) must then say `billed: false`. The process's death is played by the database refusing the
// post (a trigger), so that the call ends exactly where a `kill -9` between the two writes would leave it.

const fauci1 = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');
const fauci2 = fixture('lfw-anthony-fauci-0002.jpg').toString('base64');

/** Makes the database refuse to post a charge, as if the process had died just before; returns its undoing. */
async function losePosts(t: TestPlatform, dialect: string): Promise<() => Promise<void>> {
  const { db } = t.services.database;
  const why = 'the process died before the charge was posted';
  if (dialect === 'sqlite') {
    await sql`create trigger lost_post before update of status on reservation when new.status = 'posted'
      begin select raise(abort, ${sql.lit(why)}); end`.execute(db);
    return async () => void (await sql`drop trigger lost_post`.execute(db));
  }
  await sql`create function lost_post() returns trigger language plpgsql
    as $$ begin raise exception ${sql.lit(why)}; end $$`.execute(db);
  await sql`create trigger lost_post before update of status on reservation
    for each row when (new.status = 'posted') execute function lost_post()`.execute(db);
  return async () => {
    await sql`drop trigger lost_post on reservation`.execute(db);
    await sql`drop function lost_post()`.execute(db);
  };
}

for (const dialect of dialectNames)
  describe(`a kept answer whose charge was never posted (${dialect})`, () => {
    let t: TestPlatform;
    beforeAll(async () => {
      t = await startTestPlatform({ dialect });
      await t.services.pricing.setPrice({ product: 'liveness', amountFen: 30, actor: operator });
      await t.services.pricing.setPrice({ product: 'verification', amountFen: 100, actor: operator });
    });
    afterAll(() => t?.close());

    it('is replayed, and read back, with billed: false once the sweeper has voided its hold', async () => {
      const { orgId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
      const { db } = t.services.database;
      const calls = [
        { url: '/v1/liveness', body: { image: fauci1, consent } },
        {
          url: '/v1/verifications',
          body: { selfie: fauci1, comparison: { type: 'reference', image: fauci2 }, consent },
        },
      ] as const;
      const send = (call: (typeof calls)[number]) =>
        t.call(key, 'POST', call.url, call.body, { 'idempotency-key': `order${call.url.replaceAll('/', '-')}` });

      const restore = await losePosts(t, dialect);
      for (const call of calls) expect((await send(call)).status, call.url).toBeGreaterThanOrEqual(500);
      await restore();
      expect(await t.services.wallet.balances(orgId)).toMatchObject({ cash: 870, held: 130 });

      // Past VISAGE_RESERVATION_TIMEOUT_SECONDS: the holds are as old as a killed process's would be by now.
      await sql`update reservation set created_at = ${'2000-01-01T00:00:00.000Z'} where status = 'held'`.execute(db);
      await createSweeper(t.services, { intervalSeconds: 60, log: t.platform.app.log }).runOnce();
      expect(await t.services.wallet.balances(orgId)).toMatchObject({ cash: 1000, held: 0 });

      for (const call of calls) {
        const replay = await send(call);
        expect(replay.status, call.url).toBe(200);
        expect(replay.headers['idempotent-replayed']).toBe('true');
        expect(replay.json).toMatchObject({ sandbox: false, billed: false });
      }
      const verification = await send(calls[1]);
      const read = await t.call(key, 'GET', `/v1/verifications/${verification.json['id'] as string}`);
      expect(read.status).toBe(200);
      expect(read.json).toMatchObject({ id: verification.json['id'], billed: false });

      // A call charged as usual still replays billed: true.
      const charged = await t.call(
        key,
        'POST',
        '/v1/liveness',
        { image: fauci2, consent },
        { 'idempotency-key': 'ok' },
      );
      expect(charged.json).toMatchObject({ billed: true });
      const again = await t.call(key, 'POST', '/v1/liveness', { image: fauci2, consent }, { 'idempotency-key': 'ok' });
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json).toMatchObject({ request_id: charged.json['request_id'], billed: true });
      expect(await t.services.wallet.balances(orgId)).toMatchObject({ cash: 970, held: 0 });
    });
  });
