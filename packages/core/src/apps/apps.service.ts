import type { OrganizationRepository } from '../accounts/accounts.ports.js';
import type { AuditLog } from '../audit/audit-log.service.js';
import { DomainError } from '../domain-error.js';
import { rejectIssues, type ValidationIssue } from '../invalid-request.js';
import type { Clock, Crypto, SecretBox } from '../ports.js';
import { prepareWebhookSecret } from '../webhooks/webhook-delivery.js';
import { farLevels } from '../verification/verification.ports.js';
import type { App, AppRepository, AppSettings } from './apps.ports.js';

export type AppChanges = Partial<AppSettings>;

/** A webhook signing secret in clear, in the one answer that shows it. */
export interface IssuedWebhookSecret {
  readonly id: string;
  readonly secret: string;
  readonly createdAt: string;
}

const defaultResultRetentionSeconds = 86_400;

export function createApps(ports: {
  apps: AppRepository;
  orgs: Pick<OrganizationRepository, 'find'>;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId'>;
  audit: Pick<AuditLog, 'record'>;
  /** The operator's ceiling on how long any app may keep results, and images. */
  maxResultRetentionSeconds: number;
  /** Resolves a new webhook URL and refuses internal addresses (DomainError 'webhook.url_refused'). */
  checkWebhookUrl?: (url: string) => Promise<void>;
  /**
   * Issues an app's first webhook signing secret when a webhook URL is set on an app without one (shown once, in
   * the update's answer). Without it, the first secret comes from the console's secret endpoint.
   */
  webhookSecrets?: { readonly secretBox: SecretBox; readonly crypto: Pick<Crypto, 'randomId' | 'randomToken'> };
}) {
  const { apps, orgs, clock, crypto, audit, maxResultRetentionSeconds } = ports;

  /** Other organisations' apps are answered exactly like missing ones. */
  async function get(orgId: string, appId: string): Promise<App> {
    const app = await apps.find(appId);
    if (!app || app.orgId !== orgId) throw new DomainError('app.not_found');
    return app;
  }

  function checkedChanges(changes: AppChanges): AppChanges {
    const { name, description, domains, ...rest } = changes;
    // Only settings are copied, so that stray fields in `changes` can never overwrite an id or the owner.
    const normalized = withoutUndefined({
      name: name?.trim(),
      description: description === undefined ? undefined : normalizeDescription(description),
      domains: domains === undefined ? undefined : normalizeDomains(domains),
      decisionFar: rest.decisionFar,
      imageRetentionSeconds: rest.imageRetentionSeconds,
      resultRetentionSeconds: rest.resultRetentionSeconds,
      allowMultipleFaces: rest.allowMultipleFaces,
      webhookUrl: rest.webhookUrl,
    });
    rejectIssues(settingIssues(normalized, maxResultRetentionSeconds));
    return normalized;
  }

  return {
    async create(input: {
      orgId: string;
      name: string;
      description?: string;
      domains?: readonly string[];
      actor: string;
    }): Promise<App> {
      const now = clock.now().toISOString();
      const app: App = {
        id: crypto.randomId('app'),
        orgId: input.orgId,
        name: input.name.trim(),
        description: normalizeDescription(input.description ?? null),
        domains: normalizeDomains(input.domains ?? []),
        decisionFar: '1e-4',
        imageRetentionSeconds: 0,
        resultRetentionSeconds: Math.min(defaultResultRetentionSeconds, maxResultRetentionSeconds),
        allowMultipleFaces: false,
        webhookUrl: null,
        createdAt: now,
        updatedAt: now,
      };
      rejectIssues(settingIssues(app, maxResultRetentionSeconds));
      if (!(await orgs.find(input.orgId))) throw new DomainError('org.not_found');
      await apps.insert(app);
      await audit.record({
        actor: input.actor,
        action: 'app.create',
        subject: app.id,
        data: { org_id: app.orgId, name: app.name },
      });
      return app;
    },

    /**
     * Changes the app's settings. Setting a webhook URL on an app that has no signing secret issues its first one in
     * the same transaction: returned once as `issuedWebhookSecret` (never stored in clear, never shown again).
     */
    async update(
      orgId: string,
      appId: string,
      changes: AppChanges,
      actor: string,
    ): Promise<App & { readonly issuedWebhookSecret?: IssuedWebhookSecret }> {
      const checked = checkedChanges(changes);
      if (typeof checked.webhookUrl === 'string') await ports.checkWebhookUrl?.(checked.webhookUrl);
      const now = clock.now();
      const app = { ...(await get(orgId, appId)), ...checked, updatedAt: now.toISOString() };
      const prepared =
        typeof checked.webhookUrl === 'string' && ports.webhookSecrets
          ? prepareWebhookSecret(ports.webhookSecrets, appId, now)
          : undefined;
      const { webhookSecretIssued } = await apps.update(app, {
        firstWebhookSecret: prepared?.stored,
        now: now.toISOString(),
      });
      await audit.record({ actor, action: 'app.update', subject: appId, data: { changes: checked } });
      if (!prepared || !webhookSecretIssued) return app;
      await audit.record({
        actor,
        action: 'webhook.secret.issue',
        subject: appId,
        data: { org: orgId, secret_id: prepared.stored.id, reason: 'webhook_url_set' },
      });
      return { ...app, issuedWebhookSecret: prepared.issued };
    },

    get,
    /** Any organisation's app: for operators, who act across organisations. */
    async getById(appId: string): Promise<App> {
      const app = await apps.find(appId);
      if (!app) throw new DomainError('app.not_found');
      return app;
    },
    list: (orgId: string): Promise<App[]> => apps.listByOrganization(orgId),
  };
}

