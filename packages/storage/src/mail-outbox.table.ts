import type { MailStatus } from '@visage/core';

export interface MailOutboxTable {
  id: string;
  to_address: string;
  subject: string;
  body_text: string;
  purpose: string;
  status: MailStatus;
  error: string | null;
  created_at: string;
  sent_at: string | null;
}
