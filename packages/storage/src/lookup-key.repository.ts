import type { VisageDatabase } from './database.js';

export interface StoredLookupKey {
  readonly purpose: string;
  readonly sealed: Uint8Array;
}

/**
 * The sealed lookup keys (`lookup_key`). Several processes starting at once each offer their own rows with
 * `insertIfAbsent`, then read what is stored: the first writer of a purpose wins, and every process uses its row.
 */
export function createLookupKeyRepository(database: VisageDatabase) {
  const { db } = database;
  return {
    async list(): Promise<StoredLookupKey[]> {
      const rows = await db.selectFrom('lookup_key').select(['purpose', 'sealed']).orderBy('purpose').execute();
      return rows.map((row) => ({ purpose: row.purpose, sealed: new Uint8Array(row.sealed) }));
    },

    /** Writes the rows whose purpose has none yet; an existing row is left as it is. */
    async insertIfAbsent(rows: readonly StoredLookupKey[], createdAt: string): Promise<void> {
      if (rows.length === 0) return;
      await db
        .insertInto('lookup_key')
        .values(rows.map((row) => ({ purpose: row.purpose, sealed: row.sealed, created_at: createdAt })))
        .onConflict((conflict) => conflict.column('purpose').doNothing())
        .execute();
    },
  };
}

export type LookupKeyRepository = ReturnType<typeof createLookupKeyRepository>;
