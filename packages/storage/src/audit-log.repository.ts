import type { AuditEntry, AuditLogRepository } from '@visage/core';
import type { Selectable } from 'kysely';
import type { AuditLogTable } from './audit-log.table.js';
import type { VisageDatabase } from './database.js';

export function createAuditLogRepository({ db, dialect }: VisageDatabase): AuditLogRepository {
  return {
    append(build) {
      return db.transaction().execute(async (trx) => {
        let headQuery = trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
        if (dialect.rowLocks) headQuery = headQuery.forUpdate();
        let head = await headQuery.executeTakeFirst();
        if (!head && dialect.rowLocks) {
          // First append ever: create the head row, racing writers agree on it, then lock it.
          await trx
            .insertInto('audit_head')
            .values({ id: 1, seq: 0, hash: '' })
            .onConflict((oc) => oc.column('id').doNothing())
            .execute();
          head = await trx
            .selectFrom('audit_head')
            .select(['seq', 'hash'])
            .where('id', '=', 1)
            .forUpdate()
            .executeTakeFirst();
        }
        const entry = build(head && head.seq > 0 ? head : undefined);
        await trx.insertInto('audit_log').values(toRow(entry)).execute();
        await trx
          .insertInto('audit_head')
          .values({ id: 1, seq: entry.seq, hash: entry.hash })
          .onConflict((oc) => oc.column('id').doUpdateSet({ seq: entry.seq, hash: entry.hash }))
          .execute();
        return entry;
      });
    },

    async listAfter(afterSeq, limit) {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },
  };
}

function toRow(entry: AuditEntry): Selectable<AuditLogTable> {
  return {
    seq: entry.seq,
    id: entry.id,
    occurred_at: entry.occurredAt,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject ?? null,
    reason: entry.reason ?? null,
    data: entry.data === undefined ? null : JSON.stringify(entry.data),
    prev_hash: entry.prevHash,
    hash: entry.hash,
  };
}

function fromRow(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    seq: Number(row.seq),
    id: row.id,
    occurredAt: row.occurred_at,
    actor: row.actor,
    action: row.action,
    ...(row.subject === null ? {} : { subject: row.subject }),
    ...(row.reason === null ? {} : { reason: row.reason }),
    ...(row.data === null ? {} : { data: JSON.parse(row.data) as Record<string, unknown> }),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
