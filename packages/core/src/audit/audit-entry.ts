import type { Crypto } from '../ports.js';

/** What a caller records: who did what to which subject, and why. Never images or secrets. */
export interface AuditEntryInput {
  readonly actor: string;
  readonly action: string;
  readonly subject?: string | undefined;
  readonly reason?: string | undefined;
  readonly data?: Readonly<Record<string, unknown>> | undefined;
}

/** A stored entry: its place in the chain, and the hash that ties it to the one before. */
export interface AuditEntry extends AuditEntryInput {
  readonly seq: number;
  readonly id: string;
  readonly occurredAt: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** The hash the first entry chains to. */
export const genesisHash = '0'.repeat(64);

/** sha256 over a canonical JSON of every field but the hash itself, including the previous entry's hash. */
export function hashAuditEntry(crypto: Pick<Crypto, 'sha256Hex'>, entry: Omit<AuditEntry, 'hash'>): string {
  return crypto.sha256Hex(
    canonicalJson([
      entry.prevHash,
      entry.seq,
      entry.id,
      entry.occurredAt,
      entry.actor,
      entry.action,
      entry.subject ?? null,
      entry.reason ?? null,
      entry.data ?? null,
    ]),
  );
}

/** JSON with object keys sorted at every level, so that the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
