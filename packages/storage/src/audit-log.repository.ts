import type { AuditChainHead, AuditEntry, AuditLogRepository } from '@visage/core';
import type { Selectable } from 'kysely';
import type { AuditLogTable } from './audit-log.table.js';
import type { VisageDatabase } from './database.js';
import { createBatchWriter, type Defer } from './write-batcher.js';

/**
 * The hash chain's head is one row: every append takes it (locked on PostgreSQL) and commits. Appends that wait at
 * the same time go in one transaction (write-batcher.ts), one head lock and one commit for the lot — measured on a
 * signed read as the difference between 425 and 947 requests/s on PostgreSQL (docs/benchmarks.md).
 */
export function createAuditLogRepository(
  { db, dialect }: VisageDatabase,
  options: { defer?: Defer } = {},
): AuditLogRepository {
  const appendOne = createBatchWriter(
    db,
    async (trx, builds: readonly ((head: AuditChainHead | undefined) => AuditEntry)[]) => {
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
      // Each entry links to the one before it, the first to the stored head: one lock, one insert, one head update.
      const entries: AuditEntry[] = [];
      let previous = head && head.seq > 0 ? head : undefined;
      for (const build of builds) {
        const entry = build(previous);
        entries.push(entry);
        previous = { seq: entry.seq, hash: entry.hash };
      }
      const last = entries.at(-1)!;
      await trx.insertInto('audit_log').values(entries.map(toRow)).execute();
      await trx
        .insertInto('audit_head')
        .values({ id: 1, seq: last.seq, hash: last.hash })
        .onConflict((oc) => oc.column('id').doUpdateSet({ seq: last.seq, hash: last.hash }))
        .execute();
      return entries;
    },
    options.defer,
  );

  return {
    append: appendOne,

    async listAfter(afterSeq, limit) {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(auditEntryFromRow);
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

export function auditEntryFromRow(row: Selectable<AuditLogTable>): AuditEntry {
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
