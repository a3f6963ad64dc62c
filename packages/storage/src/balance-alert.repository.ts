import type { BalanceAlertRepository } from '@visage/core';
import type { VisageDatabase } from './database.js';

export function createBalanceAlertRepository({ db }: VisageDatabase): BalanceAlertRepository {
  return {
    async find(orgId) {
      const row = await db
        .selectFrom('balance_alert')
        .select(['org_id', 'threshold_fen', 'alerted_at'])
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      return (
        row && {
          orgId: row.org_id,
          thresholdFen: row.threshold_fen === null ? null : Number(row.threshold_fen),
          alertedAt: row.alerted_at,
        }
      );
    },

    async set(orgId, thresholdFen, at, by) {
      await db
        .insertInto('balance_alert')
        .values({ org_id: orgId, threshold_fen: thresholdFen, alerted_at: null, updated_at: at, updated_by: by })
        .onConflict((oc) =>
          oc
            .column('org_id')
            .doUpdateSet({ threshold_fen: thresholdFen, alerted_at: null, updated_at: at, updated_by: by }),
        )
        .execute();
    },

    async fire(orgId, availableFen, at) {
      const { numUpdatedRows } = await db
        .updateTable('balance_alert')
        .set({ alerted_at: at })
        .where('org_id', '=', orgId)
        .where('alerted_at', 'is', null)
        .where('threshold_fen', '>', availableFen)
        .executeTakeFirst();
      return Number(numUpdatedRows) === 1;
    },

    async rearm(orgId, availableFen) {
      await db
        .updateTable('balance_alert')
        .set({ alerted_at: null })
        .where('org_id', '=', orgId)
        .where('alerted_at', 'is not', null)
        .where((eb) => eb.or([eb('threshold_fen', 'is', null), eb('threshold_fen', '<=', availableFen)]))
        .execute();
    },

    async unfire(orgId, at) {
      await db
        .updateTable('balance_alert')
        .set({ alerted_at: null })
        .where('org_id', '=', orgId)
        .where('alerted_at', '=', at)
        .execute();
    },
  };
}
