import type { AuditRecorder } from '../verification/verification.service.js';
import { DomainError } from '../domain-error.js';
import { rejectIssues, type ValidationIssue } from '../invalid-request.js';
import type { NoticeSender } from '../notices/notices.ports.js';
import { notifySafely, type NoticeFailureHandler } from '../notices/notify-safely.js';
import type { Clock, Crypto } from '../ports.js';
import {
  complaintKinds,
  complaintUpdateStatuses,
  type Complaint,
  type ComplaintKind,
  type ComplaintPosition,
  type ComplaintRepository,
  type ComplaintStatus,
  type ComplaintUpdateStatus,
  type ComplaintWithOrg,
} from './complaints.ports.js';

export const maxComplaintSubject = 200;
export const maxComplaintDescription = 5000;
export const maxComplaintContact = 200;
export const maxComplaintNote = 2000;
const defaultPageSize = 50;
const maxPageSize = 200;

export interface ComplaintFiling {
  readonly orgId: string;
  readonly userId: string;
  readonly actor: string;
  readonly kind: ComplaintKind;
  readonly subject: string;
  readonly description: string;
  readonly contact?: string | undefined;
}

export interface ComplaintPage {
  readonly complaints: ComplaintWithOrg[];
  readonly next: ComplaintPosition | undefined;
}

/**
 * Complaints and reports. A compromised-account report freezes the organisation at once, in the transaction that
 * stores it: live keys are refused ('org.frozen', checked where key access checks the organisation's standing),
 * sandbox keys keep working, every session of the organisation's users is revoked, and signing in is refused
 * ('org.frozen', by the sessions service) so that whoever holds a stolen password cannot come back; a password reset
 * stays possible. The freeze ends when the operator resolves or dismisses the report (and no other freezing report is
 * still open).
 */
