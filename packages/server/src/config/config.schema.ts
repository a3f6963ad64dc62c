import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { isValidAllowlistEntry } from '../adapters/ip-allowlist.js';

/**
 * Every environment variable the server reads, with its default and a description: the one place they are
 * declared. `loadConfig` parses them once into a frozen `Config`; docs/config.md is rendered from this schema
 * (`npm run docs`). Values are the raw strings of the environment; an empty string counts as unset.
 *
 * Metadata beside `.describe()`: `defaultText` documents a default that is computed at start (it depends on the
 * machine or on another variable), `secret` keeps a value out of error messages and logs.
 */

const wholeNumber = (min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d{1,16}$/, { error })
    .transform(Number)
    .pipe(z.number().min(min, { error }).max(max, { error }));
};

const boolean = () =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'must be true, false, 1 or 0' })
    .transform((value) => value === 'true' || value === '1');

const HOUR = 3600;
const DAY = 24 * HOUR;
const MiB = 1024 * 1024;

function isHostname(text: string): boolean {
  return /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(text);
}

function isPostgresUrl(text: string): boolean {
  if (!/^postgres(ql)?:\/\//.test(text)) return false;
  try {
    return new URL(text).hostname !== '' || new URL(text).searchParams.has('host');
  } catch {
    return false;
  }
}

function isRedisUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}

function isSmtpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** proxy-addr's names for address ranges, accepted in VISAGE_TRUST_PROXY beside addresses and CIDRs. */
const proxyRangeNames = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * `false`, `true` (trust every proxy), or a list of proxy addresses/CIDRs. No hop counts: a count trusts whatever
 * connects, so a client reaching the port directly could name any address in X-Forwarded-For.
 */
export type TrustProxy = boolean | readonly string[];

const trustProxy = z.string().transform((text, ctx): TrustProxy => {
  const value = text.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false' || value === '0') return false;
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const bad = entries.filter((entry) => !isValidAllowlistEntry(entry) && !proxyRangeNames.includes(entry));
  if (entries.length === 0 || bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message:
        'must be true, false, or a comma-separated list of proxy addresses or CIDRs (hop counts are not accepted)' +
        (bad.length > 0 ? `; not an address or CIDR: ${bad.join(', ')}` : ''),
    });
    return z.NEVER;
  }
  return entries;
});

/** A comma-separated list of addresses and CIDRs (may be empty). */
const cidrList = z.string().transform((text, ctx): readonly string[] => {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const bad = entries.filter((entry) => !isValidAllowlistEntry(entry));
  if (bad.length > 0) {
    ctx.addIssue({ code: 'custom', message: `not an address or CIDR: ${bad.join(', ')}` });
    return z.NEVER;
  }
  return entries;
});

/** Master keys, comma-separated; each the base64 of 32 bytes (`decodeMasterKey`). Kept as given, trimmed. */
const masterKeyList = z.string().transform((text, ctx): readonly string[] => {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const bad = entries.map((entry, index) => index + 1).filter((n) => decodeMasterKey(entries[n - 1]!) === undefined);
  if (bad.length > 0) {
    // Name the entries by position only: a key is a secret, even a malformed one.
    ctx.addIssue({
      code: 'custom',
      message: `entry ${bad.join(', ')} is not the base64 of exactly 32 random bytes (make one with \`openssl rand -base64 32\`)`,
    });
    return z.NEVER;
  }
  return entries;
});

