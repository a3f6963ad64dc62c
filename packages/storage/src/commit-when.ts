import type { Transaction } from 'kysely';
import type { VisageDatabase } from './database.js';
import type { Database } from './schema.js';

class Declined extends Error {}

/** Runs `work` in a transaction that commits when it returns true and rolls back, returning false, otherwise. */
export async function commitWhen(
  { db }: VisageDatabase,
  work: (trx: Transaction<Database>) => Promise<boolean>,
): Promise<boolean> {
  try {
    await db.transaction().execute(async (trx) => {
      if (!(await work(trx))) throw new Declined();
    });
    return true;
  } catch (error) {
    if (error instanceof Declined) return false;
    throw error;
  }
}
