import type { AuditEntryInput } from '../audit/audit-entry.js';
import { DomainError } from '../domain-error.js';
import { rejectIssues, type ValidationIssue } from '../invalid-request.js';
import type { NoticeSender } from '../notices/notices.ports.js';
import type { NoticeFailureHandler } from '../notices/notify-safely.js';
import { notifySafely, optionalReason, requiredReason } from './finance-reasons.js';
import type { Clock, Crypto } from '../ports.js';
import type { LedgerTransaction } from './ledger.js';
import type { Wallet } from './wallet.service.js';

export const topupStatuses = ['pending', 'confirmed', 'rejected'] as const;
export type TopupStatus = (typeof topupStatuses)[number];

/** The largest amount one request may ask for: 10 000 000 yuan. */
export const maxTopupFen = 1_000_000_000;
export const maxReferenceLength = 64;

/** A customer's word that it sent a bank transfer; the operator confirms it (the ledger is credited) or rejects it. */
export interface TopupRequest {
  readonly id: string;
  readonly orgId: string;
  readonly amountFen: number;
  /** The bank-transfer reference; the ledger credit carries it, so each reference is credited once per org. */
  readonly reference: string;
  readonly status: TopupStatus;
  readonly createdAt: string;
  /** `user:<id>` of the customer who filed it. */
  readonly createdBy: string;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  readonly decisionReason: string | null;
}

export interface TopupRequestWithOrg extends TopupRequest {
  /** Null if the organisation no longer exists. */
  readonly orgName: string | null;
}

export interface TopupDecision {
  readonly status: 'confirmed' | 'rejected';
  readonly decidedAt: string;
  readonly decidedBy: string;
  readonly reason: string | null;
}

export interface TopupRequestRepository {
  /**
   * Stores a new pending request; false (nothing stored) when the organisation already has a pending or confirmed
   * request with this reference. Decided by a unique index, so of concurrent requests with one reference one wins.
   */
  insert(request: TopupRequest): Promise<boolean>;
  find(id: string): Promise<TopupRequest | undefined>;
  /** The organisation's requests, newest first. */
  listForOrg(orgId: string, limit: number): Promise<TopupRequest[]>;
  /** Requests of every organisation, with its name: pending ones oldest first (a queue), others newest first. */
  list(
    filter: { status?: TopupStatus | undefined; orgId?: string | undefined },
    limit: number,
  ): Promise<TopupRequestWithOrg[]>;
  /** Moves a pending request to the decision's status; false (nothing changed) when it was no longer pending. */
  decide(id: string, decision: TopupDecision): Promise<boolean>;
  /**
   * In one database transaction, under the ledger's lock on the organisation: moves the pending request to
   * 'confirmed' and appends `credit` (the top-up, under the request's bank reference) to the ledger. False, with
   * nothing stored, when the request was no longer pending; 'billing.duplicate_reference', with nothing stored, when
   * the organisation's ledger already has a top-up under that reference.
   */
  confirmWithCredit(
    id: string,
    decision: TopupDecision & { status: 'confirmed' },
    credit: LedgerTransaction,
  ): Promise<boolean>;
}

