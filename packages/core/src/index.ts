export type { Clock, Crypto, IpAllowlist, Mailer, MailMessage, PasswordHasher, SecretBox } from './ports.js';
export * from './accounts/operator-roles.js';
export * from './notices/notices.ports.js';
export { notifySafely, type NoticeFailureHandler } from './notices/notify-safely.js';
export * from './admin/admin.ports.js';
export {
  createCustomerAdmin,
  usageSummaryDays,
  type CustomerAdmin,
  type CustomerDetail,
  type StandingChange,
  type UsageSummary,
} from './admin/customers.service.js';
export { createAgreementAdmin, type AgreementAdmin } from './admin/agreement-admin.service.js';
export { createAuditBrowser, type AuditBrowser, type AuditPage } from './admin/audit-browser.service.js';
export {
  createDashboard,
  maxDashboardDays,
  type Dashboard,
  type DashboardDay,
  type DashboardService,
} from './admin/dashboard.service.js';
export { createOperatorAdmin, type OperatorAdmin } from './admin/operators.service.js';
export {
  createNotices,
  defaultNoticePageSize,
  maxNoticePageSize,
  type Announcement,
  type InboxPage,
  type Notices,
} from './notices/notices.service.js';
export {
  noticeLanguages,
  noticeMail,
  noticeText,
  type NoticeLanguage,
  type NoticeText,
} from './notices/notice-text.js';
export * from './complaints/complaints.ports.js';
export * from './privacy/privacy.ports.js';
export { createPrivacy, type Privacy } from './privacy/privacy.service.js';
export {
  createComplaints,
  maxComplaintDescription,
  maxComplaintNote,
  maxComplaintSubject,
  type ComplaintFiling,
  type ComplaintPage,
  type Complaints,
} from './complaints/complaints.service.js';
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
export {
  createAgreement,
  type Agreement,
  type AgreementDraft,
  type AgreementStatus,
} from './accounts/agreement.service.js';
export * from './apps/apps.ports.js';
export { normalizeCidr } from './apps/cidr.js';
export { createApps, type AppChanges, type Apps, type IssuedWebhookSecret } from './apps/apps.service.js';
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
export * from './billing/topup-requests.service.js';
export * from './billing/balance-alerts.service.js';
export * from './billing/finance-desk.service.js';
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
export * from './capture/capture-sessions.ports.js';
export {
  createCaptureSessions,
  captureFrameLimits,
  captureDecisionClaimSeconds,
  type CaptureSessions,
  type CaptureCreateInput,
  type CaptureFrameInput,
} from './capture/capture-sessions.service.js';
export { erasedCaptureSessionEvent } from './capture/capture-session-view.js';
export {
  captureConsentText,
  captureConsentTextVersion,
  captureConsentVersion,
  resolveCaptureLocale,
  defaultCaptureLocale,
  type CaptureLocale,
} from './capture/capture-consent.js';
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
export * from './accounts/account-tokens.ports.js';
export type { MailLimits } from './accounts/account-token.js';
export {
  createEmailVerification,
  defaultVerificationMailLimits,
  emailVerificationTtlSeconds,
  type EmailVerification,
  type VerificationMailSent,
} from './accounts/email-verification.service.js';
export {
  createPasswordReset,
  defaultResetMailLimits,
  passwordResetTtlSeconds,
  type PasswordReset,
} from './accounts/password-reset.service.js';
export * from './mail/mail-outbox.ports.js';
export {
  createMailOutbox,
  defaultMailPageSize,
  maxMailPageSize,
  redactTokens,
  redactedToken,
  type MailOutbox,
  type MailPage,
  type MailPageQuery,
} from './mail/mail-outbox.service.js';
export * from './certification/certification.ports.js';
export * from './certification/credit-code.js';
export * from './certification/resident-id.js';
export * from './certification/name-screening.js';
export * from './certification/certification.service.js';
export * from './webhooks/webhooks.ports.js';
export * from './webhooks/webhooks.service.js';
export * from './webhooks/webhook-delivery.js';
export * from './capture/liveness-decision.js';
export * from './capture/flash-response.js';
export * as livenessThresholds from './capture/liveness-thresholds.js';
export * from './registry/identity.ports.js';
export * from './registry/identity-name.js';
export * from './registry/identity-registry.service.js';
export * from './compat/faceid.ports.js';
export * from './compat/faceid-sign.js';
export * from './compat/faceid-results.js';
export * from './compat/faceid-lite.service.js';
export * from './id-cards/id-card.ports.js';
export {
  detectSide,
  parseBack,
  parseFront,
  type BackFields,
  type CardSide,
  type FrontFields,
  type ReadField,
} from './id-cards/id-card-fields.js';
export {
  checkBack,
  checkFront,
  type BackChecks,
  type CheckOutcome,
  type FrontChecks,
} from './id-cards/id-card-checks.js';
export {
  createIdCardService,
  idCardHintThresholds,
  idCardResponse,
  idCardValid,
  imageHints,
  readIdCard,
  type IdCardHint,
  type IdCardReadingBack,
  type IdCardReadingFront,
  type IdCardResponse,
  type IdCardService,
  type RequestedSide,
} from './id-cards/id-cards.service.js';
