import type { Config } from './config/load-config.js';
import { redactedConfig } from './config/load-config.js';
import { createPlatform, type Platform } from './platform.js';

/**
 * `visage serve`: the platform on one port until SIGTERM or SIGINT, then a graceful stop — /readyz answers 503 at
 * once, the listener closes after VISAGE_DRAIN_DELAY_MS, requests in flight finish (bounded by the shutdown grace),
 * webhook leases are released, then the sweeper, the engine and the database stop, and the process exits 0.
 */
export async function serve(config: Config): Promise<Platform> {
  let generatedKeyPath: string | undefined;
  const platform = await createPlatform(config, { onMasterKeyGenerated: (path) => (generatedKeyPath = path) });
  const { app } = platform;
  app.log.info({ config: redactedConfig(config) }, 'starting');
  if (generatedKeyPath) {
    app.log.warn(
      { path: generatedKeyPath },
      'generated a new master key; back it up — without it, stored key secrets and kept results cannot be read',
    );
  }
  await app.listen({ port: config.port, host: config.host });

  const stop = (signal: NodeJS.Signals) => {
    app.log.info({ signal }, 'draining');
    const deadline = setTimeout(() => {
      app.log.error({ grace_ms: config.shutdownGraceMs }, 'requests still running after the grace period; exiting');
      process.exit(1);
    }, config.drainDelayMs + config.shutdownGraceMs);
    deadline.unref();
    platform.close().then(
      () => {
        app.log.info('stopped');
        // Everything was closed in order; a webhook attempt given up at shutdown may still hold a socket until its
        // own timeout, which must not keep the process (its event was released to the other processes).
        process.exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return platform;
}
