/** Complaints and reports a customer files, and the operator's handling of them. Times are ISO-8601 UTC strings. */

export const complaintKinds = ['misuse', 'infringement', 'compromised_account'] as const;
export type ComplaintKind = (typeof complaintKinds)[number];

export const complaintStatuses = ['open', 'in_progress', 'resolved', 'dismissed'] as const;
export type ComplaintStatus = (typeof complaintStatuses)[number];

/** Statuses an operator may set; resolved and dismissed close the complaint for good. */
export const complaintUpdateStatuses = ['in_progress', 'resolved', 'dismissed'] as const;
export type ComplaintUpdateStatus = (typeof complaintUpdateStatuses)[number];

export interface ComplaintNote {
  readonly at: string;
  readonly actor: string;
  readonly status: ComplaintStatus;
  readonly note: string;
}

export interface Complaint {
  readonly id: string;
  readonly orgId: string;
  /** The user who filed it. */
  readonly userId: string;
  readonly kind: ComplaintKind;
  readonly subject: string;
  readonly description: string;
  readonly contact: string | null;
  readonly status: ComplaintStatus;
  /** True when filing it froze the organisation (a compromised-account report). */
  readonly frozeOrg: boolean;
  /** The operator's resolution notes, oldest first. */
  readonly notes: readonly ComplaintNote[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ComplaintWithOrg extends Complaint {
  readonly orgName: string | null;
}

export interface ComplaintPosition {
  readonly createdAt: string;
  readonly id: string;
}

export interface ComplaintRepository {
  /**
   * Stores the complaint. With `freezeAt`, in the same transaction: marks the organisation frozen (keeping an earlier
   * freeze's time) and revokes every unrevoked session of its users; returns how many sessions it revoked.
   */
  insert(complaint: Complaint, options?: { readonly freezeAt?: string }): Promise<{ readonly revokedSessions: number }>;
  find(id: string): Promise<ComplaintWithOrg | undefined>;
  /** Newest first (createdAt, then id). */
  list(filter: {
    readonly orgId?: string;
    readonly status?: ComplaintStatus;
    readonly after?: ComplaintPosition | undefined;
    readonly limit: number;
  }): Promise<ComplaintWithOrg[]>;
  /**
   * Sets status, notes and updatedAt while the stored status still equals `expected` (false otherwise). With
   * `unfreeze`, in the same transaction, lifts the organisation's freeze unless another open or in-progress complaint
   * that froze it remains; `unfrozen` says whether it did.
   */
  update(
    id: string,
    expected: ComplaintStatus,
    next: Pick<Complaint, 'status' | 'notes' | 'updatedAt'>,
    options?: { readonly unfreeze?: boolean },
  ): Promise<{ readonly updated: boolean; readonly unfrozen: boolean }>;
}
