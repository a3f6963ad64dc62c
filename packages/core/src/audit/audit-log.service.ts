import type { Clock, Crypto } from '../ports.js';
import { genesisHash, hashAuditEntry, type AuditEntry, type AuditEntryInput } from './audit-entry.js';

export interface AuditChainHead {
  readonly seq: number;
  readonly hash: string;
}

/** Storage port. `append` must run `build` and store its result atomically with respect to other appends. */
export interface AuditLogRepository {
  append(build: (head: AuditChainHead | undefined) => AuditEntry): Promise<AuditEntry>;
  /** Entries with seq > afterSeq, in seq order. */
  listAfter(afterSeq: number, limit: number): Promise<AuditEntry[]>;
}

export type AuditVerification =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly entries: number; readonly brokenSeq: number; readonly reason: string };

export function createAuditLog(ports: {
  repository: AuditLogRepository;
  clock: Clock;
  crypto: Pick<Crypto, 'sha256Hex' | 'randomId'>;
}) {
  const { repository, clock, crypto } = ports;
  return {
    record(input: AuditEntryInput): Promise<AuditEntry> {
      return repository.append((head) => {
        const unhashed = {
          ...input,
          seq: (head?.seq ?? 0) + 1,
          id: crypto.randomId('aud'),
          occurredAt: clock.now().toISOString(),
          prevHash: head?.hash ?? genesisHash,
        };
        return { ...unhashed, hash: hashAuditEntry(crypto, unhashed) };
      });
    },

    /** Walks the whole chain and names the first entry whose content, hash or link does not hold. */
    async verify(pageSize = 1000): Promise<AuditVerification> {
      let expectedSeq = 1;
      let prevHash = genesisHash;
      for (;;) {
        const page = await repository.listAfter(expectedSeq - 1, pageSize);
        if (page.length === 0) return { ok: true, entries: expectedSeq - 1 };
        for (const entry of page) {
          const broken = (reason: string): AuditVerification => ({
            ok: false,
            entries: expectedSeq - 1,
            brokenSeq: expectedSeq,
            reason,
          });
          if (entry.seq !== expectedSeq) return broken(`entry ${expectedSeq} is missing`);
          if (entry.prevHash !== prevHash) return broken('its link to the previous entry does not match');
          if (hashAuditEntry(crypto, entry) !== entry.hash) return broken('its content does not match its hash');
          prevHash = entry.hash;
          expectedSeq++;
        }
      }
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