/** Who may read /metrics (VISAGE_METRICS). */
export const metricsAccessModes = ['off', 'loopback', 'token'] as const;
export type MetricsAccess = (typeof metricsAccessModes)[number];

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export const configSchema = z.object({
  PORT: wholeNumber(0, 65_535)
    .prefault('8080')
    .describe('TCP port the HTTP server listens on; 0 picks a free port. A command-line `--port` overrides it.'),
  HOST: z
    .string()
    .refine((host) => isHostname(host) || ipaddr.isValid(host), { error: 'must be an IP address or a host name' })
    .prefault('127.0.0.1')
    .describe(
      'Address the HTTP server binds to. The default serves this machine only; set `0.0.0.0` (or `::`) to accept ' +
        'connections from the network, normally behind a TLS-terminating proxy.',
    ),
  VISAGE_DATA_DIR: z
    .string()
    .prefault('./data')
    .describe(
      'Directory of the embedded SQLite database, the generated master key (`master.key`) and stored images; ' +
        'resolved against the working directory. A command-line `--data` overrides it.',
    ),
  DATABASE_URL: z
    .string()
    .refine(isPostgresUrl, {
      error: 'must be a postgres:// (or postgresql://) URL; leave it unset to use SQLite under VISAGE_DATA_DIR',
    })
    .optional()
    .meta({ secret: true, defaultText: 'unset: SQLite in VISAGE_DATA_DIR' })
    .describe(
      'PostgreSQL connection URL (`postgres://user:password@host:5432/db`) for production and for several server ' +
        'processes sharing one database. Requires VISAGE_MASTER_KEY.',
    ),
  REDIS_URL: z
    .string()
    .refine(isRedisUrl, { error: 'must be a redis:// (or rediss://) URL' })
    .optional()
    .meta({ secret: true, defaultText: 'unset: shared limits live in PostgreSQL' })
    .describe(
      'Redis connection URL (`redis://[:password@]host:6379[/db]`, `rediss://` for TLS). With DATABASE_URL, the ' +
        'request limits every server process shares (API keys’ rate and concurrency, sign-in, password-reset, ' +
        'registration and capture-page throttles) are kept in Redis instead of PostgreSQL; see docs/operations.md. ' +
        'Refused without DATABASE_URL: SQLite runs one process, which keeps its limits in memory.',
    ),
  VISAGE_MASTER_KEY: z
    .string()
    .refine((key) => decodeMasterKey(key) !== undefined, {
      error: 'must be the base64 of exactly 32 random bytes (make one with `openssl rand -base64 32`)',
    })
    .optional()
    .meta({ secret: true, defaultText: 'unset: generated into VISAGE_DATA_DIR/master.key' })
    .describe(
      'Base64 of the 32-byte key that encrypts API-key secrets and stored images (AES-256-GCM envelopes). Required ' +
        'with DATABASE_URL, since every process must share it. With SQLite, when unset, a key is generated once ' +
        'into `master.key` (base64 text, mode 0600) in the data directory. Losing it makes the encrypted data ' +
        'unreadable: back it up apart from the database.',
    ),
  VISAGE_MASTER_KEYS_DECRYPT_ONLY: masterKeyList
    .prefault('')
    .meta({ secret: true, defaultText: 'unset: none' })
    .describe(
      'Further master keys, comma-separated base64 of 32 bytes each, that decrypt but never encrypt: during a ' +
        'rotation, the incoming key (before it becomes VISAGE_MASTER_KEY on every process) or the outgoing one ' +
        '(until `visage master-key rewrap` has moved every value off it). New values are always sealed under ' +
        'VISAGE_MASTER_KEY (or, on SQLite when it is unset, `master.key`). Procedure: docs/operations.md, ' +
        '"Rotating the master key".',
    ),
  VISAGE_MODEL_DIR: z
    .string()
    .optional()
    .meta({ defaultText: '`models/` at the repository root' })
    .describe('Directory of the verified model files (where `npm install` puts them).'),
  VISAGE_CALIBRATION: z
    .string()
    .optional()
    .meta({ defaultText: '`packages/engine/calibration/<model>.json`' })
    .describe('Similarity-threshold calibration file of the embedding model (made by `visage calibrate`).'),
  VISAGE_ENGINE_WORKERS: wholeNumber(1, 256)
    .optional()
    .meta({ defaultText: 'the number of CPU cores' })
    .describe('Worker threads running face inference.'),
  VISAGE_ENGINE_MAX_QUEUE: wholeNumber(1, 1_000_000)
    .optional()
    .meta({ defaultText: '16 × VISAGE_ENGINE_WORKERS' })
    .describe('Jobs waiting for a worker before new requests are refused with `service.overloaded`.'),
  VISAGE_ENGINE_REQUESTS_PER_WORKER: wholeNumber(1, 1000)
    .prefault('1')
    .describe(
      'Face-engine requests (`POST /v1/compare`, `/v1/liveness`, `/v1/verifications`) one process works on at once, ' +
        'per engine worker, counted until each is done with the engine; one more is refused as it arrives, before ' +
        'its body is read and before any charge, with `service.overloaded` (503, `Retry-After`). With 1 an accepted ' +
        "request never waits behind another's faces, so its latency under overload stays close to the unloaded " +
        'one; 2 keeps a request ready behind each running one, for about a tenth more accepted requests ' +
        'under overload at about twice the latency (docs/operations.md, Backpressure).',
    ),
  VISAGE_PASSIVE_LIVENESS: z
    .enum(['network', 'fused'], { error: 'must be one of network, fused' })
    .prefault('network')
    .describe(
      'The passive anti-spoofing signal of capture sessions: `network` (the anti-spoofing network alone) or `fused` ' +
        '(the network at two crops plus texture cues, `packages/engine/pad-model/`: far stronger against prints and ' +
        'screen replays on the dev data, but it also turns some real faces away and costs about 2× per frame; ' +
        'docs/liveness.md).',
    ),
  VISAGE_ENGINE_TIMEOUT_MS: wholeNumber(100, 600_000)
    .prefault('30000')
    .describe('Longest time one inference job may take; past it the job fails with `service.timeout`.'),
  VISAGE_BODY_LIMIT_BYTES: wholeNumber(1024, 1024 * MiB)
    .prefault(String(30 * MiB))
    .describe(
      'Largest request body, in bytes (default 30 MiB: two 10 MiB images as base64 come to about 27 MiB). ' +
        'Larger bodies get `request.body_too_large`.',
    ),
  VISAGE_LOG_LEVEL: z
    .enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` })
    .prefault('info')
    .describe(`Log verbosity: ${logLevels.join(', ')}.`),
  VISAGE_TRUST_PROXY: trustProxy
    .prefault('false')
    .describe(
      'Which proxies may set `X-Forwarded-For` (the client address used for IP allowlists, rate limits and the ' +
        'audit log): `false` (none: the socket address is the client), a comma-separated list of the proxies’ ' +
        'addresses or CIDRs (`loopback`, `linklocal` and `uniquelocal` name those ranges; the usual setting behind ' +
        'a load balancer), or `true` (any: only when nothing reaches the server except through the proxy). Hop ' +
        'counts are refused: they trust whatever connects.',
    ),
  VISAGE_KEY_RATE_PER_SECOND: wholeNumber(1, 100_000)
    .prefault('20')
    .describe('Requests per second one live API key may make (`key.rate_limited` beyond).'),
  VISAGE_SANDBOX_RATE_PER_SECOND: wholeNumber(1, 100_000)
    .prefault('2')
    .describe('Requests per second one sandbox API key may make.'),
  VISAGE_KEY_CONCURRENCY: wholeNumber(1, 10_000)
    .prefault('8')
    .describe('Requests one API key may have in flight at once (`key.concurrency_limited` beyond).'),
  VISAGE_SUBJECT_PER_MINUTE: wholeNumber(1, 100_000)
    .prefault('5')
    .describe('Verifications of one subject (end user) per minute (`subject.rate_limited` beyond).'),
  VISAGE_SUBJECT_PER_DAY: wholeNumber(1, 1_000_000)
    .prefault('50')
    .describe('Verifications of one subject (end user) per day.'),
  VISAGE_RESULT_RETENTION_MAX_SECONDS: wholeNumber(0, 365 * DAY)
    .prefault(String(30 * DAY))
    .describe('The longest result retention an app may choose, in seconds (default 30 days).'),
  VISAGE_KEY_ROTATION_GRACE_SECONDS: wholeNumber(0, 30 * DAY)
    .prefault(String(DAY))
    .describe('How long a rotated API key keeps working beside its replacement, in seconds (default 1 day).'),
  VISAGE_SESSION_TTL_SECONDS: wholeNumber(60, 30 * DAY)
    .prefault(String(12 * HOUR))
    .describe('Lifetime of a console sign-in session, in seconds (default 12 hours).'),
  VISAGE_SWEEP_INTERVAL_SECONDS: wholeNumber(1, DAY)
    .prefault('60')
    .describe(
      'Seconds between runs of the sweeper that deletes expired results, images, nonces and sessions and ' +
        'releases stale balance holds.',
    ),
  VISAGE_RESERVATION_TIMEOUT_SECONDS: wholeNumber(10, DAY)
    .prefault(String(15 * 60))
    .describe(
      'Age in seconds after which the sweeper voids a balance hold still held: its call was interrupted (a crashed ' +
        'or killed process). Keep it well above the slowest call (default 15 minutes).',
    ),
  VISAGE_IDEMPOTENCY_LOCK_SECONDS: wholeNumber(1, DAY)
    .optional()
    .meta({ defaultText: '2 × VISAGE_ENGINE_TIMEOUT_MS (in seconds) + 60' })
    .describe(
      'How long a call with an `Idempotency-Key` holds its key while it runs: a repeat gets ' +
        '`idempotency.in_progress` until then, and once it has passed (the first call’s process died) a repeat runs ' +
        'the call afresh. Keep it above the slowest call, or a repeat could run beside the first one.',
    ),
  VISAGE_SHUTDOWN_GRACE_MS: wholeNumber(0, 600_000)
    .prefault('10000')
    .describe('On SIGTERM/SIGINT, how long requests in flight may take to finish before the process exits.'),
  VISAGE_DRAIN_DELAY_MS: wholeNumber(0, 600_000)
    .prefault('0')
    .describe(
      'On SIGTERM/SIGINT, how long the process keeps serving, with `/readyz` answering 503, before it stops ' +
        'accepting connections: set it to a little more than the load balancer’s health-check interval when the ' +
        'balancer probes `/readyz` (docs/operations.md). 0 stops accepting at once.',
    ),
  VISAGE_METRICS: z
    .enum(metricsAccessModes, { error: `must be one of ${metricsAccessModes.join(', ')}` })
    .prefault('loopback')
    .describe(
      'Who may read `/metrics` (Prometheus text format): `off` (not served: 404), `loopback` (clients connecting ' +
        'from 127.0.0.0/8 or ::1 only, judged by the socket address, never by X-Forwarded-For), or `token` ' +
        '(any address presenting `Authorization: Bearer <VISAGE_METRICS_TOKEN>`).',
    ),
  VISAGE_METRICS_TOKEN: z
    .string()
    .min(16, { error: 'must be at least 16 characters' })
    .optional()
    .meta({ secret: true, defaultText: 'unset' })
    .describe('The bearer token `/metrics` requires when VISAGE_METRICS is `token` (at least 16 characters).'),
  VISAGE_SECURE_COOKIES: boolean()
    .prefault('false')
    .describe(
      'Mark session cookies `Secure` (sent over HTTPS only). Set it to true whenever users reach the console over HTTPS.',
    ),
  VISAGE_PUBLIC_URL: z
    .string()
    .refine(isHttpUrl, { error: 'must be an http:// or https:// URL without query or fragment' })
    .optional()
    .meta({ defaultText: '`http://127.0.0.1:<PORT>`' })
    .describe(
      'Where users reach the server (the consoles), e.g. `https://visage.example.com`: the links in mails ' +
        '(email verification, password reset) start with it.',
    ),
  VISAGE_OPERATOR_NAME: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .default('Visage')
    .describe(
      'The name of whoever runs this platform, as end users see it in the consent text of the hosted capture page ' +
        '(the operator processes their face data for the customer).',
    ),
  VISAGE_SMTP_URL: z
    .string()
    .refine(isSmtpUrl, { error: 'must be an smtp:// or smtps:// URL, e.g. smtps://user:password@smtp.example.com:465' })
    .optional()
    .meta({ secret: true, defaultText: 'unset: mails only go to the outbox' })
    .describe(
      'SMTP server that sends the platform’s mails: `smtp://host:587` (STARTTLS when offered) or ' +
        '`smtps://user:password@host:465` (TLS). Every mail is also kept in the outbox, which operators read in ' +
        'the admin console with its outcome (sent, or failed and why). Unset, mails are only kept in the outbox.',
    ),
  VISAGE_MAIL_FROM: z
    .string()
    .refine((text) => /^(?=.{3,320}$)[^\r\n]*@[^\r\n]*$/.test(text), {
      error: 'must be an address, optionally with a name',
    })
    .prefault('Visage <no-reply@localhost>')
    .describe('The From of the platform’s mails, e.g. `Visage <no-reply@visage.example.com>`.'),
  VISAGE_MAIL_RETENTION_DAYS: wholeNumber(1, 3650)
    .prefault('90')
    .describe('Days a mail is kept in the outbox (whatever its outcome); the sweeper deletes older ones.'),
  VISAGE_WEBHOOK_ALLOWED_CIDRS: cidrList
    .prefault('')
    .describe(
      'Internal addresses or CIDRs webhook URLs may resolve to, comma-separated (e.g. `127.0.0.1/32` for a receiver ' +
        'on the same machine in development). By default URLs that resolve to loopback, private, link-local ' +
        '(including 169.254.169.254), CGNAT, multicast or other non-public addresses are refused.',
    ),
  VISAGE_WEBHOOK_INTERVAL_SECONDS: wholeNumber(1, HOUR)
    .prefault('5')
    .describe(
      'Seconds between the webhook delivery worker’s looks for due events (it also wakes at once when an event is written).',
    ),
  VISAGE_WEBHOOK_LEASE_SECONDS: wholeNumber(15, HOUR)
    .prefault('60')
    .describe(
      'How long a server process holds the events it is delivering; a process that dies mid-delivery gives them ' +
        'back when this runs out, and another one delivers them (with the same webhook-id).',
    ),
  VISAGE_WEBHOOK_FIRST_RETRY_SECONDS: wholeNumber(1, HOUR)
    .prefault('30')
    .describe(
      'Delay before the first retry of a failed webhook delivery; each further retry waits twice as long (up to 12 h, ' +
        '±20 % jitter) until 72 h have passed, then the event is marked failed.',
    ),
  VISAGE_WEBHOOK_RETENTION_DAYS: wholeNumber(1, 3650)
    .prefault('30')
    .describe(
      'Days a delivered, failed or endpoint-less webhook event (its payload and its attempts) is kept; the sweeper ' +
        'deletes older ones. Pending events are kept until they settle.',
    ),
  VISAGE_WEBHOOK_SECRET_GRACE_SECONDS: wholeNumber(0, 30 * DAY)
    .prefault(String(DAY))
    .describe(
      'After a webhook secret is rotated, how long the old secret keeps signing beside the new one, in seconds ' +
        '(default 1 day).',
    ),
  VISAGE_IDENTITY_SOURCE_URL: z
    .string()
    .refine(isHttpUrl, { error: 'must be an http:// or https:// URL without query or fragment' })
    .optional()
    .meta({ defaultText: 'unset: the built-in identity registry' })
    .describe(
      'An external authoritative identity source that registry comparisons (`comparison: { type: "registry" }`) ' +
        'ask instead of the built-in registry: POST name + ID number, answer match (with a photo), not_found or ' +
        'name_mismatch (contract in docs/identity-sources.md). The operator’s own service: internal addresses are allowed.',
    ),
  VISAGE_IDENTITY_SOURCE_TOKEN: z
    .string()
    .min(16)
    .optional()
    .meta({ secret: true, defaultText: 'unset: no Authorization header' })
    .describe('Sent to VISAGE_IDENTITY_SOURCE_URL as `Authorization: Bearer <token>` (at least 16 characters).'),
  VISAGE_IDENTITY_SOURCE_TIMEOUT_MS: wholeNumber(100, 60_000)
    .prefault('5000')
    .describe(
      'How long a registry comparison waits for VISAGE_IDENTITY_SOURCE_URL; a slower answer fails the call with ' +
        '503 registry.source_unavailable (not charged).',
    ),
  VISAGE_REGISTRY_REFUSALS_PER_KEY_PER_DAY: wholeNumber(1, 1_000_000)
    .prefault('100')
    .describe(
      'Refused registry comparisons (registry.not_found / registry.name_mismatch) one live key may get per UTC ' +
        'day; past it, its registry comparisons are answered 429 registry.refusals_exceeded until the day ends ' +
        '(bounds probing which name goes with which ID number; counted in the database, across processes).',
    ),
  VISAGE_FACEID_SIGN_MAX_SECONDS: wholeNumber(60, 365 * DAY)
    .prefault(String(30 * DAY))
    .describe(
      'The longest a reusable FaceID `sign` may live: `expire_time - current_time` in seconds (default 30 days, the ' +
        'longest key-rotation grace). A longer one is refused as signature.invalid (docs/compat-faceid.md).',
    ),
  VISAGE_REGISTRATIONS_PER_IP_PER_HOUR: wholeNumber(1, 100_000)
    .prefault('10')
    .describe(
      'Console registrations accepted from one client address per rolling hour (each one mails the address ' +
        'given); more are answered 429 account.registration_rate_limited with Retry-After.',
    ),
});

