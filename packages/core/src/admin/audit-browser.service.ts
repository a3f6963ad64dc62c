import type { AuditEntry } from '../audit/audit-entry.js';
import type { AuditLog, AuditVerification } from '../audit/audit-log.service.js';
import type { Clock } from '../ports.js';
import type { AdminQueryRepository, AuditSearch } from './admin.ports.js';

export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  /** The seq to continue before, when older entries follow. */
  readonly nextBefore: number | undefined;
}

/** The audit log as the operator browses it (newest first, filtered) and checks it (the whole chain). */
export function createAuditBrowser(ports: {
  queries: Pick<AdminQueryRepository, 'auditEntries'>;
  audit: Pick<AuditLog, 'verify'>;
  clock: Clock;
}) {
  const { queries, audit, clock } = ports;
  return {
    async list(search: AuditSearch): Promise<AuditPage> {
      // One row more than the page tells whether another page follows.
      const rows = await queries.auditEntries({ ...search, limit: search.limit + 1 });
      const entries = rows.slice(0, search.limit);
      return { entries, nextBefore: rows.length > search.limit ? entries.at(-1)?.seq : undefined };
    },

    async verify(): Promise<AuditVerification & { checkedAt: string }> {
      const result = await audit.verify();
      return { ...result, checkedAt: clock.now().toISOString() };
    },
  };
}

export type AuditBrowser = ReturnType<typeof createAuditBrowser>;
