import type { AuditLog } from '../audit/audit-log.service.js';
import { DomainError } from '../domain-error.js';
import { rejectIssues } from '../invalid-request.js';
import type { Clock, Crypto } from '../ports.js';
import { accountFieldIssues } from './account-rules.js';
import type { Organization, OrganizationRepository } from './accounts.ports.js';
import {
  nextStanding,
  organizationState,
  organizationTransitions,
  type OrganizationTransition,
} from './organization-state.js';

export interface TransitionRequest {
  readonly actor: string;
  readonly reason: string;
}

export function createOrganizations(ports: {
  repo: OrganizationRepository;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId'>;
  audit: Pick<AuditLog, 'record'>;
}) {
  const { repo, clock, crypto, audit } = ports;

  async function get(orgId: string): Promise<Organization> {
    const org = await repo.find(orgId);
    if (!org) throw new DomainError('org.not_found');
    return org;
  }

  async function transition(
    orgId: string,
    move: OrganizationTransition,
    actor: string,
    reason: string | undefined,
  ): Promise<Organization> {
    for (;;) {
      const org = await get(orgId);
      const next = nextStanding(org, move);
      if (!next) {
        throw new DomainError('org.invalid_transition', {
          from: organizationState(org),
          to: organizationTransitions[move],
        });
      }
      const updatedAt = clock.now().toISOString();
      if (await repo.updateStanding(orgId, org, { ...next, updatedAt })) {
        await audit.record({
          actor,
          action: `org.${move}`,
          subject: orgId,
          reason,
          data: { from: organizationState(org), to: organizationState(next) },
        });
        return { ...org, ...next, updatedAt };
      }
      // Another transition landed between our read and our write: decide again from the standing it left.
    }
  }

  return {
    async create(name: string, options: { certified?: boolean }, actor: string): Promise<Organization> {
      const trimmed = name.trim();
      rejectIssues(accountFieldIssues({ orgName: trimmed }));
      const now = clock.now().toISOString();
      const org: Organization = {
        id: crypto.randomId('org'),
        name: trimmed,
        certification: options.certified ? 'certified' : 'registered',
        status: 'active',
        createdAt: now,
        updatedAt: now,
      };
      await repo.insert(org);
      await audit.record({
        actor,
        action: 'org.create',
        subject: org.id,
        data: { name: org.name, certification: org.certification },
      });
      return org;
    },

    submitForCertification: async (orgId: string, { actor }: { actor: string }) =>
      transition(orgId, 'submit', actor, undefined),
    certify: async (orgId: string, { actor, reason }: { actor: string; reason?: string }) =>
      transition(orgId, 'certify', actor, reason === undefined ? undefined : checkedReason(reason)),
    reject: async (orgId: string, { actor, reason }: TransitionRequest) =>
      transition(orgId, 'reject', actor, checkedReason(reason)),
    suspend: async (orgId: string, { actor, reason }: TransitionRequest) =>
      transition(orgId, 'suspend', actor, checkedReason(reason)),
    resume: async (orgId: string, { actor, reason }: TransitionRequest) =>
      transition(orgId, 'resume', actor, checkedReason(reason)),
    terminate: async (orgId: string, { actor, reason }: TransitionRequest) =>
      transition(orgId, 'terminate', actor, checkedReason(reason)),

    get,
    list: (): Promise<Organization[]> => repo.list(),
  };
}

export type Organizations = ReturnType<typeof createOrganizations>;

function checkedReason(reason: string): string {
  const trimmed = typeof reason === 'string' ? reason.trim() : '';
  if (trimmed.length === 0 || trimmed.length > 1000) {
    rejectIssues([{ path: 'reason', message: 'must be 1-1000 characters' }]);
  }
  return trimmed;
}
