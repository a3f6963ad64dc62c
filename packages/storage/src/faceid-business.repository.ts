import type { FaceIdBusiness, FaceIdBusinessRepository, FaceIdFlow } from '@visage/core';
import { sql, type Selectable } from 'kysely';
import type { VisageDatabase } from './database.js';
import type { FaceIdBusinessTable } from './faceid-business.table.js';

export function createFaceIdBusinessRepository({
  db,
}: VisageDatabase): FaceIdBusinessRepository & { sweep(now: string): Promise<number> } {
  return {
    async insert(business) {
      await db.insertInto('faceid_business').values(toRow(business)).execute();
    },

    async find(sessionId) {
      const row = await db
        .selectFrom('faceid_business')
        .selectAll()
        .where('session_id', '=', sessionId)
        .executeTakeFirst();
      return row && fromRow(row);
    },

    async findByBizNo(orgId, sandbox, bizNo) {
      const row = await db
        .selectFrom('faceid_business')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('sandbox', '=', sandbox ? 1 : 0)
        .where('biz_no', '=', bizNo)
        .orderBy('created_at', 'desc')
        .orderBy('session_id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && fromRow(row);
    },

    async claimRead(sessionId, now, max) {
      // One conditional statement: concurrent readers cannot both take the last read.
      const result = await db
        .updateTable('faceid_business')
        .set({ reads: sql<number>`reads + 1` })
        .where('session_id', '=', sessionId)
        .where('reads', '<', max)
        .where('readable_until', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Deletes records whose read window has passed; returns how many. */
    async sweep(now) {
      const result = await db.deleteFrom('faceid_business').where('readable_until', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toRow(business: FaceIdBusiness): Selectable<FaceIdBusinessTable> {
  return {
    session_id: business.sessionId,
    org_id: business.orgId,
    app_id: business.appId,
    key_id: business.keyId,
    sandbox: business.sandbox ? 1 : 0,
    flow: business.flow,
    biz_no: business.bizNo,
    biz_extra_data: business.bizExtraData,
    notify_url: business.notifyUrl,
    comparison_type: business.comparisonType,
    reads: business.reads,
    created_at: business.createdAt,
    readable_until: business.readableUntil,
  };
}

function fromRow(row: Selectable<FaceIdBusinessTable>): FaceIdBusiness {
  return {
    sessionId: row.session_id,
    orgId: row.org_id,
    appId: row.app_id,
    keyId: row.key_id,
    sandbox: row.sandbox === 1,
    flow: row.flow as FaceIdFlow,
    bizNo: row.biz_no,
    bizExtraData: row.biz_extra_data,
    notifyUrl: row.notify_url,
    comparisonType: Number(row.comparison_type),
    reads: Number(row.reads),
    createdAt: row.created_at,
    readableUntil: row.readable_until,
  };
}
