import {
  createAgreement,
  createApps,
  createAuditLog,
  createIdempotency,
  createKeyAccess,
  createKeys,
  createOrganizations,
  createPricing,
  createSessions,
  createUsers,
  createWallet,
} from '@visage/core';
import {
  createAgreementRepository,
  createApiKeyRepository,
  createAppRepository,
  createAuditLogRepository,
  createConsentRepository,
  createDeletionReceiptRepository,
  createIdempotencyRepository,
  createLedgerRepository,
  createNonceStore,
  createOrganizationRepository,
  createPriceRepository,
  createSessionRepository,
  createUserRepository,
  createVerificationRepository,
  locateDatabase,
  migrateToLatest,
  openDatabase,
  type VisageDatabase,
} from '@visage/storage';
import { argon2PasswordHasher } from './adapters/argon2-password-hasher.js';
import { ipAllowlist } from './adapters/ip-allowlist.js';
import { nodeCrypto, systemClock } from './adapters/node-crypto.js';
import { createPseudonymizer } from './adapters/pseudonymizer.js';
import { createSecretBox } from './adapters/secret-box.js';
import type { Config } from './config/load-config.js';
import { loadMasterKey } from './config/master-key.js';

/**
 * The domain services over one database: what both the HTTP server and `visage admin` run on. Opening migrates the
 * database to the latest schema, so an operator command on a fresh data directory works as well as the server.
 */
export async function openServices(config: Config, options: { onMasterKeyGenerated?: (path: string) => void } = {}) {
  const database: VisageDatabase = openDatabase(locateDatabase(config.databaseUrl, config.dataDir));
  try {
    await migrateToLatest(database.db);
  } catch (error) {
    await database.destroy();
    throw error;
  }
  const masterKey = await loadMasterKey(config, {
    ...(options.onMasterKeyGenerated ? { onGenerated: options.onMasterKeyGenerated } : {}),
  });
  const secretBox = createSecretBox(masterKey);
  const pseudonymize = createPseudonymizer(masterKey);
  const clock = systemClock;
  const crypto = nodeCrypto;
  // Writes on the request path wait for the rest of this event-loop turn, so that concurrent requests share a commit.
  const defer = setImmediate;
  const audit = createAuditLog({ repository: createAuditLogRepository(database, { defer }), clock, crypto });

  const orgRepo = createOrganizationRepository(database);
  const userRepo = createUserRepository(database);
  const appRepo = createAppRepository(database);
  const keyRepo = createApiKeyRepository(database);
  const organizations = createOrganizations({ repo: orgRepo, clock, crypto, audit });
  const agreement = createAgreement({ repo: createAgreementRepository(database), clock, crypto, audit });
  const users = createUsers({ users: userRepo, hasher: argon2PasswordHasher, clock, crypto, audit });
  const sessions = createSessions({
    sessions: createSessionRepository(database),
    users: userRepo,
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
  const wallet = createWallet({ ledger: createLedgerRepository(database, clock), clock, crypto, audit });
  const idempotency = createIdempotency({
    repo: createIdempotencyRepository(database),
    clock,
    // A key is held while its call runs; the call's two engine jobs are bounded by the engine timeout each, so the
    // lock outlasts any call and a retry cannot run beside the first one.
    lockSeconds: 2 * Math.ceil(config.engineTimeoutMs / 1000) + 60,
  });

  return {
    config,
    database,
    clock,
    crypto,
    secretBox,
    pseudonymize,
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
    nonces: createNonceStore(database, clock, { defer }),
    consents: createConsentRepository(database),
    verifications: createVerificationRepository(database, clock, { defer }),
    receipts: createDeletionReceiptRepository(database),
    close: () => database.destroy(),
  };
}

export type Services = Awaited<ReturnType<typeof openServices>>;