/** The environment variables the schema reads. */
export type ConfigVariable = keyof typeof configSchema.shape;
export const configVariables = Object.keys(configSchema.shape) as ConfigVariable[];

/** VISAGE_* variables that other parts of Visage read, so the server's typo check lets them through. */
export const otherVisageVariables = Object.freeze({
  VISAGE_DEBUG: 'CLI: print the stack trace of an unexpected error (`cli.internal`).',
  VISAGE_TEST_POSTGRES_URL: 'Tests: the PostgreSQL server the storage tests use.',
  VISAGE_API_URL: 'CLI remote commands (`visage sessions …`): the Visage server to call when `--remote` is not given.',
  VISAGE_KEY_ID: 'CLI remote commands (`visage compare --remote`, `visage sessions …`): the API key id.',
  VISAGE_KEY_SECRET:
    'CLI remote commands: the API key’s secret (read from the environment only, never from the command line).',
} as const);

/** Whether a variable's value must never appear in messages or logs. */
export function isSecretVariable(name: ConfigVariable): boolean {
  return (configSchema.shape[name].meta() as { secret?: boolean } | undefined)?.secret === true;
}

/** The 32 bytes of a base64 (standard or URL-safe, padding optional) master key; undefined when it is not that. */
export function decodeMasterKey(text: string): Buffer | undefined {
  const normalized = text.trim().replace(/-/g, '+').replace(/_/g, '/').replace(/=$/, '');
  if (!/^[A-Za-z0-9+/]{43}$/.test(normalized)) return undefined;
  const bytes = Buffer.from(normalized, 'base64');
  // 43 characters carry 258 bits; a canonical encoding of 32 bytes leaves the last 2 at zero.
  return bytes.length === 32 && bytes.toString('base64').startsWith(normalized) ? bytes : undefined;
}
