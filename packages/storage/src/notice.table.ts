import type { NoticeKind } from '@visage/core';

export interface NoticeTable {
  id: string;
  kind: NoticeKind;
  title: string | null;
  body: string | null;
  /** JSON object. */
  data: string;
  audience: 'all' | 'orgs';
  /** 0 or 1. */
  email: number;
  recipient_count: number;
  sent_by: string | null;
  created_at: string;
}

export interface NoticeInboxTable {
  org_id: string;
  notice_id: string;
  created_at: string;
  read_at: string | null;
}
