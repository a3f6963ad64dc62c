import type { Agreement, AgreementDraft } from '../accounts/agreement.service.js';
import type { AgreementVersion } from '../accounts/accounts.ports.js';
import { DomainError } from '../domain-error.js';
import type { NoticeSender } from '../notices/notices.ports.js';
import { notifySafely, type NoticeFailureHandler } from '../notices/notify-safely.js';
import type { AcceptanceListing, AdminQueryRepository } from './admin.ports.js';

/** Publishing a version tells every organisation at once (inbox and mail); the operator sees who accepted which. */
export function createAgreementAdmin(ports: {
  agreement: Pick<Agreement, 'publish'>;
  queries: Pick<AdminQueryRepository, 'agreementVersions' | 'findAgreementVersion' | 'acceptancesOfVersion'>;
  notices: NoticeSender;
  /** Told when the notice fails after the version was published (it stays published; the action succeeds). */
  onError?: NoticeFailureHandler;
}) {
  const { agreement, queries, notices, onError } = ports;
  return {
    async publish(draft: AgreementDraft): Promise<AgreementVersion> {
      const version = await agreement.publish(draft);
      await notifySafely(
        notices,
        {
          orgIds: 'all',
          kind: 'agreement.published',
          data: { version: version.version, effective_at: version.effectiveAt },
          email: true,
        },
        onError,
      );
      return version;
    },

    versions: () => queries.agreementVersions(),

    async acceptances(version: number): Promise<{ version: AgreementVersion; acceptances: AcceptanceListing[] }> {
      const found = await queries.findAgreementVersion(version);
      if (!found) throw new DomainError('agreement.not_found', { version });
      return { version: found, acceptances: await queries.acceptancesOfVersion(version) };
    },
  };
}

export type AgreementAdmin = ReturnType<typeof createAgreementAdmin>;
