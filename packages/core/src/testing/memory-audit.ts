import type { AuditEntry } from '../audit/audit-entry.js';
import { createAuditLog } from '../audit/audit-log.service.js';
import type { Clock } from '../ports.js';
import { testCrypto } from './node-ports.js';

/** A real audit log over an array, for services' unit tests; `entries` is what was recorded. */
export function memoryAudit(clock: Clock = { now: () => new Date() }) {
  const entries: AuditEntry[] = [];
  const audit = createAuditLog({
    repository: {
      async append(build) {
        const entry = build(entries.at(-1));
        entries.push(entry);
        return entry;
      },
      async listAfter(afterSeq, limit) {
        return entries.filter((e) => e.seq > afterSeq).slice(0, limit);
      },
    },
    clock,
    crypto: testCrypto,
  });
  return { audit, entries };
}
