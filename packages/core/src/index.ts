export type { Clock, Crypto, IpAllowlist, PasswordHasher, SecretBox } from './ports.js';
export {
  canonicalJson,
  genesisHash,
  hashAuditEntry,
  type AuditEntry,
  type AuditEntryInput,
} from './audit/audit-entry.js';
export {
  createAuditLog,
  type AuditChainHead,
  type AuditLog,
  type AuditLogRepository,
  type AuditVerification,
} from './audit/audit-log.service.js';
export { DomainError } from './domain-error.js';
export { rejectIssues, type ValidationIssue } from './invalid-request.js';
export * from './accounts/accounts.ports.js';
export {
  isWeakPassword,
  minimumPasswordLength,
  normalizeUsername,
  accountFieldIssues,
  type AccountField,
} from './accounts/account-rules.js';
export {
  nextStanding,
  organizationState,
  organizationTransitions,
  type OrganizationTransition,
} from './accounts/organization-state.js';
export { createOrganizations, type Organizations, type TransitionRequest } from './accounts/organizations.service.js';
export {
  actorOf,
  createUsers,
  withoutPassword,
  type OperatorRequest,
  type OwnerRegistration,
  type Users,
} from './accounts/users.service.js';
export { createSessions, type SessionSummary, type Sessions } from './accounts/sessions.service.js';
export { createAgreement, type Agreement, type AgreementDraft } from './accounts/agreement.service.js';
export * from './apps/apps.ports.js';
export { normalizeCidr } from './apps/cidr.js';
export { createApps, type AppChanges, type Apps } from './apps/apps.service.js';
export {
  createKeys,
  isKeyRevoked,
  withoutSecret,
  type IssuedKey,
  type Keys,
  type RotatedKey,
} from './apps/keys.service.js';
export { createKeyAccess, type KeyAccess, type KeyAuthorization } from './apps/key-access.js';
export {
  assertAmount,
  ledgerKinds,
  postingsFor,
  splitBonusFirst,
  zeroBalances,
  type Balances,
  type LedgerEntry,
  type LedgerKind,
  type LedgerTransaction,
  type OrgAccount,
  type PlatformAccount,
  type Posting,
  type Reservation,
  type ReservationStatus,
} from './billing/ledger.js';
export {
  createWallet,
  monthBounds,
  type LedgerRepository,
  type Statement,
  type Wallet,
} from './billing/wallet.service.js';
export {
  billableProducts,
  createPricing,
  priceSchedule,
  type Price,
  type PriceRepository,
  type PriceSchedule,
  type Pricing,
} from './billing/pricing.service.js';
export {
  createIdempotency,
  type Idempotency,
  type IdempotencyBegin,
  type IdempotencyRecord,
  type IdempotencyRepository,
} from './billing/idempotency.service.js';
export {
  createSignatureVerifier,
  type NonceStore,
  type SignedRequest,
  type SigningSecrets,
} from './signing/signature-verifier.js';
export {
  createVerificationService,
  maxResultReads,
  type AuditRecorder,
  type CallResult,
  type Caller,
  type Charging,
  type ConsentInput,
  type SubjectLimits,
  type VerificationService,
} from './verification/verification.service.js';
export * from './verification/verification.ports.js';
export {
  createUsageReports,
  defaultCallPageSize,
  maxCallPageSize,
  maxUsageDays,
  type CallPage,
  type CallQuery,
  type DailyUsage,
  type UsageQuery,
  type UsageReports,
} from './verification/usage.service.js';
