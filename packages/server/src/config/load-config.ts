import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import {
  configSchema,
  configVariables,
  isSecretVariable,
  type LogLevel,
  type MetricsAccess,
  otherVisageVariables,
  type ConfigVariable,
  type TrustProxy,
} from './config.schema.js';

/** The server's settings, parsed once at start from the environment (docs/config.md) and frozen. */
export interface Config {
  /** PORT */
  readonly port: number;
  /** HOST */
  readonly host: string;
  /** VISAGE_DATA_DIR, absolute. */
  readonly dataDir: string;
  /** DATABASE_URL (postgres://…); undefined means SQLite under `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** REDIS_URL (redis://…): shared limits in Redis; undefined means PostgreSQL (or memory, on SQLite). */
  readonly redisUrl: string | undefined;
  /** VISAGE_MASTER_KEY as given (base64 of 32 bytes, already checked); read it with `loadMasterKey`. */
  readonly masterKey: string | undefined;
  /** VISAGE_MASTER_KEYS_DECRYPT_ONLY as given (each base64 of 32 bytes, already checked): keys that only open. */
  readonly masterKeysDecryptOnly: readonly string[];
  /** VISAGE_MODEL_DIR; undefined means the engine's default. */
  readonly modelDir: string | undefined;
  /** VISAGE_CALIBRATION; undefined means the engine's shipped calibration. */
  readonly calibrationPath: string | undefined;
  /** VISAGE_ENGINE_WORKERS (default: the number of cores). */
  readonly engineWorkers: number;
  /** VISAGE_ENGINE_MAX_QUEUE (default: 16 per worker). */
  readonly engineMaxQueue: number;
  /** VISAGE_ENGINE_REQUESTS_PER_WORKER: engine requests in progress per worker before `service.overloaded`. */
  readonly engineRequestsPerWorker: number;
  readonly engineTimeoutMs: number;
  /** VISAGE_PASSIVE_LIVENESS: which passive anti-spoofing signal capture sessions hold frames against. */
  readonly passiveLiveness: 'network' | 'fused';
  readonly bodyLimitBytes: number;
  readonly logLevel: LogLevel;
  /** Fastify's `trustProxy`: false, true, a hop count or proxy addresses/CIDRs. */
  readonly trustProxy: TrustProxy;
  readonly keyRatePerSecond: number;
  readonly sandboxRatePerSecond: number;
  readonly keyConcurrency: number;
  readonly subjectPerMinute: number;
  readonly subjectPerDay: number;
  readonly resultRetentionMaxSeconds: number;
  readonly keyRotationGraceSeconds: number;
  readonly sessionTtlSeconds: number;
  readonly sweepIntervalSeconds: number;
  /** VISAGE_RESERVATION_TIMEOUT_SECONDS: the sweeper voids holds older than this (their call was interrupted). */
  readonly reservationTimeoutSeconds: number;
  /** VISAGE_IDEMPOTENCY_LOCK_SECONDS: how long a running call holds its Idempotency-Key. */
  readonly idempotencyLockSeconds: number;
  readonly shutdownGraceMs: number;
  /** VISAGE_DRAIN_DELAY_MS: after SIGTERM, serve this long with /readyz at 503 before closing the listener. */
  readonly drainDelayMs: number;
  /** VISAGE_METRICS: who may read /metrics. */
  readonly metrics: MetricsAccess;
  /** VISAGE_METRICS_TOKEN (secret): the bearer token of `metrics: 'token'`. */
  readonly metricsToken: string | undefined;
  readonly secureCookies: boolean;
  /** VISAGE_PUBLIC_URL without a trailing slash (default http://127.0.0.1:<port>): links in mails start with it. */
  readonly publicUrl: string;
  /** VISAGE_OPERATOR_NAME: named in the capture page's consent text. */
  readonly operatorName: string;
  /** VISAGE_SMTP_URL; undefined means mails only go to the outbox. */
  readonly smtpUrl: string | undefined;
  /** VISAGE_MAIL_FROM */
  readonly mailFrom: string;
  /** VISAGE_MAIL_RETENTION_DAYS: the sweeper deletes outbox mails older than this. */
  readonly mailRetentionDays: number;
  /** VISAGE_REGISTRATIONS_PER_IP_PER_HOUR */
  readonly registrationsPerIpPerHour: number;
  /** VISAGE_WEBHOOK_ALLOWED_CIDRS: internal ranges webhook URLs may resolve to. */
  readonly webhookAllowedCidrs: readonly string[];
  readonly webhookIntervalSeconds: number;
  readonly webhookLeaseSeconds: number;
  readonly webhookFirstRetrySeconds: number;
  readonly webhookSecretGraceSeconds: number;
  /** VISAGE_WEBHOOK_RETENTION_DAYS: the sweeper deletes settled webhook events older than this. */
  readonly webhookRetentionDays: number;
  /** VISAGE_IDENTITY_SOURCE_URL; undefined means the built-in identity registry (docs/identity-sources.md). */
  readonly identitySourceUrl: string | undefined;
  /** VISAGE_IDENTITY_SOURCE_TOKEN (secret): the bearer token for the identity source. */
  readonly identitySourceToken: string | undefined;
  readonly identitySourceTimeoutMs: number;
  /** VISAGE_REGISTRY_REFUSALS_PER_KEY_PER_DAY: a live key's daily cap of refused registry comparisons. */
  readonly registryRefusalsPerKeyPerDay: number;
  /** VISAGE_FACEID_SIGN_MAX_SECONDS: the longest `expire_time - current_time` of a reusable FaceID sign. */
  readonly faceIdSignMaxSeconds: number;
}

