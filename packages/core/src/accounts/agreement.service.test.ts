import { describe, expect, it } from 'vitest';
import type { App, StoredApiKey } from '../apps/apps.ports.js';
import { createKeyAccess } from '../apps/key-access.js';
import { memoryAudit } from '../testing/memory-audit.js';
import { aesGcmSecretBox, testCrypto } from '../testing/node-ports.js';
import type { AgreementAcceptance, AgreementRepository, AgreementVersion, Organization } from './accounts.ports.js';
import { createAgreement } from './agreement.service.js';

/** The repository contract over arrays (the SQL one is tested on both dialects in storage's agreement.db.test.ts). */
function memoryAgreementRepository(): AgreementRepository & { acceptances: AgreementAcceptance[] } {
  const versions: AgreementVersion[] = [];
  const acceptances: AgreementAcceptance[] = [];
  const byVersion = () => [...versions].sort((a, b) => a.version - b.version);
  return {
    acceptances,
    async insert(version) {
      if (versions.some((v) => v.version === version.version)) return false;
      versions.push(version);
      return true;
    },
    latest: async () => byVersion().at(-1),
    effectiveAt: async (now) =>
      byVersion()
        .filter((v) => v.effectiveAt <= now)
        .at(-1),
    upcoming: async (now) => byVersion().filter((v) => v.effectiveAt > now),
    async accept(proposed) {
      const found = acceptances.find((a) => a.orgId === proposed.orgId && a.agreementId === proposed.agreementId);
      if (found) return found;
      acceptances.push(proposed);
      return proposed;
    },
    findAcceptance: async (orgId, agreementId) =>
      acceptances.find((a) => a.orgId === orgId && a.agreementId === agreementId),
  };
}

function setup() {
  let now = new Date('2026-11-29T10:00:00.000Z');
  const clock = { now: () => now };
  const repo = memoryAgreementRepository();
  const { audit, entries } = memoryAudit(clock);
  const agreement = createAgreement({ repo, clock, crypto: testCrypto, audit });
  const inSeconds = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
  const publish = (effectiveAt: string, text = 'terms') =>
    agreement.publish({ termsText: `${text} v`, dpaText: `dpa of ${text}`, effectiveAt, actor: 'operator:alice' });
  const advanceSeconds = (seconds: number) => {
    now = new Date(now.getTime() + seconds * 1000);
  };
  return { agreement, repo, clock, entries, inSeconds, publish, advanceSeconds };
}

const codeOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: { code?: string }) => error.code,
  );

describe('agreement acceptance', () => {
  it('accepts the version in force or a published upcoming one, nothing else', async () => {
    const { agreement, publish, inSeconds } = setup();
    expect(await codeOf(agreement.accept({ orgId: 'org_1', userId: 'usr_1', version: 1, ip: null }))).toBe(
      'agreement.none_published',
    );
    await publish(inSeconds(-60));
    await publish(inSeconds(30), 'revised');
    await publish(inSeconds(90), 'third');

    await expect(agreement.accept({ orgId: 'org_1', userId: 'usr_1', version: 4, ip: null })).rejects.toMatchObject({
      code: 'agreement.version_mismatch',
      details: { current_version: 1, upcoming_versions: [2, 3] },
    });
    for (const version of [3, 1, 2]) {
      expect(await agreement.accept({ orgId: 'org_1', userId: 'usr_1', version, ip: '192.0.2.1' })).toMatchObject({
        orgId: 'org_1',
        version,
      });
    }
  });

  it('accepts an upcoming version before any is in force', async () => {
    const { agreement, publish, inSeconds } = setup();
    await publish(inSeconds(30));
    await expect(agreement.accept({ orgId: 'org_1', userId: 'usr_1', version: 2, ip: null })).rejects.toMatchObject({
      code: 'agreement.version_mismatch',
      details: { current_version: null, upcoming_versions: [1] },
    });
    const accepted = await agreement.accept({ orgId: 'org_1', userId: 'usr_1', version: 1, ip: null });
    expect(accepted.version).toBe(1);
    expect(await agreement.statusOf('org_1')).toMatchObject({
      current: undefined,
      acceptedCurrent: true,
      upcoming: [{ version: { version: 1 }, accepted: true }],
    });
  });

  it('records an advance acceptance with the user, time, IP and text hashes, once', async () => {
    const { agreement, repo, entries, publish, inSeconds, advanceSeconds } = setup();
    await publish(inSeconds(-60));
    const upcoming = await publish(inSeconds(30), 'revised');
    const first = await agreement.accept({ orgId: 'org_1', userId: 'usr_1', version: 2, ip: '192.0.2.1' });
    expect(first).toEqual({
      id: expect.stringMatching(/^acc_/),
      orgId: 'org_1',
      agreementId: upcoming.id,
      version: 2,
      userId: 'usr_1',
      acceptedAt: '2026-11-29T10:00:00.000Z',
      ip: '192.0.2.1',
      termsSha256: testCrypto.sha256Hex('revised v'),
      dpaSha256: testCrypto.sha256Hex('dpa of revised'),
    });
    advanceSeconds(5);
    expect(await agreement.accept({ orgId: 'org_1', userId: 'usr_2', version: 2, ip: '198.51.100.2' })).toEqual(first);
    expect(repo.acceptances).toHaveLength(1);
    const accepts = entries.filter((e) => e.action === 'agreement.accept');
    expect(accepts).toHaveLength(1);
    expect(accepts[0]).toMatchObject({
      actor: 'user:usr_1',
      subject: 'org_1',
      data: { version: 2, effective_at: upcoming.effectiveAt, terms_sha256: first.termsSha256 },
    });
  });

  it('shows, at one instant, the version in force and each upcoming one with whether the organisation accepted it', async () => {
    const { agreement, publish, inSeconds, advanceSeconds } = setup();
    expect(await agreement.statusOf('org_1')).toEqual({ current: undefined, acceptedCurrent: true, upcoming: [] });
    await publish(inSeconds(-60));
    await publish(inSeconds(30), 'revised');
    await publish(inSeconds(90), 'third');
    await agreement.accept({ orgId: 'org_1', userId: 'usr_1', version: 3, ip: null });
    await agreement.accept({ orgId: 'org_2', userId: 'usr_9', version: 2, ip: null });

    const status = await agreement.statusOf('org_1');
    expect(status.current?.version).toBe(1);
    expect(status.acceptedCurrent).toBe(false);
    expect(status.upcoming.map(({ version, accepted }) => [version.version, accepted])).toEqual([
      [2, false],
      [3, true],
    ]);

    advanceSeconds(30);
    const later = await agreement.statusOf('org_1');
    expect([later.current?.version, later.acceptedCurrent]).toEqual([2, false]);
    expect(later.upcoming.map(({ version, accepted }) => [version.version, accepted])).toEqual([[3, true]]);
    expect((await agreement.statusOf('org_2')).acceptedCurrent).toBe(true);
  });
});

