import { createAgreement, createApps, createKeyAccess, createKeys, createOrganizations } from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgreementRepository } from './agreement.repository.js';
import { createApiKeyRepository } from './api-key.repository.js';
import { createAppRepository } from './app.repository.js';
import type { VisageDatabase } from './database.js';
import { createOrganizationRepository } from './organization.repository.js';
import { aesGcmSecretBox, auditOn, manualClock, nodeCrypto } from './testing/account-ports.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

const owner = 'user:usr_owner';
const maxResultRetentionSeconds = 30 * 86_400;

for (const dialect of dialectNames) {
  describe(`apps and keys on ${dialect}`, () => {
    let database: VisageDatabase;
    let clock: ReturnType<typeof manualClock>;
    let audited: ReturnType<typeof auditOn>;
    let services: ReturnType<typeof wire>;
    let orgId: string;

    function wire() {
      const { audit } = audited;
      const secretBox = aesGcmSecretBox();
      const orgs = createOrganizationRepository(database);
      const apps = createAppRepository(database);
      const keys = createApiKeyRepository(database);
      const agreement = createAgreement({
        repo: createAgreementRepository(database),
        clock,
        crypto: nodeCrypto,
        audit,
      });
      return {
        organizations: createOrganizations({ repo: orgs, clock, crypto: nodeCrypto, audit }),
        apps: createApps({ apps, orgs, clock, crypto: nodeCrypto, audit, maxResultRetentionSeconds }),
        keys: createKeys({ keys, apps, secretBox, clock, crypto: nodeCrypto, audit }),
        keyAccess: createKeyAccess({
          keys,
          apps,
          orgs,
          agreement,
          secretBox,
          // Exact-address matching stands in for the server's CIDR matcher.
          ipAllowlist: (ip, cidrs) => cidrs.includes(`${ip}/32`),
          clock,
        }),
      };
    }

    beforeEach(async () => {
      database = await freshDatabase(dialect);
      clock = manualClock();
      audited = auditOn(database, clock);
      services = wire();
      orgId = (await services.organizations.create('Acme', { certified: true }, 'operator:alice')).id;
    });
    afterEach(() => database.destroy());

    const newApp = () => services.apps.create({ orgId, name: 'Checkout', actor: owner });
    const authorize = (keyId: string, ip = '192.0.2.1') =>
      services.keyAccess.authorize({ keyId, ip }).then(
        () => 'ok',
        (error: { code?: string }) => error.code,
      );

    it('creates apps with defaults and keeps them to their organisation', async () => {
      const app = await services.apps.create({
        orgId,
        name: ' Checkout ',
        description: 'web shop',
        domains: ['Shop.Example.com', '*.example.cn:8443'],
        actor: owner,
      });
      expect(app).toMatchObject({
        name: 'Checkout',
        domains: ['shop.example.com', '*.example.cn:8443'],
        decisionFar: '1e-4',
        imageRetentionSeconds: 0,
        resultRetentionSeconds: 86_400,
        allowMultipleFaces: false,
        webhookUrl: null,
      });
      expect(await services.apps.get(orgId, app.id)).toEqual(app);
      const other = await services.organizations.create('Other', {}, 'operator:alice');
      await expect(services.apps.get(other.id, app.id)).rejects.toMatchObject({ code: 'app.not_found' });
      expect(await services.apps.list(other.id)).toEqual([]);
      expect((await services.apps.list(orgId)).map((a) => a.id)).toEqual([app.id]);
      await expect(services.apps.create({ orgId: 'org_nope', name: 'x', actor: owner })).rejects.toMatchObject({
        code: 'org.not_found',
      });
    });

    it('updates settings within their bounds and stores them', async () => {
      const app = await newApp();
      clock.advanceSeconds(10);
      const updated = await services.apps.update(
        orgId,
        app.id,
        {
          decisionFar: '1e-6',
          imageRetentionSeconds: 3600,
          resultRetentionSeconds: maxResultRetentionSeconds,
          allowMultipleFaces: true,
          webhookUrl: 'https://hooks.example.com/visage',
        },
        owner,
      );
      expect(await services.apps.get(orgId, app.id)).toEqual(updated);
      expect(updated).toMatchObject({ name: 'Checkout', decisionFar: '1e-6', allowMultipleFaces: true });
      expect(updated.updatedAt).toBe(clock.now().toISOString());

      await expect(
        services.apps.update(
          orgId,
          app.id,
          {
            decisionFar: '1e-2' as '1e-3',
            imageRetentionSeconds: -1,
            resultRetentionSeconds: maxResultRetentionSeconds + 1,
            webhookUrl: 'ftp://example.com',
          },
          owner,
        ),
      ).rejects.toMatchObject({
        code: 'request.invalid',
        details: {
          issues: [
            { path: 'decision_far' },
            { path: 'image_retention_seconds' },
            { path: 'result_retention_seconds' },
            { path: 'webhook_url' },
          ],
        },
      });
      expect(await services.apps.get(orgId, app.id)).toEqual(updated);
    });

    it('shows a new key’s secret once, stores it sealed, and never lists it', async () => {
      const app = await newApp();
      const live = await services.keys.create({ orgId, appId: app.id, mode: 'live', actor: owner });
      clock.advanceSeconds(1);
      const sandbox = await services.keys.create({ orgId, appId: app.id, mode: 'sandbox', actor: owner });
      expect(live.keyId).toMatch(/^ak_live_/);
      expect(sandbox.keyId).toMatch(/^ak_test_/);
      expect(live.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await services.keyAccess.secretOf(live.keyId)).toBe(live.secret);

      const row = await database.db.selectFrom('api_key').selectAll().where('id', '=', live.keyId).executeTakeFirst();
      expect(row?.secret_sealed).not.toContain(live.secret);
      const listed = await services.keys.list(orgId, app.id);
      expect(listed.map((k) => k.id)).toEqual([live.keyId, sandbox.keyId]);
      expect(JSON.stringify(listed)).not.toContain(live.secret);
      expect(listed[0]).not.toHaveProperty('secretSealed');
      expect(JSON.stringify(await audited.recorded())).not.toContain(live.secret);
    });

    it('keeps a rotated key working through its grace period only', async () => {
      const app = await newApp();
      const old = await services.keys.create({ orgId, appId: app.id, mode: 'sandbox', actor: owner });
      const successor = await services.keys.rotate({ orgId, keyId: old.keyId, graceSeconds: 600, actor: owner });
      expect(successor.key).toMatchObject({ appId: app.id, mode: 'sandbox', status: 'active' });
      expect(successor.secret).not.toBe(old.secret);
      const oldListed = (await services.keys.list(orgId, app.id)).find((k) => k.id === old.keyId);
      expect(oldListed).toMatchObject({ replacedBy: successor.keyId, expiresAt: '2026-11-29T10:10:00.000Z' });

      expect(await authorize(old.keyId)).toBe('ok');
      clock.advanceSeconds(599);
      expect(await authorize(old.keyId)).toBe('ok');
      clock.advanceSeconds(1);
      expect(await authorize(old.keyId)).toBe('key.revoked');
      expect(await authorize(successor.keyId)).toBe('ok');
      // The signature of a late request can still be checked before it is refused.
      expect(await services.keyAccess.secretOf(old.keyId)).toBe(old.secret);
    });

    it('rotates a key once: a second rotation of the same key is refused', async () => {
      const app = await newApp();
      const old = await services.keys.create({ orgId, appId: app.id, mode: 'live', actor: owner });
      const outcomes = await Promise.allSettled([
        services.keys.rotate({ orgId, keyId: old.keyId, graceSeconds: 60, actor: owner }),
        services.keys.rotate({ orgId, keyId: old.keyId, graceSeconds: 60, actor: owner }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
        code: 'key.revoked',
      });
      expect(await services.keys.list(orgId, app.id)).toHaveLength(2);
    });

    it('revokes keys at once and keeps other organisations out of them', async () => {
      const app = await newApp();
      const key = await services.keys.create({ orgId, appId: app.id, mode: 'live', actor: owner });
      const other = await services.organizations.create('Other', {}, 'operator:alice');
      await expect(services.keys.revoke({ orgId: other.id, keyId: key.keyId, actor: owner })).rejects.toMatchObject({
        code: 'key.not_found',
      });
      await expect(services.keys.list(other.id, app.id)).rejects.toMatchObject({ code: 'app.not_found' });
      await expect(
        services.keys.create({ orgId: other.id, appId: app.id, mode: 'live', actor: owner }),
      ).rejects.toMatchObject({ code: 'app.not_found' });

      expect(await authorize(key.keyId)).toBe('ok');
      const revoked = await services.keys.revoke({ orgId, keyId: key.keyId, actor: owner, reason: 'leaked' });
      expect(revoked).toMatchObject({ status: 'revoked', revokedAt: clock.now().toISOString() });
      expect(await authorize(key.keyId)).toBe('key.revoked');
      await services.keys.revoke({ orgId, keyId: key.keyId, actor: owner });
      await expect(
        services.keys.rotate({ orgId, keyId: key.keyId, graceSeconds: 0, actor: owner }),
      ).rejects.toMatchObject({ code: 'key.revoked' });
      const revocations = (await audited.recorded()).filter((e) => e.action === 'key.revoke');
      expect(revocations.map((e) => e.reason)).toEqual(['leaked']);
    });

    it('enforces a validated IP allowlist, normalised to CIDRs', async () => {
      const app = await newApp();
      const key = await services.keys.create({ orgId, appId: app.id, mode: 'live', actor: owner });
      await expect(
        services.keys.setIpAllowlist({ orgId, keyId: key.keyId, cidrs: ['10.0.0.0/33', 'nope'], actor: owner }),
      ).rejects.toMatchObject({
        code: 'request.invalid',
        details: { issues: [{ path: 'cidrs.0' }, { path: 'cidrs.1' }] },
      });
      const updated = await services.keys.setIpAllowlist({
        orgId,
        keyId: key.keyId,
        cidrs: ['198.51.100.7', '2001:DB8::/32', '198.51.100.7/32'],
        actor: owner,
      });
      expect(updated.ipAllowlist).toEqual(['198.51.100.7/32', '2001:db8::/32']);
      expect((await services.keys.list(orgId, app.id))[0]?.ipAllowlist).toEqual(updated.ipAllowlist);
      expect(await authorize(key.keyId, '192.0.2.1')).toBe('key.ip_not_allowed');
      expect(await authorize(key.keyId, '198.51.100.7')).toBe('ok');
      await services.keys.setIpAllowlist({ orgId, keyId: key.keyId, cidrs: [], actor: owner });
      expect(await authorize(key.keyId, '192.0.2.1')).toBe('ok');
    });

    it('stops live keys of uncertified, suspended or non-accepting organisations, and sandbox keys only when suspended', async () => {
      const uncertified = await services.organizations.create('Newcomer', {}, 'operator:alice');
      const app = await services.apps.create({ orgId: uncertified.id, name: 'Trial', actor: owner });
      const live = await services.keys.create({ orgId: uncertified.id, appId: app.id, mode: 'live', actor: owner });
      const sandbox = await services.keys.create({
        orgId: uncertified.id,
        appId: app.id,
        mode: 'sandbox',
        actor: owner,
      });
      expect(await authorize(live.keyId)).toBe('org.not_certified');
      expect(await authorize(sandbox.keyId)).toBe('ok');

      await services.organizations.certify(uncertified.id, { actor: 'operator:alice' });
      expect(await authorize(live.keyId)).toBe('ok');
      const agreement = createAgreement({
        repo: createAgreementRepository(database),
        clock,
        crypto: nodeCrypto,
        audit: audited.audit,
      });
      await agreement.publish({
        termsText: 't',
        dpaText: 'd',
        effectiveAt: clock.now().toISOString(),
        actor: 'operator:alice',
      });
      expect(await authorize(live.keyId)).toBe('agreement.not_accepted');
      expect(await authorize(sandbox.keyId)).toBe('ok');

      await services.organizations.suspend(uncertified.id, { actor: 'operator:alice', reason: 'unpaid' });
      expect(await authorize(sandbox.keyId)).toBe('org.suspended');
      expect(await authorize(live.keyId)).toBe('org.suspended');
    });
  });
}
