import {
  createAgreementAdmin,
  createAuditBrowser,
  createCustomerAdmin,
  createDashboard,
  createOperatorAdmin,
  createSignatureVerifier,
  createUsageReports,
  createVerificationService,
  createCaptureSessions,
  type Caller,
  type CaptureSessions,
  type KeyAuthorization,
} from '@visage/core';
import { createFaceEngine, defaultModelDir, loadCalibration, type FaceEngine } from '@visage/engine';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp, redactedLogPaths } from './app.js';
import type { Config } from './config/load-config.js';
import { createFaceEnginePort } from './engine/face-engine.adapter.js';
import { createKeyLimiter } from './http/key-limiter.js';
import { createMailRequestThrottle, createRegistrationThrottle } from './http/mail-request-throttle.js';
import { createSignInThrottle } from './http/sign-in-throttle.js';
import { openServices, type Services } from './services.js';
import { createSweeper } from './sweeper.js';
import { createWebhookWorker } from './webhook-worker.js';

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
  const services = await openServices(config, options);
  let engine: FaceEngine | undefined;
  try {
    engine = await createFaceEngine({
      modelDir: config.modelDir ?? defaultModelDir(),
      ...(config.engineWorkers === undefined ? {} : { workers: config.engineWorkers }),
      ...(config.engineMaxQueue === undefined ? {} : { maxQueue: config.engineMaxQueue }),
      jobTimeoutMs: config.engineTimeoutMs,
    });
    const calibration = await loadCalibration(config.calibrationPath);
    return await assemble(config, services, engine, calibration, options.logger);
  } catch (error) {
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
): Promise<Platform> {
  const { clock, crypto, wallet, pricing } = services;
  const enginePort = createFaceEnginePort(engine, calibration);
  const verification = createVerificationService({
    engine: enginePort,
    consents: services.consents,
    verifications: services.verifications,
    receipts: services.receipts,
    charging: {
      currentPrice: (product) => pricing.currentPrice(product),
      reserve: (input) => wallet.reserve(input),
      post: async (id) => void (await wallet.post(id)),
      void: async (id) => void (await wallet.void(id)),
    },
    audit: services.audit,
    secretBox: services.secretBox,
    clock,
    crypto,
    subjectLimits: { perMinute: config.subjectPerMinute, perDay: config.subjectPerDay },
    pseudonymize: services.pseudonymize,
    onWebhookEvent: services.onWebhookEvent,
  });
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
  });
  let draining = false;
  const signInThrottle = createSignInThrottle();
  const { adminQueries: queries, notices } = services;
  const app = await buildApp(
    {
      bodyLimitBytes: config.bodyLimitBytes,
      logger: logger ?? { level: config.logLevel, redact: redactedLogPaths },
      trustProxy: config.trustProxy,
      version: serverVersion,
    },
    {
      verification,
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
      keys: { authorize: async (input) => callerOf(await services.keyAccess.authorize(input)) },
      limiter: createKeyLimiter({
        ratePerSecond: config.keyRatePerSecond,
        sandboxRatePerSecond: config.sandboxRatePerSecond,
        concurrency: config.keyConcurrency,
      }),
      ready: async () => !draining && (await databaseAnswers(services)),
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
        registrationThrottle: createRegistrationThrottle(config.registrationsPerIpPerHour),
        certification: services.certification,
        webhooks: services.webhooks,
        accountMail: {
          emailVerification: services.emailVerification,
          passwordReset: services.passwordReset,
          smtp: services.mailer.smtp,
          resetThrottle: createMailRequestThrottle(),
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
      },
    },
  );
  // Notices that fail after a committed change, low-balance alerts that fail: logged with the requests.
  services.logProblemsTo(app.log);
  const requests = trackRequestsInFlight(app);
  const sweeper = createSweeper(services, {
    captureSessions,
    intervalSeconds: config.sweepIntervalSeconds,
    log: app.log,
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
        draining = true;
        sweeper.stop();
        services.setWebhookWaker(() => {});
        // Deliveries in flight finish (10 s at most each); what this process still holds is given back.
        await webhookWorker
          .stop()
          .catch((error: unknown) => app.log.error({ err: error }, 'webhook worker stop failed'));
        const closed = app.close();
        // close() stops listening and ends idle connections, then waits for every connection to end. Requests
        // in flight are let finish; a connection left open after that (kept alive by a client that stopped
        // reading, or holding a request that will never complete) is ended, or shutdown would wait for it forever.
        await requests.drained();
        app.server.closeAllConnections();
        await closed;
        app.log.debug('http server closed');
        await engine.dispose();
        app.log.debug('engine stopped');
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

async function databaseAnswers(services: Services): Promise<boolean> {
  try {
    await services.database.ping();
    return true;
  } catch {
    return false;
  }
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
