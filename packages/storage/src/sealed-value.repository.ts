import { sql, type RawBuilder } from 'kysely';
import type { VisageDatabase } from './database.js';

/** A column that holds secret-box output (server/adapters/secret-box.ts): its table, primary key and encoding. */
export interface SealedColumn {
  readonly table: string;
  readonly column: string;
  /** The table's primary-key columns, in the order rows are paged through. */
  readonly key: readonly string[];
  /** `bytes`: bytea / blob; `base64`: text holding the base64 of the sealed bytes. */
  readonly encoding: 'bytes' | 'base64';
}

/**
 * Every column that holds sealed values. A master-key rotation re-wraps each of them (`visage master-key rewrap`)
 * and counts them (`visage master-key status`); a sealed column missing here would keep values under the old key
 * after the operator was told there are none, and dropping that key would make them unreadable. The storage test
 * `sealed-columns.db.test.ts` fails when a migration adds a `*_sealed` column that is not listed.
 */
export const sealedColumns: readonly SealedColumn[] = Object.freeze([
  { table: 'api_key', column: 'secret_sealed', key: ['id'], encoding: 'base64' },
  { table: 'webhook_secret', column: 'secret_sealed', key: ['id'], encoding: 'base64' },
  // The kept answer of an idempotent call (server/http/idempotency.ts seals it before storing it).
  { table: 'idempotency_record', column: 'response_body', key: ['scope', 'key'], encoding: 'base64' },
  { table: 'verification', column: 'result_sealed', key: ['id'], encoding: 'bytes' },
  { table: 'verification_blob', column: 'sealed', key: ['verification_id', 'role'], encoding: 'bytes' },
  { table: 'certification_application', column: 'legal_rep_id_sealed', key: ['org_id'], encoding: 'bytes' },
  { table: 'certification_document', column: 'sealed', key: ['id'], encoding: 'bytes' },
  { table: 'capture_session', column: 'reference_sealed', key: ['id'], encoding: 'bytes' },
  { table: 'capture_session', column: 'result_sealed', key: ['id'], encoding: 'bytes' },
  { table: 'capture_frame', column: 'analysis_sealed', key: ['attempt_id', 'step', 'frame_index'], encoding: 'bytes' },
  { table: 'identity_record', column: 'number_sealed', key: ['id'], encoding: 'bytes' },
  { table: 'identity_record', column: 'name_sealed', key: ['id'], encoding: 'bytes' },
  { table: 'identity_record', column: 'template_sealed', key: ['id'], encoding: 'bytes' },
  { table: 'identity_record', column: 'photo_sealed', key: ['id'], encoding: 'bytes' },
  { table: 'lookup_key', column: 'sealed', key: ['purpose'], encoding: 'bytes' },
] satisfies SealedColumn[]);

/** A row's primary-key values, in `SealedColumn.key` order. Opaque to callers: passed back as it came. */
export type SealedRowKey = readonly (string | number)[];

/** The first bytes of a stored sealed value (at least the 5-byte header: version and key id). */
export interface SealedHead {
  readonly key: SealedRowKey;
  readonly head: Uint8Array;
}

/** A stored sealed value: its bytes, and the value as stored (what a compare-and-set compares against). */
export interface SealedValue {
  readonly bytes: Uint8Array;
  readonly stored: string | Uint8Array;
}

/**
 * Reads and replaces sealed values column by column, for a master-key rotation. Rows are paged by primary key
 * (keyset pagination, so rows written meanwhile are not skipped or seen twice), only the header of each value is
 * read while scanning, and a replacement is a compare-and-set on the whole stored value: a row rewritten by a
 * concurrent writer since it was read is left alone.
 */
export function createSealedValueRepository(database: VisageDatabase) {
  const { db } = database;
  const ref = (name: string) => sql.id(name);
  const keyTuple = (column: SealedColumn) => sql`(${sql.join(column.key.map(ref))})`;
  const keyMatch = (column: SealedColumn, key: SealedRowKey): RawBuilder<unknown> =>
    sql.join(
      column.key.map((name, index) => sql`${ref(name)} = ${key[index]}`),
      sql` and `,
    );
  const checkKey = (column: SealedColumn, key: SealedRowKey) => {
    if (key.length !== column.key.length) throw new RangeError(`${column.table} has ${column.key.length} key columns`);
  };
  const decode = (column: SealedColumn, stored: string | Uint8Array): Uint8Array =>
    column.encoding === 'base64'
      ? new Uint8Array(Buffer.from(stored as string, 'base64'))
      : new Uint8Array(stored as Uint8Array);
  const encode = (column: SealedColumn, bytes: Uint8Array): string | Uint8Array =>
    column.encoding === 'base64' ? Buffer.from(bytes).toString('base64') : Buffer.from(bytes);

  return {
    /**
     * Up to `limit` non-null values of `column` after the row `after` (from the first row when undefined), in
     * primary-key order, each with its first bytes: 5 for a bytes column, 6 for a base64 one (8 characters).
     */
    async heads(column: SealedColumn, after: SealedRowKey | undefined, limit: number): Promise<SealedHead[]> {
      if (after) checkKey(column, after);
      const prefix = column.encoding === 'base64' ? 8 : 5;
      const table = ref(column.table);
      const value = ref(column.column);
      const page = after ? sql`and ${keyTuple(column)} > (${sql.join([...after])})` : sql``;
      const { rows } = await sql<Record<string, unknown>>`
        select ${sql.join(column.key.map(ref))}, substr(${value}, 1, ${sql.lit(prefix)}) as visage_head
        from ${table}
        where ${value} is not null ${page}
        order by ${sql.join(column.key.map(ref))}
        limit ${limit}`.execute(db);
      return rows.map((row) => ({
        key: column.key.map((name) => row[name] as string | number),
        head: decode(column, row['visage_head'] as string | Uint8Array),
      }));
    },

    /** The value of `column` in the row `key`, or undefined when the row is gone or the value null. */
    async read(column: SealedColumn, key: SealedRowKey): Promise<SealedValue | undefined> {
      checkKey(column, key);
      const { rows } = await sql<{ visage_value: string | Uint8Array | null }>`
        select ${ref(column.column)} as visage_value from ${ref(column.table)} where ${keyMatch(column, key)}`.execute(
        db,
      );
      const stored = rows[0]?.visage_value;
      if (stored === undefined || stored === null) return undefined;
      return { bytes: decode(column, stored), stored };
    },

    /** Sets the value to `next` if it still is `expected.stored`; whether it did. */
    async replace(column: SealedColumn, key: SealedRowKey, expected: SealedValue, next: Uint8Array): Promise<boolean> {
      checkKey(column, key);
      const value = ref(column.column);
      const stored = typeof expected.stored === 'string' ? expected.stored : Buffer.from(expected.stored);
      const result = await sql`
        update ${ref(column.table)} set ${value} = ${encode(column, next)}
        where ${keyMatch(column, key)} and ${value} = ${stored}`.execute(db);
      return (result.numAffectedRows ?? 0n) > 0n;
    },
  };
}

export type SealedValueRepository = ReturnType<typeof createSealedValueRepository>;