export function createTopupRequests(ports: {
  repo: TopupRequestRepository;
  wallet: Pick<Wallet, 'prepareTopUp' | 'toppedUp'>;
  notices: NoticeSender;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId'>;
  audit: { record(entry: AuditEntryInput): Promise<unknown> };
  /** Told when a notice fails after the decision was committed (the decision stands). */
  onError?: NoticeFailureHandler;
}) {
  const { repo, wallet, notices, clock, crypto, audit, onError } = ports;

  async function pending(id: string): Promise<TopupRequest> {
    const request = await repo.find(id);
    if (!request) throw new DomainError('topup.not_found');
    if (request.status !== 'pending') throw new DomainError('topup.not_pending', { status: request.status });
    return request;
  }

  async function decided(id: string, decision: TopupDecision): Promise<TopupRequest> {
    if (!(await repo.decide(id, decision))) {
      const now = await repo.find(id);
      throw new DomainError('topup.not_pending', { status: now?.status ?? 'unknown' });
    }
    return (await repo.find(id))!;
  }

  return {
    /**
     * Files a request for the organisation. A reference already pending or credited for it is refused
     * ('billing.duplicate_reference'); a rejected one may be used again (the customer fixes the amount, say).
     */
    async request(input: {
      orgId: string;
      amountFen: number;
      reference: string;
      actor: string;
    }): Promise<TopupRequest> {
      const reference = input.reference.trim();
      const issues: ValidationIssue[] = [];
      if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 1 || input.amountFen > maxTopupFen) {
        issues.push({ path: 'amount_fen', message: `must be a whole number of fen from 1 to ${maxTopupFen}` });
      }
      if (reference.length < 1 || reference.length > maxReferenceLength) {
        issues.push({ path: 'reference', message: `must be 1 to ${maxReferenceLength} characters` });
      }
      rejectIssues(issues);
      const request: TopupRequest = {
        id: crypto.randomId('tpr'),
        orgId: input.orgId,
        amountFen: input.amountFen,
        reference,
        status: 'pending',
        createdAt: clock.now().toISOString(),
        createdBy: input.actor,
        decidedAt: null,
        decidedBy: null,
        decisionReason: null,
      };
      if (!(await repo.insert(request))) throw new DomainError('billing.duplicate_reference', { reference });
      await audit.record({
        actor: input.actor,
        action: 'topup.request',
        subject: input.orgId,
        data: { topup_request_id: request.id, amount_fen: request.amountFen, reference },
      });
      return request;
    },

    /** The organisation's own requests, newest first. */
    listForOrg(orgId: string, limit = 100): Promise<TopupRequest[]> {
      return repo.listForOrg(orgId, limit);
    },

    /** For the operator: every organisation's requests, optionally of one status or organisation. */
    list(filter: { status?: TopupStatus | undefined; orgId?: string | undefined } = {}, limit = 200) {
      return repo.list(filter, limit);
    },

    async get(id: string): Promise<TopupRequest> {
      const request = await repo.find(id);
      if (!request) throw new DomainError('topup.not_found');
      return request;
    },

    /**
     * Credits the organisation's cash with the request's amount under its bank reference, once. The request leaves
     * 'pending' by a conditional update in the same database transaction as the credit, so a request is confirmed if
     * and only if it was credited; of concurrent confirmations (or a confirmation and a rejection) exactly one goes
     * ahead, the others get 'topup.not_pending'. When the reference was already credited by other means
     * ('billing.duplicate_reference'), nothing changes and the request stays pending. The audit entries and the notice
     * follow the commit; a notice that fails does not undo the credit.
     */
    async confirm(input: { id: string; actor: string; reason?: string | undefined }): Promise<TopupRequest> {
      const reason = optionalReason(input.reason);
      const request = await pending(input.id);
      const decision = {
        status: 'confirmed' as const,
        decidedAt: clock.now().toISOString(),
        decidedBy: input.actor,
        reason,
      };
      const credit = wallet.prepareTopUp({
        orgId: request.orgId,
        amountFen: request.amountFen,
        reference: request.reference,
        actor: input.actor,
      });
      if (!(await repo.confirmWithCredit(request.id, decision, credit))) {
        const now = await repo.find(request.id);
        throw new DomainError('topup.not_pending', { status: now?.status ?? 'unknown' });
      }
      await wallet.toppedUp(credit);
      const confirmed = (await repo.find(request.id))!;
      await audit.record({
        actor: input.actor,
        action: 'topup.confirm',
        subject: request.orgId,
        reason: reason ?? undefined,
        data: { topup_request_id: request.id, amount_fen: request.amountFen, reference: request.reference },
      });
      await notifySafely(
        notices,
        {
          orgIds: [request.orgId],
          kind: 'topup.confirmed',
          data: { topup_request_id: request.id, amount_fen: request.amountFen, reference: request.reference },
          email: true,
        },
        onError,
      );
      return confirmed;
    },

    /** Refuses a pending request with a reason the customer sees; nothing is credited. */
    async reject(input: { id: string; actor: string; reason: string }): Promise<TopupRequest> {
      const reason = requiredReason(input.reason);
      const request = await pending(input.id);
      const rejected = await decided(request.id, {
        status: 'rejected',
        decidedAt: clock.now().toISOString(),
        decidedBy: input.actor,
        reason,
      });
      await audit.record({
        actor: input.actor,
        action: 'topup.reject',
        subject: request.orgId,
        reason,
        data: { topup_request_id: request.id, amount_fen: request.amountFen, reference: request.reference },
      });
      await notifySafely(
        notices,
        {
          orgIds: [request.orgId],
          kind: 'topup.rejected',
          data: { topup_request_id: request.id, amount_fen: request.amountFen, reference: request.reference, reason },
          email: true,
        },
        onError,
      );
      return rejected;
    },
  };
}

export type TopupRequests = ReturnType<typeof createTopupRequests>;
