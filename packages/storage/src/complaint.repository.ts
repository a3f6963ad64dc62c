import type { Complaint, ComplaintNote, ComplaintRepository, ComplaintWithOrg } from '@visage/core';
import { sql, type Selectable } from 'kysely';
import type { ComplaintTable } from './complaint.table.js';
import type { VisageDatabase } from './database.js';
import { olderThan } from './keyset-page.js';

/** Complaints, and the organisation freeze a compromised-account report sets and its resolution lifts. */
export function createComplaintRepository({ db }: VisageDatabase): ComplaintRepository {
  const withOrg = () =>
    db
      .selectFrom('complaint')
      .leftJoin('organization', 'organization.id', 'complaint.org_id')
      .selectAll('complaint')
      .select('organization.name as org_name');

  return {
    insert(complaint, options = {}) {
      return db.transaction().execute(async (trx) => {
        await trx.insertInto('complaint').values(toRow(complaint)).execute();
        const { freezeAt } = options;
        if (freezeAt === undefined) return { revokedSessions: 0 };
        // Unconditional (an earlier freeze's time is kept), so that it always takes the organisation's row lock: a
        // report closing concurrently (update below) then waits for this one and sees it still open.
        await trx
          .updateTable('organization')
          .set({ frozen_at: sql<string>`coalesce(frozen_at, ${freezeAt})` })
          .where('id', '=', complaint.orgId)
          .execute();
        const revoked = await trx
          .updateTable('user_session')
          .set({ revoked_at: freezeAt })
          .where('revoked_at', 'is', null)
          .where('user_id', 'in', (eb) =>
            eb.selectFrom('user_account').select('user_account.id').where('user_account.org_id', '=', complaint.orgId),
          )
          .executeTakeFirst();
        return { revokedSessions: Number(revoked.numUpdatedRows) };
      });
    },

    async find(id) {
      const row = await withOrg().where('complaint.id', '=', id).executeTakeFirst();
      return row && fromRow(row);
    },

    async list({ orgId, status, after, limit }) {
      const rows = await withOrg()
        .$if(orgId !== undefined, (query) => query.where('complaint.org_id', '=', orgId!))
        .$if(status !== undefined, (query) => query.where('complaint.status', '=', status!))
        .$if(after !== undefined, (query) => query.where(olderThan(after!, 'complaint.created_at', 'complaint.id')))
        .orderBy('complaint.created_at', 'desc')
        .orderBy('complaint.id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },

    update(id, expected, next, options = {}) {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('complaint')
          .set({ status: next.status, notes: JSON.stringify(next.notes), updated_at: next.updatedAt })
          .where('id', '=', id)
          .where('status', '=', expected)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return { updated: false, unfrozen: false };
        if (!options.unfreeze) return { updated: true, unfrozen: false };
        const row = await trx.selectFrom('complaint').select('org_id').where('id', '=', id).executeTakeFirstOrThrow();
        // Lock the organisation's row first (PostgreSQL): a report being filed or closed at the same time then
        // commits before the check below reads, instead of the two transactions missing each other.
        await trx
          .updateTable('organization')
          .set({ frozen_at: sql<string | null>`frozen_at` })
          .where('id', '=', row.org_id)
          .execute();
        const stillOpen = await trx
          .selectFrom('complaint')
          .select('id')
          .where('org_id', '=', row.org_id)
          .where('froze_org', '=', 1)
          .where('status', 'in', ['open', 'in_progress'])
          .executeTakeFirst();
        if (stillOpen) return { updated: true, unfrozen: false };
        const lifted = await trx
          .updateTable('organization')
          .set({ frozen_at: null })
          .where('id', '=', row.org_id)
          .where('frozen_at', 'is not', null)
          .executeTakeFirst();
        return { updated: true, unfrozen: Number(lifted.numUpdatedRows) === 1 };
      });
    },
  };
}

function toRow(complaint: Complaint): Selectable<ComplaintTable> {
  return {
    id: complaint.id,
    org_id: complaint.orgId,
    user_id: complaint.userId,
    kind: complaint.kind,
    subject: complaint.subject,
    description: complaint.description,
    contact: complaint.contact,
    status: complaint.status,
    froze_org: complaint.frozeOrg ? 1 : 0,
    notes: JSON.stringify(complaint.notes),
    created_at: complaint.createdAt,
    updated_at: complaint.updatedAt,
  };
}

function fromRow(row: Selectable<ComplaintTable> & { org_name: string | null }): ComplaintWithOrg {
  return {
    id: row.id,
    orgId: row.org_id,
    userId: row.user_id,
    kind: row.kind,
    subject: row.subject,
    description: row.description,
    contact: row.contact,
    status: row.status,
    frozeOrg: Number(row.froze_org) === 1,
    notes: JSON.parse(row.notes) as ComplaintNote[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    orgName: row.org_name,
  };
}
