import type { AuditHeadTable, AuditLogTable } from './audit-log.table.js';
import type { NonceTable } from './nonce.table.js';
import type { OrganizationTable } from './organization.table.js';
import type { UserAccountTable } from './user-account.table.js';
import type { UserSessionTable } from './user-session.table.js';
import type { AgreementAcceptanceTable, AgreementVersionTable } from './agreement.table.js';
import type { AppTable } from './app.table.js';
import type { ApiKeyTable } from './api-key.table.js';
import type { PriceTable } from './price.table.js';
import type {
  LedgerAccountTable,
  LedgerPostingTable,
  LedgerTransactionTable,
  ReservationTable,
} from './ledger.table.js';
import type { IdempotencyRecordTable } from './idempotency.table.js';
import type { ConsentTable } from './consent.table.js';
import type { DeletionReceiptTable } from './deletion-receipt.table.js';
import type {
  CertificationApplicationTable,
  CertificationDocumentTable,
  IndustryTable,
  SanctionsEntryTable,
  SanctionsListTable,
} from './certification.table.js';
import type { NoticeInboxTable, NoticeTable } from './notice.table.js';
import type { ComplaintTable } from './complaint.table.js';
import type { VerificationBlobTable, VerificationTable } from './verification.table.js';
import type { BalanceAlertTable, TopupRequestTable } from './topup-request.table.js';

import type { AccountTokenTable } from './account-token.table.js';
import type { MailOutboxTable } from './mail-outbox.table.js';
import type { CaptureAttemptTable, CaptureFrameTable, CaptureSessionTable } from './capture-session.table.js';
import type { WebhookDeliveryAttemptTable, WebhookEventTable, WebhookSecretTable } from './webhook.table.js';
import type { IdentityRecordTable } from './identity-record.table.js';

import type { FaceIdBusinessTable } from './faceid-business.table.js';
import type { LookupKeyTable } from './lookup-key.table.js';

export interface Database {
  lookup_key: LookupKeyTable;
  faceid_business: FaceIdBusinessTable;
  identity_record: IdentityRecordTable;
  industry: IndustryTable;
  certification_application: CertificationApplicationTable;
  certification_document: CertificationDocumentTable;
  sanctions_list: SanctionsListTable;
  sanctions_entry: SanctionsEntryTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  request_nonce: NonceTable;
  organization: OrganizationTable;
  user_account: UserAccountTable;
  user_session: UserSessionTable;
  account_token: AccountTokenTable;
  mail_outbox: MailOutboxTable;
  agreement_version: AgreementVersionTable;
  agreement_acceptance: AgreementAcceptanceTable;
  app: AppTable;
  api_key: ApiKeyTable;
  price: PriceTable;
  ledger_account: LedgerAccountTable;
  ledger_transaction: LedgerTransactionTable;
  ledger_posting: LedgerPostingTable;
  reservation: ReservationTable;
  idempotency_record: IdempotencyRecordTable;
  consent: ConsentTable;
  verification: VerificationTable;
  verification_blob: VerificationBlobTable;
  deletion_receipt: DeletionReceiptTable;
  topup_request: TopupRequestTable;
  balance_alert: BalanceAlertTable;
  notice: NoticeTable;
  notice_inbox: NoticeInboxTable;
  complaint: ComplaintTable;
  capture_session: CaptureSessionTable;
  capture_attempt: CaptureAttemptTable;
  capture_frame: CaptureFrameTable;
  webhook_event: WebhookEventTable;
  webhook_delivery_attempt: WebhookDeliveryAttemptTable;
  webhook_secret: WebhookSecretTable;
}
