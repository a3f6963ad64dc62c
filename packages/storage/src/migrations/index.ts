import { Migrator, PostgresAdapter, sql, type Kysely, type Migration, type MigrationResult } from 'kysely';
import type { Database } from '../schema.js';
import * as createAuditLog from './202611290900-create-audit-log.js';
import * as createNonces from './202611290930-create-nonces.js';
import * as createOrganizationsAndUsers from './202611291000-create-organizations-and-users.js';
import * as createUserSessions from './202611291010-create-user-sessions.js';
import * as createAgreements from './202611291020-create-agreements.js';
import * as createAppsAndKeys from './202611291030-create-apps-and-keys.js';
import * as createPrices from './202611291100-create-prices.js';
import * as createLedger from './202611291110-create-ledger.js';
import * as createIdempotencyRecords from './202611291120-create-idempotency-records.js';
import * as createConsents from './202611291200-create-consents.js';
import * as createVerifications from './202611291210-create-verifications.js';
import * as createDeletionReceipts from './202611291220-create-deletion-receipts.js';
import * as createMailOutboxAndAccountTokens from './202611300002-create-mail-outbox-and-account-tokens.js';
import * as createCertification from './202611300003-create-certification.js';
import * as createTopupRequestsAndBalanceAlerts from './202611300004-create-topup-requests-and-balance-alerts.js';
import * as createNoticesAndComplaints from './202611300005-create-notices-and-complaints.js';
import * as createWebhooks from './202611300101-create-webhooks.js';
import * as createCaptureSessions from './202611300103-create-capture-sessions.js';
import * as addWebhookTargetAndCaptureDecision from './202611300201-add-webhook-target-and-capture-decision.js';
import * as createIdentityRecords from './202612010001-create-identity-records.js';
import * as createFaceIdBusinesses from './202612020001-create-faceid-businesses.js';
import * as createSharedLimitsAndServerLock from './202612040001-create-shared-limits-and-server-lock.js';
import * as createLookupKeys from './202612050001-create-lookup-keys.js';
import { withMigrationLock } from './migration-lock.js';

/** Every migration, bundled in code (no folder scan), in the order their timestamped names sort. */
const migrations: Record<string, Migration> = {
  '202611290900-create-audit-log': createAuditLog,
  '202611290930-create-nonces': createNonces,
  '202611291000-create-organizations-and-users': createOrganizationsAndUsers,
  '202611291010-create-user-sessions': createUserSessions,
  '202611291020-create-agreements': createAgreements,
  '202611291030-create-apps-and-keys': createAppsAndKeys,
  '202611291100-create-prices': createPrices,
  '202611291110-create-ledger': createLedger,
  '202611291120-create-idempotency-records': createIdempotencyRecords,
  '202611291200-create-consents': createConsents,
  '202611291210-create-verifications': createVerifications,
  '202611291220-create-deletion-receipts': createDeletionReceipts,
  '202611300002-create-mail-outbox-and-account-tokens': createMailOutboxAndAccountTokens,
  '202611300003-create-certification': createCertification,
  '202611300004-create-topup-requests-and-balance-alerts': createTopupRequestsAndBalanceAlerts,
  '202611300005-create-notices-and-complaints': createNoticesAndComplaints,
  '202611300101-create-webhooks': createWebhooks,
  '202611300103-create-capture-sessions': createCaptureSessions,
  '202611300201-add-webhook-target-and-capture-decision': addWebhookTargetAndCaptureDecision,
  '202612010001-create-identity-records': createIdentityRecords,
  '202612020001-create-faceid-businesses': createFaceIdBusinesses,
  '202612040001-create-shared-limits-and-server-lock': createSharedLimitsAndServerLock,
  '202612050001-create-lookup-keys': createLookupKeys,
};

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResult[]> {
  // Kysely looks for its own tables in every schema unless given one: on PostgreSQL, name the connection's schema
  // (search_path), or a database that holds several schemas (tests, staging) finds another schema's tables.
  const migrationTableSchema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ name: string }>`select current_schema() as name`.execute(db)).rows[0]?.name
      : undefined;
  // Concurrent migrators (a rolling upgrade starting several processes) queue on a lock: migration-lock.ts.
  const { error, results } = await withMigrationLock(db, (locked) =>
    new Migrator({
      db: locked,
      provider: { getMigrations: async () => migrations },
      ...(migrationTableSchema ? { migrationTableSchema } : {}),
    }).migrateToLatest(),
  );
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return results ?? [];
}
