import { signWebhook, webhookSecretPrefix } from '@visage/contracts';
import type { AppRepository } from '../apps/apps.ports.js';
import type { Clock, Crypto, SecretBox } from '../ports.js';
import type {
  ClaimedWebhookEvent,
  StoredWebhookEvent,
  StoredWebhookSecret,
  WebhookRepository,
  WebhookResponse,
  WebhookSender,
} from './webhooks.ports.js';

/** Retries stop (status `failed`) when the next attempt would fall later than this after the event became due. */
export const webhookRetryWindowSeconds = 72 * 3600;
/** The first retry waits about this long; each further one twice as long, up to `webhookMaxRetryDelaySeconds`. */
export const webhookFirstRetryDelaySeconds = 30;
export const webhookMaxRetryDelaySeconds = 12 * 3600;
/** ±20 % jitter, so that a receiver coming back is not hit by every event at the same second. */
export const webhookRetryJitter = 0.2;

/** Seconds to wait after the `failures`-th failed attempt (1-based), jittered by `random()` in [0, 1). */
export function webhookRetryDelaySeconds(
  failures: number,
  random: () => number,
  firstDelaySeconds = webhookFirstRetryDelaySeconds,
): number {
  const base = Math.min(firstDelaySeconds * 2 ** Math.max(0, failures - 1), webhookMaxRetryDelaySeconds);
  return base * (1 - webhookRetryJitter + 2 * webhookRetryJitter * random());
}

/** `whsec_` + base64 of 32 random bytes, as the Standard Webhooks spec formats secrets. */
export function newWebhookSecret(crypto: Pick<Crypto, 'randomToken'>): string {
  const base64url = crypto.randomToken(32);
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  return webhookSecretPrefix + base64 + '='.repeat((4 - (base64.length % 4)) % 4);
}

export const webhookSecretContext = (id: string) => `webhook-secret:${id}`;

/** The JSON body POSTed for an event: the same bytes on every attempt. */
export function webhookBody(event: StoredWebhookEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: event.createdAt,
    mode: event.mode,
    data: event.payload,
  });
}