/** Command-line flags, which win over the environment. */
export interface ConfigOverrides {
  readonly port?: number | undefined;
  readonly dataDir?: string | undefined;
}

export interface ConfigProblem {
  /** The environment variable (or command-line flag) at fault. */
  readonly variable: string;
  readonly problem: string;
}

/** Thrown by `loadConfig`; the message lists every bad variable and why, and never a secret's value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `invalid configuration (docs/config.md):\n${problems.map((p) => `  ${p.variable}: ${p.problem}`).join('\n')}`,
    );
  }
}

const overrideFlags: Partial<Record<ConfigVariable, string>> = { PORT: '--port', VISAGE_DATA_DIR: '--data' };

/**
 * Parses the environment once. Precedence: command-line flag > environment > default; an empty variable counts as
 * unset. Unknown VISAGE_* variables are refused (they are usually typos). Throws a ConfigError naming every problem.
 */
export function loadConfig(env: Record<string, string | undefined>, overrides: ConfigOverrides = {}): Config {
  const input: Partial<Record<ConfigVariable, string>> = {};
  const fromFlag = new Set<ConfigVariable>();
  for (const name of configVariables) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }
  if (overrides.port !== undefined) {
    input.PORT = String(overrides.port);
    fromFlag.add('PORT');
  }
  if (overrides.dataDir !== undefined && overrides.dataDir !== '') {
    input.VISAGE_DATA_DIR = overrides.dataDir;
    fromFlag.add('VISAGE_DATA_DIR');
  }

  const problems: ConfigProblem[] = [];
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path[0] as ConfigVariable;
      const value = input[name];
      const shown = isSecretVariable(name) || value === undefined ? '' : ` (got ${JSON.stringify(clip(value))})`;
      const variable = fromFlag.has(name) ? `${overrideFlags[name] ?? name} (command line)` : name;
      if (!problems.some((p) => p.variable === variable)) problems.push({ variable, problem: issue.message + shown });
    }
  }
  if (input.DATABASE_URL !== undefined && input.VISAGE_MASTER_KEY === undefined) {
    problems.push({
      variable: 'VISAGE_MASTER_KEY',
      problem:
        'required when DATABASE_URL is set: every server process must share one key (make one with `openssl rand -base64 32`)',
    });
  }
  if (input.VISAGE_METRICS === 'token' && input.VISAGE_METRICS_TOKEN === undefined) {
    problems.push({
      variable: 'VISAGE_METRICS_TOKEN',
      problem: 'required when VISAGE_METRICS is token (make one with `openssl rand -base64 32`)',
    });
  }
  if (input.REDIS_URL !== undefined && input.DATABASE_URL === undefined) {
    problems.push({
      variable: 'REDIS_URL',
      problem: 'only used with DATABASE_URL: SQLite serves one process, which keeps its limits in memory',
    });
  }
  const known = new Set<string>([...configVariables, ...Object.keys(otherVisageVariables)]);
  for (const name of Object.keys(env)
    .filter((n) => n.startsWith('VISAGE_') && !known.has(n))
    .sort()) {
    const guess = closest(name, configVariables);
    problems.push({ variable: name, problem: `unknown variable${guess ? ` (did you mean ${guess}?)` : ''}` });
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);

  const v = parsed.data;
  const engineWorkers = v.VISAGE_ENGINE_WORKERS ?? availableParallelism();
  const trustProxy = Array.isArray(v.VISAGE_TRUST_PROXY)
    ? Object.freeze([...v.VISAGE_TRUST_PROXY])
    : v.VISAGE_TRUST_PROXY;
  return Object.freeze({
    port: v.PORT,
    host: v.HOST,
    dataDir: resolve(v.VISAGE_DATA_DIR),
    databaseUrl: v.DATABASE_URL,
    redisUrl: v.REDIS_URL,
    masterKey: v.VISAGE_MASTER_KEY?.trim(),
    masterKeysDecryptOnly: Object.freeze([...v.VISAGE_MASTER_KEYS_DECRYPT_ONLY]),
    modelDir: v.VISAGE_MODEL_DIR === undefined ? undefined : resolve(v.VISAGE_MODEL_DIR),
    calibrationPath: v.VISAGE_CALIBRATION === undefined ? undefined : resolve(v.VISAGE_CALIBRATION),
    engineWorkers,
    engineMaxQueue: v.VISAGE_ENGINE_MAX_QUEUE ?? engineWorkers * 16,
    engineRequestsPerWorker: v.VISAGE_ENGINE_REQUESTS_PER_WORKER,
    engineTimeoutMs: v.VISAGE_ENGINE_TIMEOUT_MS,
    passiveLiveness: v.VISAGE_PASSIVE_LIVENESS,
    bodyLimitBytes: v.VISAGE_BODY_LIMIT_BYTES,
    logLevel: v.VISAGE_LOG_LEVEL,
    trustProxy,
    keyRatePerSecond: v.VISAGE_KEY_RATE_PER_SECOND,
    sandboxRatePerSecond: v.VISAGE_SANDBOX_RATE_PER_SECOND,
    keyConcurrency: v.VISAGE_KEY_CONCURRENCY,
    subjectPerMinute: v.VISAGE_SUBJECT_PER_MINUTE,
    subjectPerDay: v.VISAGE_SUBJECT_PER_DAY,
    resultRetentionMaxSeconds: v.VISAGE_RESULT_RETENTION_MAX_SECONDS,
    keyRotationGraceSeconds: v.VISAGE_KEY_ROTATION_GRACE_SECONDS,
    sessionTtlSeconds: v.VISAGE_SESSION_TTL_SECONDS,
    sweepIntervalSeconds: v.VISAGE_SWEEP_INTERVAL_SECONDS,
    reservationTimeoutSeconds: v.VISAGE_RESERVATION_TIMEOUT_SECONDS,
    // A call's two engine jobs are bounded by the engine timeout each; the margin covers the queue and the database.
    idempotencyLockSeconds: v.VISAGE_IDEMPOTENCY_LOCK_SECONDS ?? 2 * Math.ceil(v.VISAGE_ENGINE_TIMEOUT_MS / 1000) + 60,
    shutdownGraceMs: v.VISAGE_SHUTDOWN_GRACE_MS,
    drainDelayMs: v.VISAGE_DRAIN_DELAY_MS,
    metrics: v.VISAGE_METRICS,
    metricsToken: v.VISAGE_METRICS_TOKEN,
    secureCookies: v.VISAGE_SECURE_COOKIES,
    publicUrl: (v.VISAGE_PUBLIC_URL ?? `http://127.0.0.1:${v.PORT}`).replace(/\/+$/, ''),
    operatorName: v.VISAGE_OPERATOR_NAME,
    smtpUrl: v.VISAGE_SMTP_URL,
    mailFrom: v.VISAGE_MAIL_FROM,
    mailRetentionDays: v.VISAGE_MAIL_RETENTION_DAYS,
    registrationsPerIpPerHour: v.VISAGE_REGISTRATIONS_PER_IP_PER_HOUR,
    webhookAllowedCidrs: Object.freeze([...v.VISAGE_WEBHOOK_ALLOWED_CIDRS]),
    webhookIntervalSeconds: v.VISAGE_WEBHOOK_INTERVAL_SECONDS,
    webhookLeaseSeconds: v.VISAGE_WEBHOOK_LEASE_SECONDS,
    webhookFirstRetrySeconds: v.VISAGE_WEBHOOK_FIRST_RETRY_SECONDS,
    webhookSecretGraceSeconds: v.VISAGE_WEBHOOK_SECRET_GRACE_SECONDS,
    webhookRetentionDays: v.VISAGE_WEBHOOK_RETENTION_DAYS,
    identitySourceUrl: v.VISAGE_IDENTITY_SOURCE_URL,
    identitySourceToken: v.VISAGE_IDENTITY_SOURCE_TOKEN,
    identitySourceTimeoutMs: v.VISAGE_IDENTITY_SOURCE_TIMEOUT_MS,
    registryRefusalsPerKeyPerDay: v.VISAGE_REGISTRY_REFUSALS_PER_KEY_PER_DAY,
    faceIdSignMaxSeconds: v.VISAGE_FACEID_SIGN_MAX_SECONDS,
  } satisfies Config);
}

