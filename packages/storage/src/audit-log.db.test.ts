import { createHash, randomBytes } from 'node:crypto';
import { createAuditLog, type AuditLog } from '@visage/core';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLogRepository } from './audit-log.repository.js';
import type { VisageDatabase } from './database.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

const crypto = {
  sha256Hex: (text: string) => createHash('sha256').update(text).digest('hex'),
  randomId: (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`,
};

for (const dialect of dialectNames) {
  describe(`audit log on ${dialect}`, () => {
    let database: VisageDatabase;
    let audit: AuditLog;
    let tick = 0;
    beforeEach(async () => {
      database = await freshDatabase(dialect);
      const clock = { now: () => new Date(Date.UTC(2026, 10, 29, 9, 0, tick++)) };
      audit = createAuditLog({ repository: createAuditLogRepository(database), clock, crypto });
    });
    afterEach(() => database.destroy());

    const recordThree = async () => {
      await audit.record({
        actor: 'operator:alice',
        action: 'org.certify',
        subject: 'org_1',
        reason: 'licence checked',
      });
      await audit.record({
        actor: 'operator:alice',
        action: 'wallet.topup',
        subject: 'org_1',
        data: { amount: 10000, ref: 'T1' },
      });
      await audit.record({ actor: 'system', action: 'retention.sweep', data: { deleted: { images: 3, results: 1 } } });
    };

    it('chains entries and verifies an untouched log', async () => {
      await recordThree();
      expect(await audit.verify()).toEqual({ ok: true, entries: 3 });
      const [first, second] = await createAuditLogRepository(database).listAfter(0, 10);
      expect(first?.seq).toBe(1);
      expect(second?.prevHash).toBe(first?.hash);
      expect(second?.data).toEqual({ amount: 10000, ref: 'T1' });
    });

    it('names the first entry whose content was altered', async () => {
      await recordThree();
      await sql`update audit_log set data = ${JSON.stringify({ amount: 99999, ref: 'T1' })} where seq = 2`.execute(
        database.db,
      );
      expect(await audit.verify()).toMatchObject({ ok: false, brokenSeq: 2, entries: 1 });
    });

    it('names the gap where an entry was deleted', async () => {
      await recordThree();
      await sql`delete from audit_log where seq = 2`.execute(database.db);
      expect(await audit.verify()).toMatchObject({ ok: false, brokenSeq: 2 });
    });

    it('detects a rewritten entry even when its own hash was recomputed', async () => {
      await recordThree();
      await sql`update audit_log set reason = ${'no reason'}, hash = ${'f'.repeat(64)} where seq = 1`.execute(
        database.db,
      );
      expect(await audit.verify()).toMatchObject({ ok: false, brokenSeq: 1 });
    });

    it('keeps one unbroken chain under concurrent appends', async () => {
      await Promise.all(
        Array.from({ length: 25 }, (_, i) => audit.record({ actor: 'system', action: 'test.append', data: { i } })),
      );
      expect(await audit.verify(7)).toEqual({ ok: true, entries: 25 });
    });

    it('keeps one chain when several writers (as several processes would) append in batches at once', async () => {
      const clock = { now: () => new Date() };
      // Half of them batch the appends that wait in one event-loop turn, as the server does.
      const writers = Array.from({ length: 4 }, (_, w) =>
        createAuditLog({
          repository: createAuditLogRepository(database, w % 2 === 0 ? { defer: setImmediate } : {}),
          clock,
          crypto,
        }),
      );
      const recorded = await Promise.all(
        writers.flatMap((writer, w) =>
          Array.from({ length: 30 }, (_, i) =>
            writer.record({ actor: 'system', action: 'test.batch', data: { w, i } }),
          ),
        ),
      );
      expect(new Set(recorded.map((entry) => entry.seq)).size).toBe(120);
      expect(await audit.verify(50)).toEqual({ ok: true, entries: 120 });
    });
  });
}
