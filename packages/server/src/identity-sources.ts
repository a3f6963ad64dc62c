import { createIdentityRegistry, type FaceEnginePort, type IdentitySource } from '@visage/core';
import { createFaceEngine, defaultModelDir, loadCalibration, type FaceEngine } from '@visage/engine';
import { createIdentityRecordRepository } from '@visage/storage';
import { createHttpIdentitySource } from './adapters/http-identity-source.js';
import type { Config } from './config/load-config.js';
import { createFaceEnginePort } from './engine/face-engine.adapter.js';
import { openServices, type Services } from './services.js';

/**
 * The identity registry over the services' database and the engine, and the `IdentitySource` registry comparisons
 * ask: the operator's external source when VISAGE_IDENTITY_SOURCE_URL is set, the built-in registry otherwise
 * (docs/identity-sources.md); `sandboxSource` is what sandbox keys ask: always the built-in registry, whose sandbox
 * records are the only ones they see. The server and `visage registry import` both build it here.
 */
export function createIdentityServices(
  services: Pick<Services, 'database' | 'secretBox' | 'hashIdNumber' | 'clock' | 'crypto' | 'audit'>,
  engine: Pick<FaceEnginePort, 'analyze' | 'modelId'>,
  config: Pick<Config, 'identitySourceUrl' | 'identitySourceToken' | 'identitySourceTimeoutMs'>,
  options: { onSourceFailure?: (reason: string) => void } = {},
) {
  const registry = createIdentityRegistry({
    repo: createIdentityRecordRepository(services.database),
    engine,
    secretBox: services.secretBox,
    hashIdNumber: services.hashIdNumber,
    clock: services.clock,
    crypto: services.crypto,
    audit: services.audit,
  });
  const source: IdentitySource =
    config.identitySourceUrl === undefined
      ? registry.source
      : createHttpIdentitySource({
          url: config.identitySourceUrl,
          token: config.identitySourceToken,
          timeoutMs: config.identitySourceTimeoutMs,
          ...(options.onSourceFailure ? { onFailure: options.onSourceFailure } : {}),
        });
  return { registry, source, sandboxSource: registry.source };
}

/**
 * The identity registry with its own engine, for `visage registry import`: opens the services (migrating the
 * database) and the engine; `close` stops both.
 */
export async function openIdentityRegistry(
  config: Config,
  options: { workers?: number; onMasterKeyGenerated?: (path: string) => void } = {},
) {
  const services = await openServices(config, options);
  let engine: FaceEngine | undefined;
  try {
    engine = await createFaceEngine({
      modelDir: config.modelDir ?? defaultModelDir(),
      workers: options.workers ?? config.engineWorkers,
      jobTimeoutMs: config.engineTimeoutMs,
    });
    const calibration = await loadCalibration(config.calibrationPath);
    const { registry } = createIdentityServices(services, createFaceEnginePort(engine, calibration), config);
    const opened = engine;
    return {
      registry,
      close: async () => {
        await opened.dispose();
        await services.close();
      },
    };
  } catch (error) {
    await engine?.dispose();
    await services.close();
    throw error;
  }
}
