import {
  createAgreement,
  createApps,
  createAuditLog,
  createIdempotency,
  createKeyAccess,
  createKeys,
  createNotices,
  createComplaints,
  createPrivacy,
  createEmailVerification,
  createMailOutbox,
  createPasswordReset,
  createOrganizations,
  createPricing,
  createSessions,
  createUsers,
  createWallet,
  createBalanceAlerts,
  createFinanceDesk,
  createTopupRequests,
  createCertification,
  createWebhooks,
  createWebhookDelivery,
  type NoticeFailureHandler,
  type EncodedWebhook,
  type StoredWebhookEvent,
  type WebhookResponse,
  type WebhookSender,
} from '@visage/core';
import {
  createAdminQueryRepository,
  createAccountTokenRepository,
  createMailOutboxRepository,
  createAgreementRepository,
  createApiKeyRepository,
  createAppRepository,
  createAuditLogRepository,
  createConsentRepository,
  createCaptureSessionRepository,
  createDeletionReceiptRepository,
  createIdempotencyRepository,
  createLedgerRepository,
  createNoticeRepository,
  createComplaintRepository,
  createPrivacyRepository,
  createBalanceAlertRepository,
  createTopupRequestRepository,
  createNonceStore,
  createOrganizationRepository,
  createPriceRepository,
  createSessionRepository,
  createUserRepository,
  createVerificationRepository,
  createCertificationRepository,
  createIndustryRepository,
  createSanctionsRepository,
  createWebhookRepository,
  createFaceIdBusinessRepository,
  createLookupKeyRepository,
  locateDatabase,
  migrateToLatest,
  openDatabase,
  type VisageDatabase,
} from '@visage/storage';
import { argon2PasswordHasher } from './adapters/argon2-password-hasher.js';
import { createMailer, smtpTransport } from './adapters/mailer.js';
import { createBackgroundWork } from './background-work.js';
import { ipAllowlist } from './adapters/ip-allowlist.js';
import { nodeCrypto, systemClock } from './adapters/node-crypto.js';
import { createPseudonymizer } from './adapters/pseudonymizer.js';
import { createIdNumberHash } from './adapters/identity-number-hash.js';
import { createSecretBox } from './adapters/secret-box.js';
import { openLookupKeys } from './adapters/lookup-keys.js';
import { createWebhookSender, webhookJitter, webhookUrlCheck } from './adapters/webhook-target.js';
import type { Config } from './config/load-config.js';
import { stderrProblemLog, type ProblemLog } from './problem-log.js';
import { loadMasterKeyring } from './config/master-key.js';

/**
 * The domain services over one database: what both the HTTP server and `visage admin` run on. Opening migrates the
 * database to the latest schema, so an operator command on a fresh data directory works as well as the server.
 */
