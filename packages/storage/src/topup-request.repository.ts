import type { TopupDecision, TopupRequest, TopupRequestRepository, TopupStatus } from '@visage/core';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { VisageDatabase } from './database.js';
import { ledgerWrites } from './ledger.repository.js';
import type { Database } from './schema.js';
import type { TopupRequestTable } from './topup-request.table.js';

export function createTopupRequestRepository(database: VisageDatabase): TopupRequestRepository {
  const { db } = database;
  const ledger = ledgerWrites(database);
  return {
    async insert(request) {
      // ON CONFLICT DO NOTHING on the partial unique index (org_id, reference) of live requests: a racing insert with
      // the same reference inserts nothing, and neither dialect's error codes need to be recognised.
      const result = await db
        .insertInto('topup_request')
        .values({
          id: request.id,
          org_id: request.orgId,
          amount_fen: request.amountFen,
          reference: request.reference,
          status: request.status,
          created_at: request.createdAt,
          created_by: request.createdBy,
          decided_at: request.decidedAt,
          decided_by: request.decidedBy,
          decision_reason: request.decisionReason,
        })
        .onConflict((oc) => oc.columns(['org_id', 'reference']).where(liveStatus).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },

    async find(id) {
      const row = await db.selectFrom('topup_request').selectAll().where('id', '=', id).executeTakeFirst();
      return row && fromRow(row);
    },

    async listForOrg(orgId, limit) {
      const rows = await db
        .selectFrom('topup_request')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },

    async list({ status, orgId }, limit) {
      const direction = status === 'pending' ? 'asc' : 'desc';
      let query = db
        .selectFrom('topup_request as t')
        .leftJoin('organization as o', 'o.id', 't.org_id')
        .selectAll('t')
        .select('o.name as org_name');
      if (status !== undefined) query = query.where('t.status', '=', status);
      if (orgId !== undefined) query = query.where('t.org_id', '=', orgId);
      const rows = await query.orderBy('t.created_at', direction).orderBy('t.id', direction).limit(limit).execute();
      return rows.map((row) => ({ ...fromRow(row), orgName: row.org_name ?? null }));
    },

    async decide(id, decision) {
      return decideIn(db, id, decision);
    },

    confirmWithCredit(id, decision, credit) {
      return db.transaction().execute(async (trx) => {
        // The ledger's lock on the organisation first (the order every ledger writer takes), then the request's row.
        await ledger.lockBalances(trx, credit.orgId, credit.createdAt);
        if (!(await decideIn(trx, id, decision))) return false;
        // Throws 'billing.duplicate_reference' when the reference was credited already: the decision rolls back too.
        await ledger.appendLocked(trx, credit);
        return true;
      });
    },
  };
}

/** The predicate of the partial unique index topup_request_live_reference (migration 202611300004). */
const liveStatus = sql<boolean>`status in ('pending', 'confirmed')`;

/** Moves a pending request to the decision's status; false when it was no longer pending. */
async function decideIn(db: Kysely<Database>, id: string, decision: TopupDecision): Promise<boolean> {
  const { numUpdatedRows } = await db
    .updateTable('topup_request')
    .set({
      status: decision.status,
      decided_at: decision.decidedAt,
      decided_by: decision.decidedBy,
      decision_reason: decision.reason,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(numUpdatedRows) === 1;
}

function fromRow(row: Selectable<TopupRequestTable>): TopupRequest {
  return {
    id: row.id,
    orgId: row.org_id,
    amountFen: Number(row.amount_fen),
    reference: row.reference,
    status: row.status as TopupStatus,
    createdAt: row.created_at,
    createdBy: row.created_by,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    decisionReason: row.decision_reason,
  };
}
