import type { DeletionReceipt, PrivacyRepository } from '@visage/core';
import { sql } from 'kysely';
import type { VisageDatabase } from './database.js';
import { olderThan } from './keyset-page.js';

/** The console's privacy reads: consent counts per app and month, and the organisation's deletion receipts. */
export function createPrivacyRepository({ db }: VisageDatabase): PrivacyRepository {
  return {
    async consentCounts(orgId) {
      // ISO timestamps in UTC: the first seven characters are the month.
      const month = sql<string>`substr(consent.created_at, 1, 7)`;
      const rows = await db
        .selectFrom('consent')
        .leftJoin('app', 'app.id', 'consent.app_id')
        .select((eb) => ['consent.app_id', 'app.name', month.as('month'), eb.fn.countAll().as('count')])
        .where('consent.org_id', '=', orgId)
        .groupBy(['consent.app_id', 'app.name', month])
        .orderBy('month', 'desc')
        .orderBy('consent.app_id')
        .execute();
      return rows.map((row) => ({ appId: row.app_id, appName: row.name, month: row.month, count: Number(row.count) }));
    },

    async listReceipts(orgId, { after, limit }) {
      const rows = await db
        .selectFrom('deletion_receipt')
        .selectAll()
        .where('org_id', '=', orgId)
        .$if(after !== undefined, (query) => query.where(olderThan(after!)))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row): DeletionReceipt => ({
        id: row.id,
        orgId: row.org_id,
        scope: row.scope as DeletionReceipt['scope'],
        target: row.target,
        erased: JSON.parse(row.erased) as DeletionReceipt['erased'],
        createdAt: row.created_at,
        actor: row.actor,
      }));
    },
  };
}
