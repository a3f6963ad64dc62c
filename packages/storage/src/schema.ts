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
import type { VerificationBlobTable, VerificationTable } from './verification.table.js';

export interface Database {
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  request_nonce: NonceTable;
  organization: OrganizationTable;
  user_account: UserAccountTable;
  user_session: UserSessionTable;
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
}
