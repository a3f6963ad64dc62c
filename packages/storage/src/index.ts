export {
  openDatabase,
  locateDatabase,
  type DatabaseLocation,
  type DialectCapabilities,
  type VisageDatabase,
} from './database.js';
export { migrateToLatest } from './migrations/index.js';
export { createAuditLogRepository } from './audit-log.repository.js';
export { createAdminQueryRepository } from './admin-query.repository.js';
export { createNonceStore } from './nonce.repository.js';
export { createOrganizationRepository } from './organization.repository.js';
export { createUserRepository } from './user-account.repository.js';
export { createSessionRepository } from './user-session.repository.js';
export { createAgreementRepository } from './agreement.repository.js';
export { createAppRepository } from './app.repository.js';
export { createApiKeyRepository } from './api-key.repository.js';
export { createPriceRepository } from './price.repository.js';
export { createLedgerRepository } from './ledger.repository.js';
export { createTopupRequestRepository } from './topup-request.repository.js';
export { createBalanceAlertRepository } from './balance-alert.repository.js';
export { createIdempotencyRepository } from './idempotency.repository.js';
export { createConsentRepository } from './consent.repository.js';
export { createVerificationRepository } from './verification.repository.js';
export { createDeletionReceiptRepository } from './deletion-receipt.repository.js';
export { createNoticeRepository } from './notice.repository.js';
export { createComplaintRepository } from './complaint.repository.js';
export { createPrivacyRepository } from './privacy.repository.js';
export { createAccountTokenRepository } from './account-token.repository.js';
export { createMailOutboxRepository } from './mail-outbox.repository.js';
export { createWebhookRepository, eraseWebhookPayloads, insertWebhookEvent } from './webhook.repository.js';
export { createWebhookBacklogQuery, type WebhookBacklog } from './webhook-backlog.repository.js';
export { createCertificationRepository, createIndustryRepository } from './certification.repository.js';
export { createSanctionsRepository } from './sanctions.repository.js';
export { createCaptureSessionRepository } from './capture-session.repository.js';
export { createIdentityRecordRepository } from './identity-record.repository.js';
export { createFaceIdBusinessRepository } from './faceid-business.repository.js';
export { createLookupKeyRepository, type LookupKeyRepository, type StoredLookupKey } from './lookup-key.repository.js';
export {
  createSealedValueRepository,
  sealedColumns,
  type SealedColumn,
  type SealedHead,
  type SealedRowKey,
  type SealedValue,
  type SealedValueRepository,
} from './sealed-value.repository.js';
export { createPostgresLimitStore, type PostgresLimitStore } from './shared-limit.repository.js';
export {
  createServerLock,
  DataDirInUseError,
  type ServerLock,
  type ServerLockHolder,
  type ServerLockOptions,
} from './server-lock.repository.js';
