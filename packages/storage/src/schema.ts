import type { AuditHeadTable, AuditLogTable } from './audit-log.table.js';
import type { NonceTable } from './nonce.table.js';

export interface Database {
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  request_nonce: NonceTable;
}
