import { Migrator, type Kysely, type Migration, type MigrationResult } from 'kysely';
import type { Database } from '../schema.js';
import * as createAuditLog from './202611290900-create-audit-log.js';
import * as createNonces from './202611290930-create-nonces.js';

/** Every migration, bundled in code (no folder scan), in the order their timestamped names sort. */
const migrations: Record<string, Migration> = {
  '202611290900-create-audit-log': createAuditLog,
  '202611290930-create-nonces': createNonces,
};

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return results ?? [];
}