export async function openServices(
  config: Config,
  options: {
    onMasterKeyGenerated?: (path: string) => void;
    /** Told every webhook delivery attempt's answer (the /metrics outcome counters). */
    onWebhookAttempt?: (response: WebhookResponse) => void;
  } = {},
) {
  const database: VisageDatabase = openDatabase(locateDatabase(config.databaseUrl, config.dataDir));
  try {
    await migrateToLatest(database.db);
  } catch (error) {
    await database.destroy();
    throw error;
  }
  const clock = systemClock;
  // The keyring (VISAGE_MASTER_KEY or master.key seals; VISAGE_MASTER_KEYS_DECRYPT_ONLY only opens), and the lookup
  // keys it unseals from the database: they outlive a master-key rotation (docs/operations.md).
  let lookupKeys;
  let secretBox;
  try {
    const keyring = loadMasterKeyring(config, {
      ...(options.onMasterKeyGenerated ? { onGenerated: options.onMasterKeyGenerated } : {}),
    });
    secretBox = createSecretBox(keyring.current, keyring.decryptOnly);
    lookupKeys = await openLookupKeys({
      repo: createLookupKeyRepository(database),
      secretBox,
      masterKey: keyring.current,
      decryptOnlyKeys: keyring.decryptOnly.length,
      now: () => clock.now(),
    });
  } catch (error) {
    await database.destroy();
    throw error;
  }
  const pseudonymize = createPseudonymizer(lookupKeys.pseudonym);
  const crypto = nodeCrypto;
  // Writes on the request path wait for the rest of this event-loop turn, so that concurrent requests share a commit.
  const defer = setImmediate;
  const audit = createAuditLog({ repository: createAuditLogRepository(database, { defer }), clock, crypto });
  // Failures that must not fail the action behind them (a notice after a committed change, the low-balance alert)
  // are logged: to stderr until the server points them at its logger (`logProblemsTo(app.log)`).
  let problemLog: ProblemLog = stderrProblemLog;
  const noticeFailed: NoticeFailureHandler = (error, request) =>
    problemLog.error(
      { err: error, notice_kind: request.kind, org_ids: request.orgIds },
      'notice not sent after a committed change',
    );
  // Work a request does after answering (a password reset's lookup, token and mail): drained on close.
  const afterReply = createBackgroundWork((error, task) =>
    problemLog.error({ err: error, task }, 'work after the answer failed'),
  );

  const orgRepo = createOrganizationRepository(database);
  const userRepo = createUserRepository(database);
  const appRepo = createAppRepository(database);
  const keyRepo = createApiKeyRepository(database);
  const organizations = createOrganizations({ repo: orgRepo, clock, crypto, audit });
  const agreement = createAgreement({ repo: createAgreementRepository(database), clock, crypto, audit });
  const users = createUsers({ users: userRepo, hasher: argon2PasswordHasher, clock, crypto, audit });
  const sessionRepo = createSessionRepository(database);
  const sessions = createSessions({
    sessions: sessionRepo,
    users: userRepo,
    orgs: orgRepo,
    hasher: argon2PasswordHasher,
    clock,
    crypto,
    audit,
    sessionTtlSeconds: config.sessionTtlSeconds,
  });
  const apps = createApps({
    apps: appRepo,
    orgs: orgRepo,
    clock,
    crypto,
    audit,
    maxResultRetentionSeconds: config.resultRetentionMaxSeconds,
    // Webhook URLs are resolved on save: internal addresses are refused unless VISAGE_WEBHOOK_ALLOWED_CIDRS allows them.
    checkWebhookUrl: webhookUrlCheck({ allowedCidrs: config.webhookAllowedCidrs }),
    // Setting a webhook URL on an app without a signing secret issues its first one (shown once in the answer).
    webhookSecrets: { secretBox, crypto },
  });
  const keys = createKeys({ keys: keyRepo, apps: appRepo, secretBox, clock, crypto, audit });
  const keyAccess = createKeyAccess({
    keys: keyRepo,
    apps: appRepo,
    orgs: orgRepo,
    agreement,
    secretBox,
    ipAllowlist,
    clock,
  });
  const pricing = createPricing({ repo: createPriceRepository(database), clock, crypto, audit });
  const wallet = createWallet({
    ledger: createLedgerRepository(database, clock),
    clock,
    crypto,
    audit,
    // Told after each movement, without waiting: the low-balance alert (created below, once notices exist).
    watcher: { afterChange: (orgId, kind) => balanceAlerts.afterChange(orgId, kind) },
  });
  // Every mail lands in the outbox; with VISAGE_SMTP_URL it is also sent, and the outbox records the outcome.
  const mailOutboxRepo = createMailOutboxRepository(database);
  const mailer = createMailer({
    outbox: mailOutboxRepo,
    clock,
    crypto,
    from: config.mailFrom,
    transport: config.smtpUrl === undefined ? undefined : smtpTransport(config.smtpUrl),
  });
  const accountTokens = createAccountTokenRepository(database);
  const mailPorts = { tokens: accountTokens, mailer, clock, crypto, audit, publicUrl: config.publicUrl };
  const emailVerification = createEmailVerification({ ...mailPorts, users: userRepo });
  const passwordReset = createPasswordReset({
    ...mailPorts,
    users: userRepo,
    sessions: sessionRepo,
    hasher: argon2PasswordHasher,
  });
  const idempotency = createIdempotency({
    repo: createIdempotencyRepository(database),
    clock,
    // A key is held while its call runs (VISAGE_IDEMPOTENCY_LOCK_SECONDS): the lock outlasts any call, so a retry
    // cannot run beside the first one.
    lockSeconds: config.idempotencyLockSeconds,
  });
  // In-site notices (NoticeSender for every service that tells a customer something), mailed through the Mailer.
  const notices = createNotices({ repo: createNoticeRepository(database), mailer, clock, crypto, audit });
  // Money in the consoles: low-balance alert, customers' top-up requests, the operator's finance desk.
  const balanceAlerts = createBalanceAlerts({
    repo: createBalanceAlertRepository(database),
    balances: (orgId) => wallet.balances(orgId),
    notices,
    clock,
    audit,
    onError: (error) => problemLog.error({ err: error }, 'low-balance alert failed'),
  });
  const topupRequests = createTopupRequests({
    repo: createTopupRequestRepository(database),
    wallet,
    notices,
    clock,
    crypto,
    audit,
    onError: noticeFailed,
  });
  const financeDesk = createFinanceDesk({ wallet, pricing, organizations, notices, onError: noticeFailed });
  // Complaints (a compromised-account report freezes the organisation) and the console's privacy pages.
  const complaints = createComplaints({
    repo: createComplaintRepository(database),
    notices,
    clock,
    crypto,
    audit,
    onError: noticeFailed,
  });
  // Enterprise certification: application, sealed documents, industry catalogue, sanctions screening, review.
  const certification = createCertification({
    applications: createCertificationRepository(database),
    industries: createIndustryRepository(database),
    sanctions: createSanctionsRepository(database),
    organizations,
    notices,
    secretBox,
    clock,
    crypto,
    audit,
    onError: noticeFailed,
  });
  // Webhooks: the outbox's events, their delivery (the server's worker runs it) and the apps' signing secrets.
  const webhookRepo = createWebhookRepository(database);
  let wakeWebhooks: () => void = () => {};
  let encodeWebhook: (event: StoredWebhookEvent) => Promise<EncodedWebhook | undefined> = async () => undefined;
  const webhooks = createWebhooks({
    repo: webhookRepo,
    apps: appRepo,
    secretBox,
    clock,
    crypto,
    audit,
    rotationGraceSeconds: config.webhookSecretGraceSeconds,
    onDue: () => wakeWebhooks(),
  });
  const webhookDelivery = createWebhookDelivery({
    repo: webhookRepo,
    apps: appRepo,
    sender: observedSender(createWebhookSender({ allowedCidrs: config.webhookAllowedCidrs }), options.onWebhookAttempt),
    secretBox,
    clock,
    crypto,
    leaseSeconds: config.webhookLeaseSeconds,
    firstRetryDelaySeconds: config.webhookFirstRetrySeconds,
    random: webhookJitter,
    // The FaceID-compatible notify form (set by the server once its compat API exists: `setWebhookEncoder`).
    encodeEvent: (event) => encodeWebhook(event),
  });
  const verificationRepo = createVerificationRepository(database, clock, { defer });
  const receiptRepo = createDeletionReceiptRepository(database);
  const privacy = createPrivacy({
    verifications: verificationRepo,
    receipts: receiptRepo,
    repo: createPrivacyRepository(database),
    pseudonymize,
    audit,
    clock,
    crypto,
    onWebhookEvent: () => wakeWebhooks(),
  });

  return {
    config,
    database,
    clock,
    crypto,
    secretBox,
    pseudonymize,
    /** The identity registry's keyed hash of an ID number (docs/identity-sources.md). */
    hashIdNumber: createIdNumberHash(lookupKeys.identityNumber),
    audit,
    organizations,
    agreement,
    users,
    sessions,
    apps,
    keys,
    keyAccess,
    pricing,
    wallet,
    idempotency,
    notices,
    complaints,
    privacy,
    mailer,
    emailVerification,
    passwordReset,
    mailOutbox: createMailOutbox({ repo: mailOutboxRepo, audit }),
    /** The outbox's rows, for the retention sweep (VISAGE_MAIL_RETENTION_DAYS). */
    mailOutboxRepository: mailOutboxRepo,
    /** Work started after a request's answer (tests wait for it with `afterReply.drain()`). */
    afterReply,
    accountTokens,
    balanceAlerts,
    topupRequests,
    financeDesk,
    certification,
    /** The admin console's read-side queries across organisations. */
    adminQueries: createAdminQueryRepository(database),
    nonces: createNonceStore(database, clock, { defer }),
    /** Reports a notice that failed after its change was committed (for services built outside, e.g. the admin's). */
    noticeFailed,
    /** Sends the failures that must not fail an action (see `noticeFailed`) to the server's logger. */
    logProblemsTo(log: ProblemLog): void {
      problemLog = log;
    },
    consents: createConsentRepository(database),
    captureSessions: createCaptureSessionRepository(database),
    /** For the capture page's names (app, organisation). */
    appRepository: appRepo,
    organizationRepository: orgRepo,
    verifications: verificationRepo,
    receipts: receiptRepo,
    webhooks,
    webhookDelivery,
    webhookRepository: webhookRepo,
    /** Tells the webhook worker that an event was written (a no-op until the server starts one: `setWebhookWaker`). */
    onWebhookEvent: () => wakeWebhooks(),
    setWebhookWaker(wake: () => void): void {
      wakeWebhooks = wake;
    },
    /** A per-event webhook body encoding (the FaceID-compatible notify form, docs/compat-faceid.md). */
    setWebhookEncoder(encode: (event: StoredWebhookEvent) => Promise<EncodedWebhook | undefined>): void {
      encodeWebhook = encode;
    },
    /** What the FaceID-compatible API keeps beside its capture sessions. */
    faceIdBusinesses: createFaceIdBusinessRepository(database),
    close: async () => {
      await balanceAlerts.idle();
      await afterReply.drain();
      await mailer.close();
      await database.destroy();
    },
  };
}

export type Services = Awaited<ReturnType<typeof openServices>>;

/** The sender, telling `observe` each attempt's answer. */
function observedSender(sender: WebhookSender, observe?: (response: WebhookResponse) => void): WebhookSender {
  if (!observe) return sender;
  return {
    async send(request) {
      const response = await sender.send(request);
      observe(response);
      return response;
    },
  };
}
