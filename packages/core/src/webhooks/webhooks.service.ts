import type { AppRepository } from '../apps/apps.ports.js';
import type { AuditLog } from '../audit/audit-log.service.js';
import { DomainError } from '../domain-error.js';
import type { Clock, Crypto, SecretBox } from '../ports.js';
import { issueWebhookSecret } from './webhook-delivery.js';
import type {
  StoredWebhookEvent,
  WebhookAttempt,
  WebhookDeliveryStatus,
  WebhookPosition,
  WebhookRepository,
  WebhookSecretInfo,
} from './webhooks.ports.js';

export const defaultWebhookPageSize = 50;
export const maxWebhookPageSize = 200;

export interface WebhookEventPage {
  readonly events: StoredWebhookEvent[];
  readonly next: WebhookPosition | undefined;
}

/**
 * What a customer sees and does about an app's webhooks: its events with their delivery attempts, resending an event
 * (same id, so the receiver can deduplicate), and the signing secret — issued when the first webhook URL is set,
 * rotated with a grace period during which the old and the new secret both sign.
 */
export function createWebhooks(ports: {
  repo: WebhookRepository;
  apps: Pick<AppRepository, 'find'>;
  secretBox: SecretBox;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId' | 'randomToken'>;
  audit: Pick<AuditLog, 'record'>;
  /** How long a rotated secret keeps signing beside its replacement. */
  rotationGraceSeconds: number;
  /** Told when an event becomes due now (a resend): the worker wakes up. */
  onDue?: () => void;
}) {
  const { repo, apps, secretBox, clock, crypto, audit } = ports;

  async function ownApp(orgId: string, appId: string) {
    const app = await apps.find(appId);
    if (!app || app.orgId !== orgId) throw new DomainError('app.not_found');
    return app;
  }

  async function ownEvent(orgId: string, appId: string, eventId: string): Promise<StoredWebhookEvent> {
    await ownApp(orgId, appId);
    const event = await repo.find(orgId, eventId);
    if (!event || event.appId !== appId) throw new DomainError('webhook.event_not_found');
    return event;
  }

  const info = ({ id, appId, createdAt, expiresAt }: WebhookSecretInfo): WebhookSecretInfo => ({
    id,
    appId,
    createdAt,
    expiresAt,
  });

  return {
    async listEvents(
      orgId: string,
      appId: string,
      query: {
        limit?: number | undefined;
        after?: WebhookPosition | undefined;
        type?: string | undefined;
        status?: WebhookDeliveryStatus | undefined;
      },
    ): Promise<WebhookEventPage> {
      await ownApp(orgId, appId);
      const limit = Math.min(Math.max(1, query.limit ?? defaultWebhookPageSize), maxWebhookPageSize);
      const rows = await repo.list(orgId, appId, {
        limit: limit + 1,
        after: query.after,
        type: query.type,
        status: query.status,
      });
      const events = rows.slice(0, limit);
      const last = events.at(-1);
      return { events, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : undefined };
    },

    async getEvent(
      orgId: string,
      appId: string,
      eventId: string,
    ): Promise<{ event: StoredWebhookEvent; attempts: WebhookAttempt[] }> {
      const event = await ownEvent(orgId, appId, eventId);
      return { event, attempts: await repo.attempts(event.id) };
    },

    async resend(orgId: string, appId: string, eventId: string, actor: string): Promise<StoredWebhookEvent> {
      await ownEvent(orgId, appId, eventId);
      if (!(await repo.resend(orgId, eventId, clock.now().toISOString()))) {
        throw new DomainError('webhook.event_not_found');
      }
      await audit.record({ actor, action: 'webhook.resend', subject: eventId, data: { org: orgId, app: appId } });
      ports.onDue?.();
      return (await repo.find(orgId, eventId))!;
    },

    /** The secrets that sign now (the current one first; a rotated one while its grace period lasts). */
    async secrets(orgId: string, appId: string): Promise<WebhookSecretInfo[]> {
      await ownApp(orgId, appId);
      return (await repo.activeSecrets(appId, clock.now().toISOString())).map(info);
    },

    /**
     * A new secret, shown once; the ones signing until now keep signing for the grace period. An app without a
     * secret gets its first one here.
     */
    async rotateSecret(
      orgId: string,
      appId: string,
      actor: string,
    ): Promise<{ id: string; secret: string; createdAt: string; previousExpireAt: string | null }> {
      await ownApp(orgId, appId);
      const now = clock.now();
      const hadSecrets = (await repo.activeSecrets(appId, now.toISOString())).length > 0;
      const previousExpireAt = hadSecrets
        ? new Date(now.getTime() + ports.rotationGraceSeconds * 1000).toISOString()
        : null;
      const issued = await issueWebhookSecret(
        { repo, secretBox, crypto },
        appId,
        now,
        previousExpireAt ?? now.toISOString(),
      );
      await audit.record({
        actor,
        action: 'webhook.secret.rotate',
        subject: appId,
        data: { org: orgId, secret_id: issued.id, previous_expire_at: previousExpireAt },
      });
      return { ...issued, previousExpireAt };
    },

    /** Issues the app's first secret when it has none (its webhook URL was just set); the secret, or undefined. */
    async ensureSecret(appId: string): Promise<{ id: string; secret: string; createdAt: string } | undefined> {
      const now = clock.now();
      if ((await repo.activeSecrets(appId, now.toISOString())).length > 0) return undefined;
      return issueWebhookSecret({ repo, secretBox, crypto }, appId, now, now.toISOString());
    },
  };
}

export type Webhooks = ReturnType<typeof createWebhooks>;
