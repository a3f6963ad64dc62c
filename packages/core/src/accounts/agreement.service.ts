import type { AuditLog } from '../audit/audit-log.service.js';
import { DomainError } from '../domain-error.js';
import { rejectIssues, type ValidationIssue } from '../invalid-request.js';
import type { Clock, Crypto } from '../ports.js';
import type { AgreementAcceptance, AgreementRepository, AgreementVersion } from './accounts.ports.js';

export interface AgreementDraft {
  readonly termsText: string;
  readonly dpaText: string;
  /** ISO-8601; not earlier than the previous version's. */
  readonly effectiveAt: string;
  readonly actor: string;
}

export function createAgreement(ports: {
  repo: AgreementRepository;
  clock: Clock;
  crypto: Pick<Crypto, 'sha256Hex' | 'randomId'>;
  audit: Pick<AuditLog, 'record'>;
}) {
  const { repo, clock, crypto, audit } = ports;

  /** The version in force at `now`: the latest one whose effective time has come. */
  const current = (now: Date = clock.now()): Promise<AgreementVersion | undefined> =>
    repo.effectiveAt(now.toISOString());

  const versionsAt = async (now: Date) => {
    const [inForce, upcoming] = await Promise.all([current(now), repo.upcoming(now.toISOString())]);
    return { inForce, upcoming };
  };

  return {
    async publish(draft: AgreementDraft): Promise<AgreementVersion> {
      rejectIssues([
        ...textIssues('terms_text', draft.termsText),
        ...textIssues('dpa_text', draft.dpaText),
        ...instantIssues('effective_at', draft.effectiveAt),
      ]);
      const effectiveAt = new Date(draft.effectiveAt).toISOString();
      for (;;) {
        const previous = await repo.latest();
        // Effective times follow version numbers, so "the latest effective version" is never ambiguous.
        if (previous && effectiveAt < previous.effectiveAt) {
          rejectIssues([
            { path: 'effective_at', message: `must not be earlier than version ${previous.version}'s effective time` },
          ]);
        }
        const version: AgreementVersion = {
          id: crypto.randomId('agr'),
          version: (previous?.version ?? 0) + 1,
          termsText: draft.termsText,
          termsSha256: crypto.sha256Hex(draft.termsText),
          dpaText: draft.dpaText,
          dpaSha256: crypto.sha256Hex(draft.dpaText),
          effectiveAt,
          publishedAt: clock.now().toISOString(),
          publishedBy: draft.actor,
        };
        if (await repo.insert(version)) {
          await audit.record({
            actor: draft.actor,
            action: 'agreement.publish',
            subject: version.id,
            data: {
              version: version.version,
              effective_at: version.effectiveAt,
              terms_sha256: version.termsSha256,
              dpa_sha256: version.dpaSha256,
            },
          });
          return version;
        }
        // A concurrent publish took this number; number ours after it.
      }
    },

    current,
    upcoming: (): Promise<AgreementVersion[]> => repo.upcoming(clock.now().toISOString()),

    /**
     * The version in force and the published upcoming ones, read at one instant, each with whether the organisation
     * accepted it. `acceptedCurrent` is true when none is in force (nothing to accept).
     */
    async statusOf(orgId: string): Promise<AgreementStatus> {
      const { inForce, upcoming } = await versionsAt(clock.now());
      const acceptedOf = async (version: AgreementVersion) =>
        (await repo.findAcceptance(orgId, version.id)) !== undefined;
      const [acceptedCurrent, acceptedUpcoming] = await Promise.all([
        inForce ? acceptedOf(inForce) : true,
        Promise.all(upcoming.map(acceptedOf)),
      ]);
      return {
        current: inForce,
        acceptedCurrent,
        upcoming: upcoming.map((version, i) => ({ version, accepted: acceptedUpcoming[i]! })),
      };
    },

    /**
     * Records that the organisation accepted `version`, which must be the one in force or a published upcoming one
     * (accepted in advance, so that live keys keep working when it takes effect); accepting again is a no-op.
     */
    async accept(input: {
      orgId: string;
      userId: string;
      version: number;
      ip: string | null;
    }): Promise<AgreementAcceptance> {
      const { inForce, upcoming } = await versionsAt(clock.now());
      if (!inForce && upcoming.length === 0) throw new DomainError('agreement.none_published');
      const agreement = [...(inForce ? [inForce] : []), ...upcoming].find((v) => v.version === input.version);
      if (!agreement) {
        throw new DomainError('agreement.version_mismatch', {
          current_version: inForce?.version ?? null,
          upcoming_versions: upcoming.map((v) => v.version),
        });
      }
      const proposed: AgreementAcceptance = {
        id: crypto.randomId('acc'),
        orgId: input.orgId,
        agreementId: agreement.id,
        version: agreement.version,
        userId: input.userId,
        acceptedAt: clock.now().toISOString(),
        ip: input.ip,
        termsSha256: agreement.termsSha256,
        dpaSha256: agreement.dpaSha256,
      };
      const stored = await repo.accept(proposed);
      if (stored.id === proposed.id) {
        await audit.record({
          actor: `user:${input.userId}`,
          action: 'agreement.accept',
          subject: input.orgId,
          data: {
            version: stored.version,
            effective_at: agreement.effectiveAt,
            terms_sha256: stored.termsSha256,
            dpa_sha256: stored.dpaSha256,
          },
        });
      }
      return stored;
    },

    /** True when the organisation accepted the version in force, or when none is in force (nothing to accept). */
    async hasAcceptedCurrent(orgId: string): Promise<boolean> {
      const agreement = await current();
      return !agreement || (await repo.findAcceptance(orgId, agreement.id)) !== undefined;
    },
  };
}

export type Agreement = ReturnType<typeof createAgreement>;

/** What an organisation sees of the agreement: the version in force, the ones to come, and what it accepted. */
export interface AgreementStatus {
  readonly current: AgreementVersion | undefined;
  readonly acceptedCurrent: boolean;
  readonly upcoming: readonly { readonly version: AgreementVersion; readonly accepted: boolean }[];
}

function instantIssues(path: string, text: string): ValidationIssue[] {
  const valid = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) && !Number.isNaN(Date.parse(text));
  return valid ? [] : [{ path, message: 'must be an ISO-8601 date-time' }];
}

function textIssues(path: string, text: string): ValidationIssue[] {
  return text.trim().length > 0 ? [] : [{ path, message: 'must not be empty' }];
}