/** The config as it may be logged: the master key and database password replaced. */
export function redactedConfig(config: Config): Config {
  return Object.freeze({
    ...config,
    masterKey: config.masterKey === undefined ? undefined : '[redacted]',
    masterKeysDecryptOnly: Object.freeze(config.masterKeysDecryptOnly.map(() => '[redacted]')),
    databaseUrl: config.databaseUrl === undefined ? undefined : redactUrl(config.databaseUrl),
    redisUrl: config.redisUrl === undefined ? undefined : redactUrl(config.redisUrl),
    smtpUrl: config.smtpUrl === undefined ? undefined : redactUrl(config.smtpUrl),
    identitySourceUrl: config.identitySourceUrl === undefined ? undefined : redactUrl(config.identitySourceUrl),
    identitySourceToken: config.identitySourceToken === undefined ? undefined : '[redacted]',
    metricsToken: config.metricsToken === undefined ? undefined : '[redacted]',
  });
}

function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return '***';
  }
  if (url.password) url.password = '***';
  // libpq also takes the password as a query parameter.
  for (const name of [...url.searchParams.keys()]) {
    if (/pass/i.test(name)) url.searchParams.set(name, '***');
  }
  return url.toString().replace(/%2A%2A%2A/g, '***');
}

const clip = (text: string): string => (text.length > 80 ? `${text.slice(0, 77)}...` : text);

/** The known name within edit distance 3 of `name`, to suggest for a typo. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance <= 3 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
