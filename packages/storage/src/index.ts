export {
  openDatabase,
  locateDatabase,
  type DatabaseLocation,
  type DialectCapabilities,
  type VisageDatabase,
} from './database.js';
export { migrateToLatest } from './migrations/index.js';
export { createAuditLogRepository } from './audit-log.repository.js';
export { createNonceStore } from './nonce.repository.js';