/** An event encoded other than the standard JSON body (see `encodeEvent`). */
export interface EncodedWebhook {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/**
 * One round of delivery: claims due events (with a lease), POSTs each, signed with every secret of the app that
 * still signs, and records the attempt and the event's next state. Any number of processes may run it at once.
 */
export function createWebhookDelivery(ports: {
  repo: WebhookRepository;
  apps: Pick<AppRepository, 'find'>;
  sender: WebhookSender;
  secretBox: SecretBox;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId' | 'randomToken'>;
  /** How long a claim holds; a process killed mid-attempt gives its events back when it runs out. */
  leaseSeconds: number;
  batchSize?: number;
  /** Uniform in [0, 1): the retry jitter. */
  random: () => number;
  firstRetryDelaySeconds?: number;
  /**
   * A per-event body encoding: answers the URL, body and headers for events that are not sent the standard way
   * (the FaceID-compatible notify form), undefined for the others. A throw counts as a failed attempt (retried).
   */
  encodeEvent?: (event: StoredWebhookEvent) => Promise<EncodedWebhook | undefined>;
}) {
  const { repo, apps, sender, secretBox, clock, crypto } = ports;
  const { random } = ports;
  const batchSize = ports.batchSize ?? 10;

  /** The app's signing secrets (the first one issued here if it has none yet), in clear. */
  async function signingSecrets(appId: string, now: Date): Promise<string[]> {
    let secrets = await repo.activeSecrets(appId, now.toISOString());
    if (secrets.length === 0) {
      await issueWebhookSecret({ repo, secretBox, crypto }, appId, now, now.toISOString());
      secrets = await repo.activeSecrets(appId, now.toISOString());
    }
    return secrets.map((secret: StoredWebhookSecret) =>
      new TextDecoder().decode(secretBox.open(secret.secretSealed, webhookSecretContext(secret.id))),
    );
  }

  async function deliver(event: ClaimedWebhookEvent): Promise<void> {
    // A per-event body encoding (the FaceID-compatible notify form, docs/compat-faceid.md) brings its own URL, body
    // and headers; every other event is delivered the standard way below.
    let encoded: EncodedWebhook | undefined;
    let encodeFailure: string | undefined;
    try {
      encoded = await ports.encodeEvent?.(event);
    } catch (error) {
      encodeFailure = errorText(error);
    }
    // A capture session's notify_url was fixed on the event; otherwise the app's webhook URL now. Either way the
    // sender resolves and checks the address again before it connects (the SSRF guard).
    const url = encoded?.url ?? event.targetUrl ?? (await apps.find(event.appId))?.webhookUrl ?? null;
    // An encoding that failed (a database blip, say) is a failed attempt, retried: the event may have a destination
    // of its own (a FaceID notify_url) even when the app has no webhook URL, so it is not settled as no_endpoint.
    if (!url && encodeFailure === undefined) {
      await repo.settle(event, null, {
        status: 'no_endpoint',
        nextAttemptAt: null,
        deliveredAt: null,
        lastError: null,
      });
      return;
    }
    const startedAt = clock.now();
    const body = webhookBody(event);
    const timestamp = Math.floor(startedAt.getTime() / 1000);
    let response: WebhookResponse;
    try {
      if (encodeFailure !== undefined || url === null) throw new Error(encodeFailure ?? 'no destination');
      if (encoded) {
        response = await sender.send({ url, body: encoded.body, headers: encoded.headers });
      } else {
        const secrets = await signingSecrets(event.appId, startedAt);
        const signatures = await Promise.all(
          secrets.map((secret) => signWebhook(secret, { id: event.id, timestamp, body })),
        );
        response = await sender.send({
          url,
          body,
          headers: {
            'content-type': 'application/json',
            'webhook-id': event.id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signatures.join(' '),
          },
        });
      }
    } catch (error) {
      response = { statusCode: null, error: errorText(error), responseSnippet: null };
    }
    const endedAt = clock.now();
    const delivered = response.statusCode !== null && response.statusCode >= 200 && response.statusCode < 300;
    const failures = event.attempts + 1;
    const retryAt = new Date(
      endedAt.getTime() + 1000 * webhookRetryDelaySeconds(failures, random, ports.firstRetryDelaySeconds),
    );
    const givesUp = retryAt.getTime() > Date.parse(event.dueSince) + webhookRetryWindowSeconds * 1000;
    const lastError = delivered
      ? null
      : (response.error ?? (response.statusCode === null ? 'no answer' : `HTTP ${response.statusCode}`));
    await repo.settle(
      event,
      {
        id: crypto.randomId('wha'),
        eventId: event.id,
        attemptedAt: startedAt.toISOString(),
        url: url ?? '',
        statusCode: response.statusCode,
        latencyMs: endedAt.getTime() - startedAt.getTime(),
        error: response.error,
        responseSnippet: response.responseSnippet,
      },
      delivered
        ? { status: 'delivered', nextAttemptAt: null, deliveredAt: endedAt.toISOString(), lastError: null }
        : givesUp
          ? { status: 'failed', nextAttemptAt: null, deliveredAt: null, lastError }
          : { status: 'pending', nextAttemptAt: retryAt.toISOString(), deliveredAt: null, lastError },
    );
  }

  return {
    /** Claims and delivers one batch for `owner`; resolves to how many events it handled. */
    async deliverDue(owner: string): Promise<number> {
      const now = clock.now();
      const leaseUntil = new Date(now.getTime() + ports.leaseSeconds * 1000).toISOString();
      const claimed = await repo.claimDue(owner, now.toISOString(), leaseUntil, batchSize);
      await Promise.all(claimed.map((event) => deliver(event)));
      return claimed.length;
    },
    /** Gives `owner`'s claims back (graceful stop). */
    release: (owner: string) => repo.release(owner),
  };
}

export type WebhookDelivery = ReturnType<typeof createWebhookDelivery>;

/** A new secret for the app, sealed for storage, and in clear to show once; nothing is stored here. */
export function prepareWebhookSecret(
  ports: { secretBox: SecretBox; crypto: Pick<Crypto, 'randomId' | 'randomToken'> },
  appId: string,
  now: Date,
): { stored: StoredWebhookSecret; issued: { id: string; secret: string; createdAt: string } } {
  const id = ports.crypto.randomId('whsec');
  const secret = newWebhookSecret(ports.crypto);
  const createdAt = now.toISOString();
  return {
    stored: {
      id,
      appId,
      createdAt,
      expiresAt: null,
      secretSealed: ports.secretBox.seal(new TextEncoder().encode(secret), webhookSecretContext(id)),
    },
    issued: { id, secret, createdAt },
  };
}

/**
 * Issues a new secret for the app; every other secret still signing keeps signing until `othersExpireAt` (the grace
 * period of a rotation; `now` on first issue). Returns the secret in clear: shown once.
 */
export async function issueWebhookSecret(
  ports: {
    repo: Pick<WebhookRepository, 'addSecret'>;
    secretBox: SecretBox;
    crypto: Pick<Crypto, 'randomId' | 'randomToken'>;
  },
  appId: string,
  now: Date,
  othersExpireAt: string,
): Promise<{ id: string; secret: string; createdAt: string }> {
  const { stored, issued } = prepareWebhookSecret(ports, appId, now);
  await ports.repo.addSecret(stored, othersExpireAt);
  return issued;
}
