import { createAuditLog, type AuditLog } from '@visage/core';
import {
  createAuditLogRepository,
  locateDatabase,
  migrateToLatest,
  openDatabase,
  type DatabaseLocation,
  type VisageDatabase,
} from '@visage/storage';
import { nodeCrypto, systemClock } from '../system-ports.js';

/** The audit log of a database, migrated to the current schema; the caller destroys `database` when done. */
export async function openAuditLog(location: DatabaseLocation): Promise<{ audit: AuditLog; database: VisageDatabase }> {
  const database = openDatabase(location);
  await migrateToLatest(database.db);
  const audit = createAuditLog({
    repository: createAuditLogRepository(database),
    clock: systemClock,
    crypto: nodeCrypto,
  });
  return { audit, database };
}

/** Walks the audit hash chain of the database `DATABASE_URL` or `--data` names, and names the first broken entry. */
export async function verifyAuditLog(options: { databaseUrl: string | undefined; dataDir: string }) {
  const { audit, database } = await openAuditLog(locateDatabase(options.databaseUrl, options.dataDir));
  try {
    return await audit.verify();
  } finally {
    await database.destroy();
  }
}
