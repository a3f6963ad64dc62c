import {
  eraseSubjectWithSessions,
  issueDeletionReceipt,
  type AuditRecorder,
} from '../verification/verification.service.js';
import { DomainError } from '../domain-error.js';
import { rejectIssues } from '../invalid-request.js';
import type { Clock, Crypto } from '../ports.js';
import type {
  DeletionReceipt,
  DeletionReceiptRepository,
  VerificationRepository,
} from '../verification/verification.ports.js';
import type { ConsentCount, PrivacyRepository, ReceiptPosition } from './privacy.ports.js';

const defaultPageSize = 50;
const maxPageSize = 200;
const maxSubjectRef = 128;

/**
 * The customer console's privacy operations. A console user acts for the whole organisation: a verification id is
 * erased whatever app or key mode made it, and a subject_ref is erased across all the organisation's apps, sandbox
 * and live — what DELETE /v1/verifications/{id} and DELETE /v1/subjects/{ref} do for one key, through the same
 * repository erasures, with the same receipts (the actor is the console user).
 */
export function createPrivacy(ports: {
  verifications: Pick<VerificationRepository, 'find' | 'erase' | 'eraseSubject'>;
  receipts: DeletionReceiptRepository;
  repo: PrivacyRepository;
  pseudonymize: (subjectRef: string) => string;
  audit: AuditRecorder;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId'>;
  /** Told after an erasure cancelled open capture sessions (their events were written). */
  onWebhookEvent?: () => void;
}) {
  const { verifications, repo, pseudonymize } = ports;

  return {
    async eraseVerification(orgId: string, verificationId: string, actor: string): Promise<DeletionReceipt> {
      const existing = await verifications.find(orgId, verificationId);
      if (!existing) throw new DomainError('verification.not_found');
      const erased = await verifications.erase(orgId, verificationId);
      if (!erased) throw new DomainError('verification.not_found');
      return issueDeletionReceipt(
        ports,
        { orgId, scope: 'verification', target: verificationId, erased, actor },
        'console',
      );
    },

    async eraseSubject(orgId: string, subjectRef: string, actor: string): Promise<DeletionReceipt> {
      if (subjectRef.length === 0 || subjectRef.length > maxSubjectRef) {
        rejectIssues([{ path: 'subject_ref', message: `must be 1-${maxSubjectRef} characters` }]);
      }
      const erased = await eraseSubjectWithSessions(ports, orgId, subjectRef, actor);
      const target = pseudonymize(subjectRef);
      return issueDeletionReceipt(ports, { orgId, scope: 'subject', target, erased, actor }, 'console');
    },

    async receipts(
      orgId: string,
      page: { after?: ReceiptPosition; limit?: number } = {},
    ): Promise<{ receipts: DeletionReceipt[]; next: ReceiptPosition | undefined }> {
      const limit = Math.min(Math.max(1, Math.trunc(page.limit ?? defaultPageSize)), maxPageSize);
      const rows = await repo.listReceipts(orgId, { after: page.after, limit: limit + 1 });
      const shown = rows.slice(0, limit);
      const last = shown.at(-1);
      return {
        receipts: shown,
        next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : undefined,
      };
    },

    async consentSummary(orgId: string): Promise<{ months: ConsentCount[]; total: number }> {
      const months = await repo.consentCounts(orgId);
      return { months, total: months.reduce((sum, each) => sum + each.count, 0) };
    },
  };
}

export type Privacy = ReturnType<typeof createPrivacy>;
