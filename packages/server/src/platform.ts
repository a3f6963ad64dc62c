import {
  createAgreementAdmin,
  createAuditBrowser,
  createCustomerAdmin,
  createDashboard,
  createOperatorAdmin,
  createSignatureVerifier,
  createUsageReports,
  createVerificationService,
  createIdCardService,
  createCaptureSessions,
  createFaceIdAuth,
  createFaceIdLite,
  type Caller,
  type CaptureSessions,
  type KeyAuthorization,
} from '@visage/core';
import {
  confidenceOf,
  createFaceEngine,
  createOcrEngine,
  defaultModelDir,
  loadCalibration,
  type FaceEngine,
  type OcrEngine,
} from '@visage/engine';
import { createOcrEnginePort } from './engine/ocr-engine.adapter.js';
import { nodeFaceIdHashes } from './adapters/faceid-hashes.js';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp, redactedLogPaths } from './app.js';
import type { Config } from './config/load-config.js';
import { createFaceEnginePort } from './engine/face-engine.adapter.js';
import { createIdentityServices } from './identity-sources.js';
import { createEngineAdmission } from './http/engine-admission.js';
import { createKeyLimiter } from './http/key-limiter.js';
import { createMailRequestThrottle, createRegistrationThrottle } from './http/mail-request-throttle.js';
import { createSignInThrottle } from './http/sign-in-throttle.js';
import { openServices, type Services } from './services.js';
import type { LimitStore } from './limits/limit-store.js';
import { holdDataDir, openLimitStore } from './limits/shared-state.js';
import { createSweeper } from './sweeper.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createWebhookBacklogQuery } from '@visage/storage';
import { createReadiness } from './readiness.js';
import { createWebhookWorker } from './webhook-worker.js';
import { webhookUrlCheck } from './adapters/webhook-target.js';

export interface Platform {
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly engine: FaceEngine;
  /** Hosted capture sessions (the sweeper expires them; tests drive it directly). */
  readonly captureSessions: CaptureSessions;
  /** Stops taking requests, lets the ones in flight finish, then stops the engine, the sweeper and the database. */
  close(): Promise<void>;
}

export const serverVersion = '0.1.0';

export async function createPlatform(
  config: Config,
  options: { logger?: FastifyServerOptions['logger']; onMasterKeyGenerated?: (path: string) => void } = {},
): Promise<Platform> {
  // Created first: the services report webhook attempts into it.
  const metrics = createMetrics();
  const services = await openServices(config, {
    ...options,
    onWebhookAttempt: (response) => metrics.observeWebhookAttempt(response),
  });
  let engine: FaceEngine | undefined;
  let ocr: OcrEngine | undefined;
  // Shared state across server processes (docs/operations.md): SQLite refuses a second server process here.
  const shared: SharedState = { log: {} };
  try {
    shared.dataDir = await holdDataDir(services.database, () => shared.log.current);
    shared.limitStore = await openLimitStore(services.database, {
      redisUrl: config.redisUrl,
      sweepIntervalSeconds: config.sweepIntervalSeconds,
      log: () => shared.log.current,
    });
    engine = await createFaceEngine({
      modelDir: config.modelDir ?? defaultModelDir(),
      ...(config.engineWorkers === undefined ? {} : { workers: config.engineWorkers }),
      ...(config.engineMaxQueue === undefined ? {} : { maxQueue: config.engineMaxQueue }),
      jobTimeoutMs: config.engineTimeoutMs,
      // VISAGE_PASSIVE_LIVENESS=network: frames carry the network's score alone and cost no texture work.
      ...(config.passiveLiveness === 'fused' ? {} : { padModel: null }),
    });
    // ID-card OCR: its own pool beside the face engine's (docs/adr/0002-ocr-pipeline.md).
    ocr = await createOcrEngine({
      modelDir: config.modelDir ?? defaultModelDir(),
      ...(config.engineMaxQueue === undefined ? {} : { maxQueue: config.engineMaxQueue }),
      jobTimeoutMs: config.engineTimeoutMs,
    });
    const calibration = await loadCalibration(config.calibrationPath);
    return await assemble(config, services, engine, calibration, options.logger, ocr, shared, metrics);
  } catch (error) {
    await shared.limitStore?.close();
    await shared.dataDir?.release().catch(() => undefined);
    await ocr?.dispose();
    await engine?.dispose();
    await services.close();
    throw error;
  }
}

