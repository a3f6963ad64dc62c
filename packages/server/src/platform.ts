import {
  createSignatureVerifier,
  createUsageReports,
  createVerificationService,
  type Caller,
  type KeyAuthorization,
} from '@visage/core';
import { createFaceEngine, defaultModelDir, loadCalibration, type FaceEngine } from '@visage/engine';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp, redactedLogPaths } from './app.js';
import type { Config } from './config/load-config.js';
import { createFaceEnginePort } from './engine/face-engine.adapter.js';
import { createKeyLimiter } from './http/key-limiter.js';
import { openServices, type Services } from './services.js';
import { createSweeper } from './sweeper.js';

export interface Platform {
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly engine: FaceEngine;
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
  const verification = createVerificationService({
    engine: createFaceEnginePort(engine, calibration),
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
  });
  let draining = false;
  const app = await buildApp(
    {
      bodyLimitBytes: config.bodyLimitBytes,
      logger: logger ?? { level: config.logLevel, redact: redactedLogPaths },
      trustProxy: config.trustProxy,
      version: serverVersion,
    },
    {
      verification,
      idempotency: services.idempotency,
      crypto,
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
        usage: createUsageReports({ verifications: services.verifications }),
        secureCookies: config.secureCookies,
        keyRotationGraceSeconds: config.keyRotationGraceSeconds,
      },
    },
  );
  const sweeper = createSweeper(services, {
    intervalSeconds: config.sweepIntervalSeconds,
    log: app.log,
  });
  await sweeper.runOnce();
  sweeper.start();

  let closing: Promise<void> | undefined;
  return {
    app,
    services,
    engine,
    close: () =>
      (closing ??= (async () => {
        draining = true;
        sweeper.stop();
        await app.close();
        await engine.dispose();
        await services.close();
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
