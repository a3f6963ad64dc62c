import { describe, expect, it } from 'vitest';
import { memoryAudit } from '../testing/memory-audit.js';
import { testCrypto } from '../testing/node-ports.js';
import type { Organization, OrganizationRepository } from './accounts.ports.js';
import { createOrganizations } from './organizations.service.js';

function memoryOrganizations(): OrganizationRepository & { rows: Map<string, Organization> } {
  const rows = new Map<string, Organization>();
  return {
    rows,
    async insert(org) {
      rows.set(org.id, org);
    },
    async find(id) {
      return rows.get(id);
    },
    async list() {
      return [...rows.values()];
    },
    async updateStanding(id, expected, next) {
      const org = rows.get(id);
      if (!org || org.certification !== expected.certification || org.status !== expected.status) return false;
      rows.set(id, { ...org, ...next });
      return true;
    },
  };
}

function setup(repo = memoryOrganizations()) {
  const clock = { now: () => new Date('2026-11-29T10:00:00Z') };
  const { audit, entries: recorded } = memoryAudit(clock);
  const organizations = createOrganizations({ repo, clock, crypto: testCrypto, audit });
  return { organizations, repo, recorded };
}

const operator = 'operator:alice';

describe('organizations', () => {
  it('creates registered organisations, or certified ones when asked', async () => {
    const { organizations, recorded } = setup();
    const plain = await organizations.create('  Acme Ltd ', {}, operator);
    const certified = await organizations.create('Beta', { certified: true }, operator);
    expect(plain).toMatchObject({ name: 'Acme Ltd', certification: 'registered', status: 'active' });
    expect(plain.id).toMatch(/^org_/);
    expect(certified.certification).toBe('certified');
    expect(await organizations.list()).toHaveLength(2);
    expect(recorded[1]).toMatchObject({ actor: operator, action: 'org.create', subject: certified.id });
  });

  it('walks submit, reject, resubmit, certify, suspend, resume, terminate and audits each with its reason', async () => {
    const { organizations, recorded } = setup();
    const { id } = await organizations.create('Acme', {}, operator);
    await organizations.submitForCertification(id, { actor: 'user:usr_1' });
    await organizations.reject(id, { actor: operator, reason: 'licence unreadable' });
    await organizations.submitForCertification(id, { actor: 'user:usr_1' });
    await organizations.certify(id, { actor: operator });
    await organizations.suspend(id, { actor: operator, reason: 'unpaid' });
    const resumed = await organizations.resume(id, { actor: operator, reason: 'paid' });
    expect(resumed).toMatchObject({ certification: 'certified', status: 'active' });
    const terminated = await organizations.terminate(id, { actor: operator, reason: 'contract ended' });
    expect(terminated.status).toBe('terminated');
    expect((await organizations.get(id)).status).toBe('terminated');
    expect(recorded.slice(1).map((e) => [e.action, e.reason, e.data])).toEqual([
      ['org.submit', undefined, { from: 'registered', to: 'pending' }],
      ['org.reject', 'licence unreadable', { from: 'pending', to: 'rejected' }],
      ['org.submit', undefined, { from: 'rejected', to: 'pending' }],
      ['org.certify', undefined, { from: 'pending', to: 'certified' }],
      ['org.suspend', 'unpaid', { from: 'certified', to: 'suspended' }],
      ['org.resume', 'paid', { from: 'suspended', to: 'certified' }],
      ['org.terminate', 'contract ended', { from: 'certified', to: 'terminated' }],
    ]);
  });

  it('refuses invalid transitions with the current and requested states', async () => {
    const { organizations, recorded } = setup();
    const { id } = await organizations.create('Acme', {}, operator);
    await expect(organizations.reject(id, { actor: operator, reason: 'no' })).rejects.toMatchObject({
      code: 'org.invalid_transition',
      details: { from: 'registered', to: 'rejected' },
    });
    await organizations.terminate(id, { actor: operator, reason: 'fraud' });
    await expect(organizations.resume(id, { actor: operator, reason: 'oops' })).rejects.toMatchObject({
      code: 'org.invalid_transition',
      details: { from: 'terminated', to: 'active' },
    });
    expect(recorded.map((e) => e.action)).toEqual(['org.create', 'org.terminate']);
  });

  it('requires a reason to reject, suspend, resume and terminate', async () => {
    const { organizations } = setup();
    const { id } = await organizations.create('Acme', {}, operator);
    for (const move of ['reject', 'suspend', 'resume', 'terminate'] as const) {
      await expect(organizations[move](id, { actor: operator, reason: '   ' }), move).rejects.toMatchObject({
        code: 'request.invalid',
        details: { issues: [{ path: 'reason', message: 'must be 1-1000 characters' }] },
      });
    }
    expect((await organizations.get(id)).status).toBe('active');
  });

  it('answers org.not_found for unknown ids', async () => {
    const { organizations } = setup();
    await expect(organizations.get('org_missing')).rejects.toMatchObject({ code: 'org.not_found' });
    await expect(organizations.certify('org_missing', { actor: operator })).rejects.toMatchObject({
      code: 'org.not_found',
    });
  });

  it('decides again when another transition lands between its read and its write', async () => {
    const repo = memoryOrganizations();
    const { organizations } = setup(repo);
    const { id } = await organizations.create('Acme', {}, operator);
    const update = repo.updateStanding.bind(repo);
    let interfered = false;
    repo.updateStanding = async (orgId, expected, next) => {
      if (!interfered) {
        interfered = true;
        const org = repo.rows.get(orgId);
        if (org) repo.rows.set(orgId, { ...org, status: 'suspended' });
      }
      return update(orgId, expected, next);
    };
    await expect(organizations.certify(id, { actor: operator })).rejects.toMatchObject({
      code: 'org.invalid_transition',
      details: { from: 'suspended', to: 'certified' },
    });
    expect(repo.rows.get(id)?.certification).toBe('registered');
  });
});