describe('live keys around an upcoming version’s effective date', () => {
  const secretBox = aesGcmSecretBox();
  const org = (id: string): Organization => ({
    id,
    name: id,
    certification: 'certified',
    status: 'active',
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
  });
  const key = (orgId: string, mode: 'live' | 'sandbox'): StoredApiKey => {
    const id = `ak_${mode}_${orgId}`;
    return {
      id,
      appId: `app_${orgId}`,
      orgId,
      mode,
      ipAllowlist: [],
      status: 'active',
      createdAt: '2026-11-01T00:00:00.000Z',
      revokedAt: null,
      expiresAt: null,
      replacedBy: null,
      secretSealed: secretBox.seal(new TextEncoder().encode(`secret-of-${id}`), id),
    };
  };

  it('keeps live keys working until the date; from then on only for organisations that accepted it', async () => {
    const { agreement, clock, publish, inSeconds, advanceSeconds } = setup();
    const keys = ['org_early', 'org_late'].flatMap((orgId) => [key(orgId, 'live'), key(orgId, 'sandbox')]);
    const access = createKeyAccess({
      keys: { find: async (id) => keys.find((k) => k.id === id) },
      apps: { find: async (id) => ({ id, orgId: id.slice('app_'.length) }) as App },
      orgs: { find: async (id) => org(id) },
      agreement,
      secretBox,
      ipAllowlist: () => true,
      clock,
    });
    const authorize = (keyId: string) => codeOf(access.authorize({ keyId, ip: '192.0.2.1' }));

    await publish(inSeconds(-60));
    for (const orgId of ['org_early', 'org_late']) {
      await agreement.accept({ orgId, userId: `usr_${orgId}`, version: 1, ip: null });
    }
    await publish(inSeconds(10), 'revised');
    await agreement.accept({ orgId: 'org_early', userId: 'usr_org_early', version: 2, ip: null });

    advanceSeconds(9);
    expect(await authorize('ak_live_org_early')).toBe('ok');
    expect(await authorize('ak_live_org_late')).toBe('ok');

    advanceSeconds(1); // version 2 takes effect
    expect(await authorize('ak_live_org_early')).toBe('ok');
    expect(await authorize('ak_live_org_late')).toBe('agreement.not_accepted');
    expect(await authorize('ak_sandbox_org_late')).toBe('ok');

    await agreement.accept({ orgId: 'org_late', userId: 'usr_org_late', version: 2, ip: null });
    expect(await authorize('ak_live_org_late')).toBe('ok');
  });
});