export function createComplaints(ports: {
  repo: ComplaintRepository;
  notices: NoticeSender;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId'>;
  audit: AuditRecorder;
  /** Told when a notice fails after the complaint was stored or moved on (that stands; the action succeeds). */
  onError?: NoticeFailureHandler;
}) {
  const { repo, notices, clock, crypto, audit, onError } = ports;

  async function page(filter: {
    orgId?: string;
    status?: ComplaintStatus;
    after?: ComplaintPosition | undefined;
    limit?: number | undefined;
  }): Promise<ComplaintPage> {
    const limit = Math.min(Math.max(1, Math.trunc(filter.limit ?? defaultPageSize)), maxPageSize);
    const rows = await repo.list({
      ...(filter.orgId === undefined ? {} : { orgId: filter.orgId }),
      ...(filter.status === undefined ? {} : { status: filter.status }),
      after: filter.after,
      limit: limit + 1,
    });
    const complaints = rows.slice(0, limit);
    const last = complaints.at(-1);
    return { complaints, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : undefined };
  }

  return {
    async file(input: ComplaintFiling): Promise<{ complaint: Complaint; frozen: boolean; revokedSessions: number }> {
      const subject = input.subject.trim();
      const description = input.description.trim();
      const contact = input.contact?.trim() || null;
      const issues: ValidationIssue[] = [];
      if (!complaintKinds.includes(input.kind)) issues.push({ path: 'kind', message: 'is not a complaint kind' });
      if (subject.length === 0 || subject.length > maxComplaintSubject) {
        issues.push({ path: 'subject', message: `must be 1-${maxComplaintSubject} characters` });
      }
      if (description.length === 0 || description.length > maxComplaintDescription) {
        issues.push({ path: 'description', message: `must be 1-${maxComplaintDescription} characters` });
      }
      if (contact !== null && contact.length > maxComplaintContact) {
        issues.push({ path: 'contact', message: `must be at most ${maxComplaintContact} characters` });
      }
      rejectIssues(issues);
      const now = clock.now().toISOString();
      const freezes = input.kind === 'compromised_account';
      const complaint: Complaint = {
        id: crypto.randomId('cmp'),
        orgId: input.orgId,
        userId: input.userId,
        kind: input.kind,
        subject,
        description,
        contact,
        status: 'open',
        frozeOrg: freezes,
        notes: [],
        createdAt: now,
        updatedAt: now,
      };
      const { revokedSessions } = await repo.insert(complaint, freezes ? { freezeAt: now } : {});
      await audit.record({
        actor: input.actor,
        action: 'complaint.file',
        subject: complaint.id,
        data: { org: input.orgId, kind: input.kind },
      });
      if (freezes) {
        await audit.record({
          actor: input.actor,
          action: 'org.freeze',
          subject: input.orgId,
          reason: 'compromised-account report',
          data: { complaint: complaint.id, revoked_sessions: revokedSessions },
        });
        await notifySafely(
          notices,
          { orgIds: [input.orgId], kind: 'org.frozen', data: { complaint_id: complaint.id, subject }, email: true },
          onError,
        );
      }
      return { complaint, frozen: freezes, revokedSessions };
    },

    /** The organisation's own complaints, newest first. */
    listOwn: (orgId: string, options: { after?: ComplaintPosition; limit?: number } = {}) =>
      page({ orgId, after: options.after, limit: options.limit }),

    /** The operator's queue, newest first, optionally of one status. */
    list: (options: { status?: ComplaintStatus; after?: ComplaintPosition; limit?: number } = {}) =>
      page({ ...(options.status ? { status: options.status } : {}), after: options.after, limit: options.limit }),

    async get(id: string): Promise<ComplaintWithOrg> {
      const found = await repo.find(id);
      if (!found) throw new DomainError('complaint.not_found');
      return found;
    },

    /** The operator moves a complaint on, with a note (required); closing a freezing report lifts the freeze. */
    async update(
      id: string,
      input: { status: ComplaintUpdateStatus; note: string; actor: string },
    ): Promise<{ complaint: ComplaintWithOrg; unfrozen: boolean }> {
      const note = typeof input.note === 'string' ? input.note.trim() : '';
      const issues: ValidationIssue[] = [];
      if (!complaintUpdateStatuses.includes(input.status)) {
        issues.push({ path: 'status', message: 'must be in_progress, resolved or dismissed' });
      }
      if (note.length === 0 || note.length > maxComplaintNote) {
        issues.push({ path: 'note', message: `must be 1-${maxComplaintNote} characters` });
      }
      rejectIssues(issues);
      for (;;) {
        const current = await repo.find(id);
        if (!current) throw new DomainError('complaint.not_found');
        if (current.status === 'resolved' || current.status === 'dismissed') {
          throw new DomainError('complaint.closed', { status: current.status });
        }
        const now = clock.now().toISOString();
        const closes = input.status === 'resolved' || input.status === 'dismissed';
        const next = {
          status: input.status,
          notes: [...current.notes, { at: now, actor: input.actor, status: input.status, note }],
          updatedAt: now,
        };
        const { updated, unfrozen } = await repo.update(id, current.status, next, {
          unfreeze: closes && current.frozeOrg,
        });
        if (!updated) continue; // another operator moved it meanwhile: decide again from what they left
        await audit.record({
          actor: input.actor,
          action: 'complaint.update',
          subject: id,
          reason: note,
          data: { org: current.orgId, from: current.status, to: input.status },
        });
        if (unfrozen) {
          await audit.record({
            actor: input.actor,
            action: 'org.unfreeze',
            subject: current.orgId,
            reason: note,
            data: { complaint: id },
          });
        }
        await notifySafely(
          notices,
          {
            orgIds: [current.orgId],
            kind: 'complaint.updated',
            data: { complaint_id: id, subject: current.subject, status: input.status, note, unfrozen },
            email: true,
          },
          onError,
        );
        return { complaint: { ...current, ...next }, unfrozen };
      }
    },
  };
}

export type Complaints = ReturnType<typeof createComplaints>;