export type Apps = ReturnType<typeof createApps>;

const withoutUndefined = (changes: AppChanges): AppChanges =>
  Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
const normalizeDescription = (description: string | null) => description?.trim() || null;
const normalizeDomains = (domains: readonly string[]) => domains.map((domain) => domain.trim().toLowerCase());

const hostPattern = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$/;

function settingIssues(changes: AppChanges, maxResultRetentionSeconds: number): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const check = (ok: boolean, path: string, message: string) => {
    if (!ok) issues.push({ path, message });
  };
  const { name, description, domains, decisionFar, imageRetentionSeconds, resultRetentionSeconds } = changes;
  const { allowMultipleFaces, webhookUrl } = changes;
  if (name !== undefined) check(name.length >= 1 && name.length <= 100, 'name', 'must be 1-100 characters');
  if (description !== undefined && description !== null) {
    check(description.length <= 1000, 'description', 'must be at most 1000 characters');
  }
  if (domains !== undefined) {
    check(domains.length <= 50, 'domains', 'must list at most 50 domains');
    domains.forEach((domain, i) =>
      check(domain.length <= 253 && hostPattern.test(domain), `domains.${i}`, 'must be a host name'),
    );
  }
  if (decisionFar !== undefined) {
    check(farLevels.includes(decisionFar), 'decision_far', `must be one of ${farLevels.join(', ')}`);
  }
  if (imageRetentionSeconds !== undefined) {
    check(
      Number.isSafeInteger(imageRetentionSeconds) &&
        imageRetentionSeconds >= 0 &&
        imageRetentionSeconds <= maxResultRetentionSeconds,
      'image_retention_seconds',
      `must be a whole number of seconds from 0 to ${maxResultRetentionSeconds}`,
    );
  }
  if (resultRetentionSeconds !== undefined) {
    check(
      Number.isSafeInteger(resultRetentionSeconds) &&
        resultRetentionSeconds >= 0 &&
        resultRetentionSeconds <= maxResultRetentionSeconds,
      'result_retention_seconds',
      `must be a whole number of seconds from 0 to ${maxResultRetentionSeconds}`,
    );
  }
  if (allowMultipleFaces !== undefined) {
    check(typeof allowMultipleFaces === 'boolean', 'allow_multiple_faces', 'must be true or false');
  }
  if (webhookUrl !== undefined && webhookUrl !== null) {
    check(isHttpUrl(webhookUrl), 'webhook_url', 'must be an http or https URL of at most 2048 characters');
  }
  return issues;
}

function isHttpUrl(text: string): boolean {
  if (text.length > 2048) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
