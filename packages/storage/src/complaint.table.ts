import type { ComplaintKind, ComplaintStatus } from '@visage/core';

export interface ComplaintTable {
  id: string;
  org_id: string;
  user_id: string;
  kind: ComplaintKind;
  subject: string;
  description: string;
  contact: string | null;
  status: ComplaintStatus;
  /** 0 or 1. */
  froze_org: number;
  /** JSON array of { at, actor, status, note }. */
  notes: string;
  created_at: string;
  updated_at: string;
}