async function assemble(
  config: Config,
  services: Services,
  engine: FaceEngine,
  calibration: Awaited<ReturnType<typeof loadCalibration>>,
  logger: FastifyServerOptions['logger'] | undefined,
  ocr: OcrEngine,
  shared: SharedState,
  metrics: Metrics,
): Promise<Platform> {
  const limitStore = shared.limitStore!;
  const { clock, crypto, wallet, pricing } = services;
  // Jobs counted and timed for /metrics (queue depth, inference latency).
  const enginePort = createFaceEnginePort(metrics.instrumentEngine(engine), calibration);
  // Registry comparisons: the built-in registry, or the operator's HTTP source (docs/identity-sources.md).
  const identityLog: { current?: FastifyInstance['log'] } = {};
  const identities = createIdentityServices(services, enginePort, config, {
    onSourceFailure: (reason) => identityLog.current?.warn({ reason }, 'identity source lookup failed'),
  });
  const verification = createVerificationService({
    engine: enginePort,
    consents: services.consents,
    verifications: services.verifications,
    receipts: services.receipts,
    charging: {
      currentPrice: (product) => pricing.currentPrice(product),
      reserve: (input) => metrics.countReservation(wallet.reserve(input)),
      post: async (id) => void (await metrics.countSettlement('post', wallet.post(id))),
      void: async (id) => void (await metrics.countSettlement('void', wallet.void(id))),
    },
    audit: services.audit,
    secretBox: services.secretBox,
    clock,
    crypto,
    subjectLimits: { perMinute: config.subjectPerMinute, perDay: config.subjectPerDay },
    pseudonymize: services.pseudonymize,
    onWebhookEvent: services.onWebhookEvent,
    identities: identities.source,
    sandboxIdentities: identities.sandboxSource,
    registryRefusalsPerKeyPerDay: config.registryRefusalsPerKeyPerDay,
  });
  // ID-card OCR, charged per call through `verification` (docs/id-cards.md).
  const idCards = createIdCardService({ engine: createOcrEnginePort(ocr), verification, clock });
  // Hosted capture: sessions, the page's API, the liveness decision, charged once through `verification`.
  const captureSessions = createCaptureSessions({
    sessions: services.captureSessions,
    verification,
    engine: enginePort,
    apps: services.appRepository,
    orgs: services.organizationRepository,
    audit: services.audit,
    secretBox: services.secretBox,
    clock,
    crypto,
    publicUrl: config.publicUrl.replace(/\/+$/, ''),
    operatorName: config.operatorName,
    onWebhookEvent: services.onWebhookEvent,
    // A notify_url passes the same SSRF guard as the app's webhook URL, on creation and again at delivery.
    checkNotifyUrl: webhookUrlCheck({ allowedCidrs: config.webhookAllowedCidrs }),
    webhookSecrets: services.webhookRepository,
  });
  // The FaceID-compatible API (docs/compat-faceid.md): our capture sessions, comparison and billing in FaceID's terms.
  const confidenceAt = (similarity: number) => confidenceOf(calibration, similarity);
  const faceIdLite = createFaceIdLite({
    captureSessions,
    businesses: services.faceIdBusinesses,
    secrets: services.keyAccess,
    hashes: nodeFaceIdHashes,
    clock,
    confidenceAt,
    checkNotifyUrl: webhookUrlCheck({ allowedCidrs: config.webhookAllowedCidrs }),
    publicUrl: config.publicUrl.replace(/\/+$/, ''),
  });
  services.setWebhookEncoder((event) => faceIdLite.encodeEvent(event));
  const keyGate = {
    authorize: async (input: { keyId: string; ip: string }) => callerOf(await services.keyAccess.authorize(input)),
  };
  const limiter = createKeyLimiter(
    {
      ratePerSecond: config.keyRatePerSecond,
      sandboxRatePerSecond: config.sandboxRatePerSecond,
      concurrency: config.keyConcurrency,
    },
    limitStore,
  );
  // /readyz: not while draining; the database must answer within a second; the engine must be running.
  let modelsLoaded = true;
  const readiness = createReadiness({
    timeoutMs: 1000,
    checks: [
      { failure: 'database_unreachable', check: () => services.database.ping() },
      {
        failure: 'models_not_loaded',
        check: async () => {
          if (!modelsLoaded) throw new Error('the engine is stopped');
        },
      },
    ],
  });
  metrics.setSources({
    webhookBacklog: () => createWebhookBacklogQuery(services.database)(clock.now().toISOString()),
  });
  const signInThrottle = createSignInThrottle(undefined, undefined, limitStore);
  const { adminQueries: queries, notices } = services;
  const app = await buildApp(
    {
      bodyLimitBytes: config.bodyLimitBytes,
      logger: logger ?? { level: config.logLevel, redact: redactedLogPaths },
      trustProxy: config.trustProxy,
      metricsAccess: config.metrics,
      metricsToken: config.metricsToken,
      version: serverVersion,
    },
    {
      verification,
      idCards,
      captureSessions,
      idempotency: services.idempotency,
      crypto,
      secretBox: services.secretBox,
      verifySignature: createSignatureVerifier({
        secrets: services.keyAccess,
        nonces: services.nonces,
        clock,
        crypto,
      }),
      keys: keyGate,
      limiter,
      limitStore,
      engineAdmission: createEngineAdmission({
        workers: engine.workers,
        requestsPerWorker: config.engineRequestsPerWorker,
      }),
      faceIdCompat: {
        faceIdAuth: createFaceIdAuth({
          secrets: services.keyAccess,
          nonces: services.nonces,
          clock,
          hashes: nodeFaceIdHashes,
          maxSignSeconds: config.faceIdSignMaxSeconds,
        }),
        keys: keyGate,
        limiter,
        verification,
        faceIdLite,
        confidenceAt,
        clock,
        bodyLimitBytes: config.bodyLimitBytes,
        // ocridcard: the same ID-card service as POST /v1/id-cards/ocr.
        idCards,
      },
      ready: () => readiness.check(),
      metrics,
      console: {
        users: services.users,
        sessions: services.sessions,
        organizations: services.organizations,
        agreement: services.agreement,
        apps: services.apps,
        keys: services.keys,
        wallet,
        pricing,
        topupRequests: services.topupRequests,
        balanceAlerts: services.balanceAlerts,
        notices: services.notices,
        complaints: services.complaints,
        privacy: services.privacy,
        usage: createUsageReports({ verifications: services.verifications }),
        secureCookies: config.secureCookies,
        keyRotationGraceSeconds: config.keyRotationGraceSeconds,
        signInThrottle,
        registrationThrottle: createRegistrationThrottle(config.registrationsPerIpPerHour, undefined, limitStore),
        certification: services.certification,
        webhooks: services.webhooks,
        accountMail: {
          emailVerification: services.emailVerification,
          passwordReset: services.passwordReset,
          smtp: services.mailer.smtp,
          resetThrottle: createMailRequestThrottle(undefined, undefined, limitStore),
          afterReply: services.afterReply,
        },
      },
      admin: {
        sessions: services.sessions,
        certification: services.certification,
        signInThrottle,
        secureCookies: config.secureCookies,
        customers: createCustomerAdmin({
          queries,
          organizations: services.organizations,
          apps: services.apps,
          keys: services.keys,
          wallet,
          usage: createUsageReports({ verifications: services.verifications }),
          notices,
          clock,
          onError: services.noticeFailed,
        }),
        agreements: createAgreementAdmin({
          agreement: services.agreement,
          queries,
          notices,
          onError: services.noticeFailed,
        }),
        auditLog: createAuditBrowser({ queries, audit: services.audit, clock }),
        dashboard: createDashboard({ queries, clock }),
        topupRequests: services.topupRequests,
        financeDesk: services.financeDesk,
        balanceAlerts: services.balanceAlerts,
        notices: services.notices,
        complaints: services.complaints,
        operators: createOperatorAdmin({ queries, users: services.users }),
        mailOutbox: services.mailOutbox,
        registry: identities.registry,
      },
    },
  );
  // Notices that fail after a committed change, low-balance alerts that fail: logged with the requests.
  services.logProblemsTo(app.log);
  identityLog.current = app.log;
  shared.log.current = app.log;
  const requests = trackRequestsInFlight(app);
  const sweeper = createSweeper(services, {
    captureSessions,
    intervalSeconds: config.sweepIntervalSeconds,
    log: app.log,
    onRun: (outcome, seconds) => metrics.observeSweep(outcome, seconds),
  });
  await sweeper.runOnce();
  sweeper.start();
  // Webhook delivery in every process: claims with a lease, so several processes share the outbox.
  const webhookWorker = createWebhookWorker(services.webhookDelivery, {
    owner: services.crypto.randomId('wkr'),
    intervalSeconds: config.webhookIntervalSeconds,
    log: app.log,
  });
  services.setWebhookWaker(() => webhookWorker.wake());
  webhookWorker.start();

  let closing: Promise<void> | undefined;
  return {
    app,
    services,
    engine,
    captureSessions,
    close: () =>
      (closing ??= (async () => {
        // /readyz answers 503 from now on; for VISAGE_DRAIN_DELAY_MS the process still serves, so that a load
        // balancer probing /readyz takes it out of rotation before its listener closes.
        readiness.drain();
        const sweeperStopped = sweeper.stop();
        services.setWebhookWaker(() => {});
        if (config.drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.drainDelayMs));
        // Deliveries in flight get a few seconds to finish, beside the requests in flight; what this process still
        // holds then is given back (leases released), so another process delivers it at once.
        const webhooksStopped = webhookWorker
          .stop({ waitMs: Math.min(5000, Math.floor(config.shutdownGraceMs / 2)) })
          .then(
            (released) => app.log.info({ released }, 'webhook worker stopped'),
            (error: unknown) => app.log.error({ err: error }, 'webhook worker stop failed'),
          );
        const closed = app.close();
        // close() stops listening and ends idle connections, then waits for every connection to end. Requests
        // in flight are let finish; a connection left open after that (kept alive by a client that stopped
        // reading, or holding a request that will never complete) is ended, or shutdown would wait for it forever.
        await requests.drained();
        app.server.closeAllConnections();
        await closed;
        app.log.debug('http server closed');
        await webhooksStopped;
        await sweeperStopped;
        modelsLoaded = false;
        await engine.dispose();
        await ocr.dispose();
        app.log.debug('engine stopped');
        await limitStore.close();
        await shared.dataDir?.release().catch((error: unknown) => app.log.warn({ err: error }, 'lock release failed'));
        await services.close();
        app.log.debug('database closed');
      })()),
  };
}

function callerOf({ key, app }: KeyAuthorization): Caller {
  return {
    orgId: key.orgId,
    appId: app.id,
    keyId: key.id,
    sandbox: key.mode === 'sandbox',
    decisionFar: app.decisionFar,
    allowMultipleFaces: app.allowMultipleFaces,
    imageRetentionSeconds: app.imageRetentionSeconds,
    resultRetentionSeconds: app.resultRetentionSeconds,
  };
}

function trackRequestsInFlight(app: FastifyInstance) {
  let inFlight = 0;
  let onDrained: (() => void) | undefined;
  app.addHook('onRequest', async (_request, reply) => {
    inFlight++;
    // 'close' fires once whether the response was sent or the client went away.
    reply.raw.once('close', () => {
      inFlight--;
      if (inFlight === 0) onDrained?.();
    });
  });
  return {
    drained: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (onDrained = resolve))),
  };
}

/** What createPlatform opens beside the services: the limit store and, on SQLite, the data directory's lock. */
interface SharedState {
  dataDir?: Awaited<ReturnType<typeof holdDataDir>>;
  limitStore?: LimitStore;
  readonly log: { current?: FastifyInstance['log'] };
}
