import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema, configVariables } from './config.schema.js';
import { ConfigError, loadConfig, redactedConfig } from './load-config.js';

const masterKey = Buffer.alloc(32, 7).toString('base64');
const decryptOnlyKey = Buffer.alloc(32, 3).toString('base64');

function problemsOf(env: Record<string, string | undefined>, overrides = {}): Record<string, string> {
  try {
    loadConfig(env, overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return Object.fromEntries((error as ConfigError).problems.map((p) => [p.variable, p.problem]));
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has private, documented defaults', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dataDir: resolve('data'),
      databaseUrl: undefined,
      masterKey: undefined,
      masterKeysDecryptOnly: [],
      modelDir: undefined,
      calibrationPath: undefined,
      engineWorkers: availableParallelism(),
      engineMaxQueue: availableParallelism() * 16,
      engineRequestsPerWorker: 1,
      engineTimeoutMs: 30_000,
      passiveLiveness: 'network',
      bodyLimitBytes: 30 * 1024 * 1024,
      logLevel: 'info',
      trustProxy: false,
      keyRatePerSecond: 20,
      sandboxRatePerSecond: 2,
      keyConcurrency: 8,
      subjectPerMinute: 5,
      subjectPerDay: 50,
      resultRetentionMaxSeconds: 30 * 86_400,
      keyRotationGraceSeconds: 86_400,
      sessionTtlSeconds: 43_200,
      sweepIntervalSeconds: 60,
      reservationTimeoutSeconds: 900,
      idempotencyLockSeconds: 120,
      shutdownGraceMs: 10_000,
      drainDelayMs: 0,
      metrics: 'loopback',
      metricsToken: undefined,
      secureCookies: false,
      publicUrl: 'http://127.0.0.1:8080',
      operatorName: 'Visage',
      smtpUrl: undefined,
      mailFrom: 'Visage <no-reply@localhost>',
      mailRetentionDays: 90,
      registrationsPerIpPerHour: 10,
      webhookAllowedCidrs: [],
      webhookIntervalSeconds: 5,
      webhookLeaseSeconds: 60,
      webhookFirstRetrySeconds: 30,
      webhookSecretGraceSeconds: 86_400,
      webhookRetentionDays: 30,
      identitySourceUrl: undefined,
      identitySourceToken: undefined,
      identitySourceTimeoutMs: 5000,
      registryRefusalsPerKeyPerDay: 100,
      faceIdSignMaxSeconds: 2_592_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      VISAGE_DATA_DIR: '/var/lib/visage',
      DATABASE_URL: 'postgres://visage:pw@db:5432/visage',
      VISAGE_MASTER_KEY: masterKey,
      VISAGE_MASTER_KEYS_DECRYPT_ONLY: decryptOnlyKey,
      VISAGE_MODEL_DIR: '/opt/models',
      VISAGE_CALIBRATION: '/opt/calibration.json',
      VISAGE_ENGINE_WORKERS: '3',
      VISAGE_ENGINE_MAX_QUEUE: '100',
      VISAGE_ENGINE_REQUESTS_PER_WORKER: '3',
      VISAGE_ENGINE_TIMEOUT_MS: '5000',
      VISAGE_PASSIVE_LIVENESS: 'fused',
      VISAGE_BODY_LIMIT_BYTES: '1048576',
      VISAGE_LOG_LEVEL: 'debug',
      VISAGE_TRUST_PROXY: '10.0.0.0/8, 192.168.0.1',
      VISAGE_KEY_RATE_PER_SECOND: '100',
      VISAGE_SANDBOX_RATE_PER_SECOND: '5',
      VISAGE_KEY_CONCURRENCY: '16',
      VISAGE_SUBJECT_PER_MINUTE: '3',
      VISAGE_SUBJECT_PER_DAY: '30',
      VISAGE_RESULT_RETENTION_MAX_SECONDS: '3600',
      VISAGE_KEY_ROTATION_GRACE_SECONDS: '0',
      VISAGE_SESSION_TTL_SECONDS: '600',
      VISAGE_SWEEP_INTERVAL_SECONDS: '5',
      VISAGE_IDEMPOTENCY_LOCK_SECONDS: '90',
      VISAGE_SHUTDOWN_GRACE_MS: '0',
      VISAGE_DRAIN_DELAY_MS: '5000',
      VISAGE_METRICS: 'token',
      VISAGE_METRICS_TOKEN: 'a-long-enough-metrics-token',
      VISAGE_SECURE_COOKIES: 'true',
      VISAGE_PUBLIC_URL: 'https://visage.example.com/',
      VISAGE_OPERATOR_NAME: ' Example Cloud Ltd ',
      VISAGE_SMTP_URL: 'smtps://mailer:pw@smtp.example.com:465',
      VISAGE_MAIL_FROM: 'Visage <no-reply@visage.example.com>',
      VISAGE_MAIL_RETENTION_DAYS: '30',
      VISAGE_REGISTRATIONS_PER_IP_PER_HOUR: '3',
      VISAGE_WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32, ::1',
      VISAGE_WEBHOOK_INTERVAL_SECONDS: '2',
      VISAGE_WEBHOOK_LEASE_SECONDS: '30',
      VISAGE_WEBHOOK_FIRST_RETRY_SECONDS: '1',
      VISAGE_WEBHOOK_SECRET_GRACE_SECONDS: '600',
      VISAGE_WEBHOOK_RETENTION_DAYS: '7',
      VISAGE_IDENTITY_SOURCE_URL: 'http://10.1.2.3:8000/identities/lookup',
      VISAGE_IDENTITY_SOURCE_TOKEN: 'a-long-enough-bearer-token',
      VISAGE_IDENTITY_SOURCE_TIMEOUT_MS: '2000',
      VISAGE_REGISTRY_REFUSALS_PER_KEY_PER_DAY: '20',
      VISAGE_FACEID_SIGN_MAX_SECONDS: '86400',
    });
    expect(config).toEqual({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/var/lib/visage',
      databaseUrl: 'postgres://visage:pw@db:5432/visage',
      masterKey,
      masterKeysDecryptOnly: [decryptOnlyKey],
      modelDir: '/opt/models',
      calibrationPath: '/opt/calibration.json',
      engineWorkers: 3,
      engineMaxQueue: 100,
      engineRequestsPerWorker: 3,
      engineTimeoutMs: 5000,
      passiveLiveness: 'fused',
      bodyLimitBytes: 1_048_576,
      logLevel: 'debug',
      trustProxy: ['10.0.0.0/8', '192.168.0.1'],
      keyRatePerSecond: 100,
      sandboxRatePerSecond: 5,
      keyConcurrency: 16,
      subjectPerMinute: 3,
      subjectPerDay: 30,
      resultRetentionMaxSeconds: 3600,
      keyRotationGraceSeconds: 0,
      sessionTtlSeconds: 600,
      sweepIntervalSeconds: 5,
      reservationTimeoutSeconds: 900,
      idempotencyLockSeconds: 90,
      shutdownGraceMs: 0,
      drainDelayMs: 5000,
      metrics: 'token',
      metricsToken: 'a-long-enough-metrics-token',
      secureCookies: true,
      publicUrl: 'https://visage.example.com',
      operatorName: 'Example Cloud Ltd',
      smtpUrl: 'smtps://mailer:pw@smtp.example.com:465',
      mailFrom: 'Visage <no-reply@visage.example.com>',
      mailRetentionDays: 30,
      registrationsPerIpPerHour: 3,
      webhookAllowedCidrs: ['127.0.0.1/32', '::1'],
      webhookIntervalSeconds: 2,
      webhookLeaseSeconds: 30,
      webhookFirstRetrySeconds: 1,
      webhookSecretGraceSeconds: 600,
      webhookRetentionDays: 7,
      identitySourceUrl: 'http://10.1.2.3:8000/identities/lookup',
      identitySourceToken: 'a-long-enough-bearer-token',
      identitySourceTimeoutMs: 2000,
      registryRefusalsPerKeyPerDay: 20,
      faceIdSignMaxSeconds: 86_400,
    });
    expect(Object.isFrozen(config.trustProxy)).toBe(true);
  });

  it('checks the mail settings, never echoes the SMTP URL, and redacts its password', () => {
    expect(loadConfig({ PORT: '9001' }).publicUrl).toBe('http://127.0.0.1:9001');
    expect(loadConfig({ VISAGE_PUBLIC_URL: 'https://example.com/visage//' }).publicUrl).toBe(
      'https://example.com/visage',
    );
    expect(problemsOf({ VISAGE_PUBLIC_URL: 'ftp://example.com', VISAGE_SMTP_URL: 'http://user:pw@x' })).toEqual({
      VISAGE_PUBLIC_URL: 'must be an http:// or https:// URL without query or fragment (got "ftp://example.com")',
      VISAGE_SMTP_URL: 'must be an smtp:// or smtps:// URL, e.g. smtps://user:password@smtp.example.com:465',
    });
    expect(problemsOf({ VISAGE_MAIL_FROM: 'nobody' })).toEqual({
      VISAGE_MAIL_FROM: 'must be an address, optionally with a name (got "nobody")',
    });
    const config = loadConfig({ VISAGE_SMTP_URL: 'smtp://mailer:hunter2@smtp.example.com:587' });
    expect(redactedConfig(config).smtpUrl).toBe('smtp://mailer:***@smtp.example.com:587');
  });

  it('checks the metrics settings, requires the token in token mode, and never echoes it', () => {
    expect(loadConfig({ VISAGE_METRICS: 'off' }).metrics).toBe('off');
    expect(problemsOf({ VISAGE_METRICS: 'public' })).toEqual({
      VISAGE_METRICS: 'must be one of off, loopback, token (got "public")',
    });
    expect(problemsOf({ VISAGE_METRICS: 'token' })).toEqual({
      VISAGE_METRICS_TOKEN: expect.stringMatching(/^required when VISAGE_METRICS is token/),
    });
    const problems = problemsOf({ VISAGE_METRICS: 'token', VISAGE_METRICS_TOKEN: 'short-s3cret' });
    expect(problems).toEqual({ VISAGE_METRICS_TOKEN: 'must be at least 16 characters' });
    const config = loadConfig({ VISAGE_METRICS: 'token', VISAGE_METRICS_TOKEN: 'a-long-enough-metrics-token' });
    expect(redactedConfig(config).metricsToken).toBe('[redacted]');
    expect(JSON.stringify(redactedConfig(config))).not.toContain('a-long-enough-metrics-token');
  });

  it('derives the queue bound from the number of workers', () => {
    expect(loadConfig({ VISAGE_ENGINE_WORKERS: '2' }).engineMaxQueue).toBe(32);
  });

  it('resolves directories against the working directory', () => {
    expect(loadConfig({ VISAGE_DATA_DIR: 'var/x' }).dataDir).toBe(resolve('var/x'));
  });

  it('lets command-line flags win over the environment', () => {
    const config = loadConfig({ PORT: '9000', VISAGE_DATA_DIR: '/env' }, { port: 7000, dataDir: 'flag-dir' });
    expect(config.port).toBe(7000);
    expect(config.dataDir).toBe(resolve('flag-dir'));
    expect(problemsOf({}, { port: 70_000 })).toEqual({
      '--port (command line)': 'must be a whole number from 0 to 65535 (got "70000")',
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '', VISAGE_LOG_LEVEL: '' })).toMatchObject({
      port: 8080,
      databaseUrl: undefined,
      logLevel: 'info',
    });
  });

  it('reads booleans as true, false, 1 or 0', () => {
    expect(loadConfig({ VISAGE_SECURE_COOKIES: '1' }).secureCookies).toBe(true);
    expect(loadConfig({ VISAGE_SECURE_COOKIES: '0' }).secureCookies).toBe(false);
    expect(loadConfig({ VISAGE_SECURE_COOKIES: 'false' }).secureCookies).toBe(false);
    expect(problemsOf({ VISAGE_SECURE_COOKIES: 'yes' })).toEqual({
      VISAGE_SECURE_COOKIES: 'must be true, false, 1 or 0 (got "yes")',
    });
  });

  it('reads VISAGE_TRUST_PROXY as a boolean or a list of proxies, never a hop count', () => {
    const trust = (value: string) => loadConfig({ VISAGE_TRUST_PROXY: value }).trustProxy;
    expect(trust('true')).toBe(true);
    expect(trust('false')).toBe(false);
    expect(trust('0')).toBe(false);
    // A hop count would trust whoever connects: a client reaching the port could forge X-Forwarded-For.
    expect(problemsOf({ VISAGE_TRUST_PROXY: '1' })['VISAGE_TRUST_PROXY']).toMatch(/not an address or CIDR: 1/);
    expect(trust('loopback,::1, 2001:db8::/32')).toEqual(['loopback', '::1', '2001:db8::/32']);
    expect(problemsOf({ VISAGE_TRUST_PROXY: '10.0.0.0/8,proxy.local' })['VISAGE_TRUST_PROXY']).toMatch(
      /not an address or CIDR: proxy\.local/,
    );
    expect(problemsOf({ VISAGE_TRUST_PROXY: ',' })['VISAGE_TRUST_PROXY']).toMatch(/must be true, false/);
  });

  it('accepts PostgreSQL URLs only', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/visage', VISAGE_MASTER_KEY: masterKey }).databaseUrl).toBe(
      'postgresql://db/visage',
    );
    for (const url of ['mysql://db/visage', 'sqlite:./data/visage.sqlite', 'db:5432', 'postgres://']) {
      expect(problemsOf({ DATABASE_URL: url, VISAGE_MASTER_KEY: masterKey }), url).toEqual({
        DATABASE_URL:
          'must be a postgres:// (or postgresql://) URL; leave it unset to use SQLite under VISAGE_DATA_DIR',
      });
    }
  });

  it('requires the master key with PostgreSQL', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://db/visage' })).toEqual({
      VISAGE_MASTER_KEY: expect.stringMatching(/^required when DATABASE_URL is set/),
    });
  });

  it('takes REDIS_URL (not VISAGE_-prefixed) with PostgreSQL only, checks it, and never shows its password', () => {
    const postgres = { DATABASE_URL: 'postgres://db/visage', VISAGE_MASTER_KEY: masterKey };
    const config = loadConfig({ ...postgres, REDIS_URL: 'redis://:hunter2@cache:6379/2' });
    expect(config.redisUrl).toBe('redis://:hunter2@cache:6379/2');
    expect(redactedConfig(config).redisUrl).toBe('redis://:***@cache:6379/2');
    expect(loadConfig(postgres).redisUrl).toBeUndefined();
    expect(problemsOf({ ...postgres, REDIS_URL: 'http://:hunter2@cache:6379' })).toEqual({
      REDIS_URL: 'must be a redis:// (or rediss://) URL',
    });
    expect(problemsOf({ REDIS_URL: 'redis://cache:6379' })).toEqual({
      REDIS_URL: expect.stringMatching(/^only used with DATABASE_URL/),
    });
  });

  it('reads VISAGE_MASTER_KEYS_DECRYPT_ONLY as a comma-separated list of keys, and never echoes one', () => {
    const other = Buffer.alloc(32, 8).toString('base64');
    expect(
      loadConfig({ VISAGE_MASTER_KEY: masterKey, VISAGE_MASTER_KEYS_DECRYPT_ONLY: ` ${other} , ,${masterKey}` })
        .masterKeysDecryptOnly,
    ).toEqual([other, masterKey]);
    expect(loadConfig({ VISAGE_MASTER_KEYS_DECRYPT_ONLY: '' }).masterKeysDecryptOnly).toEqual([]);
    const secretish = 'correct-horse-battery-staple-secret';
    let message = '';
    try {
      loadConfig({ VISAGE_MASTER_KEY: masterKey, VISAGE_MASTER_KEYS_DECRYPT_ONLY: `${other},${secretish}` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/VISAGE_MASTER_KEYS_DECRYPT_ONLY: entry 2 is not the base64 of exactly 32 random bytes/);
    expect(message).not.toContain(secretish);
    expect(message).not.toContain(other);
    const redacted = redactedConfig(loadConfig({ VISAGE_MASTER_KEYS_DECRYPT_ONLY: other }));
    expect(redacted.masterKeysDecryptOnly).toEqual(['[redacted]']);
    expect(JSON.stringify(redacted)).not.toContain(other);
  });

  it('accepts only base64 of exactly 32 bytes as the master key, and never echoes it', () => {
    expect(loadConfig({ VISAGE_MASTER_KEY: Buffer.alloc(32, 9).toString('base64url') }).masterKey).toBeDefined();
    const bad = [
      Buffer.alloc(31, 1).toString('base64'),
      Buffer.alloc(33, 1).toString('base64'),
      'correct-horse-battery-staple-secret',
      `${masterKey}${masterKey}`,
      masterKey.replace(/.=$/, 'B='), // non-canonical last character
    ];
    for (const key of bad) {
      let message = '';
      try {
        loadConfig({ VISAGE_MASTER_KEY: key });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, key).toMatch(/VISAGE_MASTER_KEY: must be the base64 of exactly 32 random bytes/);
      expect(message).not.toContain(key.slice(0, 10));
    }
  });

  it('never echoes the database URL, which may hold a password', () => {
    let message = '';
    try {
      loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/visage' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/DATABASE_URL: must be a postgres/);
    expect(message).not.toContain('hunter2');
  });

  it('lists every bad variable at once, with the reason', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      HOST: 'not a host!',
      VISAGE_ENGINE_WORKERS: '0',
      VISAGE_ENGINE_TIMEOUT_MS: '1.5',
      VISAGE_LOG_LEVEL: 'verbose',
      VISAGE_SESSION_TTL_SECONDS: '-1',
      VISAGE_BODY_LIMIT_BYTES: '99999999999999999999',
    });
    expect(problems).toEqual({
      PORT: 'must be a whole number from 0 to 65535 (got "eighty")',
      HOST: 'must be an IP address or a host name (got "not a host!")',
      VISAGE_ENGINE_WORKERS: 'must be a whole number from 1 to 256 (got "0")',
      VISAGE_ENGINE_TIMEOUT_MS: 'must be a whole number from 100 to 600000 (got "1.5")',
      VISAGE_LOG_LEVEL: 'must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")',
      VISAGE_SESSION_TTL_SECONDS: 'must be a whole number from 60 to 2592000 (got "-1")',
      VISAGE_BODY_LIMIT_BYTES: 'must be a whole number from 1024 to 1073741824 (got "99999999999999999999")',
    });
    expect(() => loadConfig({ PORT: 'eighty', VISAGE_LOG_LEVEL: 'verbose' })).toThrow(
      /invalid configuration \(docs\/config\.md\):\n {2}PORT: .*\n {2}VISAGE_LOG_LEVEL: /,
    );
  });

  it('refuses unknown VISAGE_ variables, suggesting the likely intended one', () => {
    expect(problemsOf({ VISAGE_ENGINE_WORKER: '2', VISAGE_SOMETHING_ELSE: 'x', OTHER_THING: 'ignored' })).toEqual({
      VISAGE_ENGINE_WORKER: 'unknown variable (did you mean VISAGE_ENGINE_WORKERS?)',
      VISAGE_SOMETHING_ELSE: 'unknown variable',
    });
    // Variables of the CLI and the tests are known.
    expect(() => loadConfig({ VISAGE_DEBUG: '1', VISAGE_TEST_POSTGRES_URL: 'postgres://x/y' })).not.toThrow();
  });
});

