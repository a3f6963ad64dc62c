import { DomainError, type IdentityRecordRepository, type IdentitySummary, type StoredIdentity } from '@visage/core';
import type { Selectable } from 'kysely';
import type { VisageDatabase } from './database.js';
import type { IdentityRecordTable } from './identity-record.table.js';

/** Hashes per `in (…)` query: well below SQLite's and PostgreSQL's parameter limits. */
const hashChunk = 500;

export function createIdentityRecordRepository({ db }: VisageDatabase): IdentityRecordRepository {
  /** Every record in one transaction; a number registered under another id violates the unique hash. */
  async function writeAll(records: readonly StoredIdentity[]): Promise<void> {
    await db.transaction().execute(async (trx) => {
      for (const record of records) {
        const row = toRow(record);
        // Everything but the id and the creation time is replaced.
        const replaced: Partial<typeof row> = { ...row };
        delete replaced.id;
        delete replaced.created_at;
        // The id is the conflict target: a number registered meanwhile under another id violates the unique hash.
        await trx
          .insertInto('identity_record')
          .values(row)
          .onConflict((oc) => oc.column('id').doUpdateSet(replaced))
          .execute();
      }
    });
  }

  return {
    async findByNumberHash(numberHash, sandbox) {
      const row = await db
        .selectFrom('identity_record')
        .selectAll()
        .where('sandbox', '=', sandbox ? 1 : 0)
        .where('number_hash', '=', numberHash)
        .executeTakeFirst();
      return row && fromRow(row);
    },

    async findNameByNumberHash(numberHash, sandbox) {
      const row = await db
        .selectFrom('identity_record')
        .select(['id', 'name_sealed'])
        .where('sandbox', '=', sandbox ? 1 : 0)
        .where('number_hash', '=', numberHash)
        .executeTakeFirst();
      return row && { id: row.id, nameSealed: new Uint8Array(row.name_sealed) };
    },

    async findReference(id) {
      const row = await db
        .selectFrom('identity_record')
        .select(['template_sealed', 'photo_sealed'])
        .where('id', '=', id)
        .executeTakeFirst();
      return (
        row && {
          templateSealed: new Uint8Array(row.template_sealed),
          photoSealed: row.photo_sealed === null ? null : new Uint8Array(row.photo_sealed),
        }
      );
    },

    async idsByNumberHash(numberHashes, sandbox) {
      const found = new Map<string, string>();
      for (let i = 0; i < numberHashes.length; i += hashChunk) {
        const chunk = numberHashes.slice(i, i + hashChunk);
        const rows = await db
          .selectFrom('identity_record')
          .select(['id', 'number_hash'])
          .where('sandbox', '=', sandbox ? 1 : 0)
          .where('number_hash', 'in', chunk)
          .execute();
        for (const row of rows) found.set(row.number_hash, row.id);
      }
      return found;
    },

    async upsertMany(records) {
      if (records.length === 0) return;
      try {
        await writeAll(records);
      } catch (error) {
        // Another import registered one of these numbers since this one looked them up: retrying finds its id.
        if (isUniqueViolation(error)) throw new DomainError('registry.import_conflict');
        throw error;
      }
    },

    async list({ after, limit }) {
      let query = db
        .selectFrom('identity_record')
        .select([
          'id',
          'sandbox',
          'number_masked',
          'name_masked',
          'template_model',
          'source',
          'created_at',
          'updated_at',
          (eb) => eb('photo_sealed', 'is not', null).as('has_photo'),
        ])
        .orderBy('id')
        .limit(limit);
      if (after !== undefined) query = query.where('id', '>', after);
      const rows = await query.execute();
      return rows.map((row): IdentitySummary => ({
        id: row.id,
        sandbox: Number(row.sandbox) === 1,
        numberMasked: row.number_masked,
        nameMasked: row.name_masked,
        templateModel: row.template_model,
        source: row.source,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        // SQLite answers 1/0, PostgreSQL true/false.
        hasPhoto: Boolean(row.has_photo),
      }));
    },

    async count() {
      const row = await db
        .selectFrom('identity_record')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async remove(id) {
      const result = await db.deleteFrom('identity_record').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

function toRow(record: StoredIdentity): Selectable<IdentityRecordTable> {
  return {
    id: record.id,
    sandbox: record.sandbox ? 1 : 0,
    number_hash: record.numberHash,
    number_sealed: record.numberSealed,
    number_masked: record.numberMasked,
    name_sealed: record.nameSealed,
    name_masked: record.nameMasked,
    template_model: record.templateModel,
    template_sealed: record.templateSealed,
    photo_sealed: record.photoSealed,
    source: record.source,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

function fromRow(row: Selectable<IdentityRecordTable>): StoredIdentity {
  return {
    id: row.id,
    sandbox: Number(row.sandbox) === 1,
    numberHash: row.number_hash,
    numberSealed: new Uint8Array(row.number_sealed),
    numberMasked: row.number_masked,
    nameSealed: new Uint8Array(row.name_sealed),
    nameMasked: row.name_masked,
    templateModel: row.template_model,
    templateSealed: new Uint8Array(row.template_sealed),
    photoSealed: row.photo_sealed === null ? null : new Uint8Array(row.photo_sealed),
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A unique constraint failed: PostgreSQL's 23505, better-sqlite3's SQLITE_CONSTRAINT_UNIQUE. */
function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
