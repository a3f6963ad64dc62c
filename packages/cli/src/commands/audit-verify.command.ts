import { createAuditLog } from '@visage/core';
import { createAuditLogRepository, locateDatabase, migrateToLatest, openDatabase } from '@visage/storage';
import { nodeCrypto, systemClock } from '../system-ports.js';

/** Walks the audit hash chain of the database `DATABASE_URL` or `--data` names, and names the first broken entry. */
export async function verifyAuditLog(options: { databaseUrl: string | undefined; dataDir: string }) {
  const database = openDatabase(locateDatabase(options.databaseUrl, options.dataDir));
  try {
    await migrateToLatest(database.db);
    const audit = createAuditLog({
      repository: createAuditLogRepository(database),
      clock: systemClock,
      crypto: nodeCrypto,
    });
    return await audit.verify();
  } finally {
    await database.destroy();
  }
}