describe('redactedConfig', () => {
  it('hides the master key and the database password, and nothing else', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://visage:s3cret@db:5432/visage?sslmode=require',
      VISAGE_MASTER_KEY: masterKey,
    });
    const redacted = redactedConfig(config);
    expect(redacted.masterKey).toBe('[redacted]');
    expect(redacted.databaseUrl).toBe('postgres://visage:***@db:5432/visage?sslmode=require');
    expect({ ...redacted, masterKey: config.masterKey, databaseUrl: config.databaseUrl }).toEqual(config);
    expect(JSON.stringify(redacted)).not.toContain('s3cret');
    expect(JSON.stringify(redacted)).not.toContain(masterKey);
  });

  it('hides a password given as a query parameter', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://db/visage?user=visage&password=s3cret',
      VISAGE_MASTER_KEY: masterKey,
    });
    expect(redactedConfig(config).databaseUrl).toBe('postgres://db/visage?user=visage&password=***');
  });

  it('leaves unset secrets unset', () => {
    expect(redactedConfig(loadConfig({}))).toMatchObject({ masterKey: undefined, databaseUrl: undefined });
  });
});

describe('configSchema', () => {
  it('describes every variable', () => {
    for (const name of configVariables) {
      expect(configSchema.shape[name].description, name).toMatch(/\.$/);
    }
  });
});
