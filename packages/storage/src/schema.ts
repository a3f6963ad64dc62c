import type { AuditHeadTable, AuditLogTable } from './audit-log.table.js';

export interface Database {
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
}
