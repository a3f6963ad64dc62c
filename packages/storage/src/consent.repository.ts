import type { ConsentRecord, ConsentRepository } from '@visage/core';
import type { Selectable } from 'kysely';
import type { ConsentTable } from './consent.table.js';
import type { VisageDatabase } from './database.js';

export function createConsentRepository({ db }: VisageDatabase): ConsentRepository {
  return {
    async insert(record) {
      await db.insertInto('consent').values(toRow(record)).execute();
    },

    async find(orgId, id) {
      const row = await db
        .selectFrom('consent')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && fromRow(row);
    },
  };
}

function toRow(record: ConsentRecord): Selectable<ConsentTable> {
  return {
    id: record.id,
    org_id: record.orgId,
    app_id: record.appId,
    subject_ref: record.subjectRef,
    text_version: record.textVersion,
    obtained_at: record.obtainedAt,
    method: record.method,
    created_at: record.createdAt,
  };
}

function fromRow(row: Selectable<ConsentTable>): ConsentRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    appId: row.app_id,
    subjectRef: row.subject_ref,
    textVersion: row.text_version,
    obtainedAt: row.obtained_at,
    method: row.method,
    createdAt: row.created_at,
  };
}
