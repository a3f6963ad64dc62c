/** The identity registry (有源 comparison): where name + ID number lead to a reference face. */
import type { FaceTemplateRef } from '../verification/verification.ports.js';

/** What a verification asks an identity source: the number is already normalised (no spaces, upper-case X). */
export interface IdentityQuery {
  readonly name: string;
  readonly idNumber: string;
  /**
   * Asked for a sandbox key: only the registry's sandbox records answer it (an external source is never asked), so
   * that a sandbox key, which needs no certification, cannot check real identities.
   */
  readonly sandbox: boolean;
}

/**
 * An identity source's answer. `found` carries the reference face as a template (the built-in registry: computed
 * by this platform's engine at import) and/or a photo (an external source; the engine computes its template).
 */
export type IdentityMatch =
  | {
      readonly status: 'found';
      readonly template?: FaceTemplateRef | undefined;
      readonly photo?: Uint8Array | undefined;
    }
  | { readonly status: 'not_found' }
  | { readonly status: 'name_mismatch' };

export type IdentitySourceKind = 'registry' | 'http';

/**
 * The port a registry comparison asks: the built-in registry, or an operator's external authoritative source over
 * HTTP (docs/identity-sources.md). Throws DomainError('registry.source_unavailable') when it cannot answer.
 */
export interface IdentitySource {
  readonly kind: IdentitySourceKind;
  lookup(query: IdentityQuery): Promise<IdentityMatch>;
}

/**
 * One registry record as stored: every personal field sealed with the SecretBox under `identity:<id>:<field>`;
 * the number is found by its keyed hash; the masked forms are what operators see in lists.
 */
export interface StoredIdentity {
  readonly id: string;
  /** A sandbox record (seen only by sandbox keys) or a live one (seen only by live keys). */
  readonly sandbox: boolean;
  /** Keyed hash (HMAC under a key derived from the master key) of the normalised number: unique per mode. */
  readonly numberHash: string;
  readonly numberSealed: Uint8Array;
  readonly numberMasked: string;
  readonly nameSealed: Uint8Array;
  readonly nameMasked: string;
  readonly templateModel: string;
  /** JSON of the FaceTemplateRef. */
  readonly templateSealed: Uint8Array;
  readonly photoSealed: Uint8Array | null;
  /** `cli:<file name>` or `admin-api`. */
  readonly source: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A record without its sealed fields: what lists show. */
export type IdentitySummary = Pick<
  StoredIdentity,
  'id' | 'sandbox' | 'numberMasked' | 'nameMasked' | 'templateModel' | 'source' | 'createdAt' | 'updatedAt'
> & { readonly hasPhoto: boolean };

export interface IdentityRecordRepository {
  findByNumberHash(numberHash: string, sandbox: boolean): Promise<StoredIdentity | undefined>;
  /**
   * A lookup's first step: only the record's id and sealed name (the template and photo are read only once the name
   * matched, so an unknown number and a wrong name cost the same work).
   */
  findNameByNumberHash(
    numberHash: string,
    sandbox: boolean,
  ): Promise<{ readonly id: string; readonly nameSealed: Uint8Array } | undefined>;
  /** A lookup's second step: the reference face of a record whose name matched; undefined when it was deleted. */
  findReference(
    id: string,
  ): Promise<{ readonly templateSealed: Uint8Array; readonly photoSealed: Uint8Array | null } | undefined>;
  /** The ids of the records of this mode that hold these hashes (for an import that replaces them). */
  idsByNumberHash(numberHashes: readonly string[], sandbox: boolean): Promise<Map<string, string>>;
  /**
   * Writes every record in one transaction: a record whose id exists replaces that row (createdAt kept), others
   * are inserted. A number registered meanwhile under another id fails the whole write (unique hash per mode) with
   * DomainError('registry.import_conflict').
   */
  upsertMany(records: readonly StoredIdentity[]): Promise<void>;
  /** In id order, after `after`, at most `limit`. */
  list(options: { readonly after?: string | undefined; readonly limit: number }): Promise<IdentitySummary[]>;
  count(): Promise<number>;
  /** True when a row was deleted. */
  remove(id: string): Promise<boolean>;
}
