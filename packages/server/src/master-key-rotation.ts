import { sealedColumns, type SealedColumn, type SealedRowKey, type SealedValueRepository } from '@visage/storage';
import { SecretBoxError, sealedKeyId, type MasterKeySecretBox } from './adapters/secret-box.js';

/** How many values are under each key id, per sealed column and in all (hex key id -> count). */
export interface MasterKeyStatus {
  /** The key new values are sealed under. */
  readonly currentKeyId: string;
  /** Every key this process opens with: the current one first, then VISAGE_MASTER_KEYS_DECRYPT_ONLY's. */
  readonly keyIds: readonly string[];
  readonly totals: Readonly<Record<string, number>>;
  /** Values not under the current key (they still need a re-wrap; under an unknown key id they do not open). */
  readonly remaining: number;
  readonly columns: readonly {
    readonly table: string;
    readonly column: string;
    readonly keys: Readonly<Record<string, number>>;
  }[];
}

export interface RewrapResult {
  readonly currentKeyId: string;
  /** Values moved to the current key. */
  readonly rewrapped: number;
  /** Values that changed under us (a concurrent writer) and were already under the current key when re-read. */
  readonly rewrittenMeanwhile: number;
  /** Values that could not be re-wrapped: under a key outside the keyring, or malformed. First few named. */
  readonly failed: number;
  readonly failures: readonly {
    readonly table: string;
    readonly column: string;
    readonly row: string;
    readonly reason: string;
  }[];
  /** The status after the pass: `remaining` is 0 when every value is under the current key. */
  readonly status: MasterKeyStatus;
}

const unknownId = 'unknown';
const shownFailures = 20;

/** Counts every registered sealed column's values by the key id in their header (reading the headers only). */
export async function masterKeyStatus(
  repo: SealedValueRepository,
  secretBox: MasterKeySecretBox,
  options: { readonly pageSize?: number; readonly columns?: readonly SealedColumn[] } = {},
): Promise<MasterKeyStatus> {
  const pageSize = options.pageSize ?? 1000;
  const totals: Record<string, number> = {};
  const columns: { table: string; column: string; keys: Record<string, number> }[] = [];
  for (const column of options.columns ?? sealedColumns) {
    const keys: Record<string, number> = {};
    await eachPage(repo, column, pageSize, (heads) => {
      for (const { head } of heads) {
        const id = headKeyId(head);
        keys[id] = (keys[id] ?? 0) + 1;
        totals[id] = (totals[id] ?? 0) + 1;
      }
      return Promise.resolve();
    });
    columns.push({ table: column.table, column: column.column, keys });
  }
  const remaining = Object.entries(totals)
    .filter(([id]) => id !== secretBox.keyId)
    .reduce((sum, [, count]) => sum + count, 0);
  return { currentKeyId: secretBox.keyId, keyIds: secretBox.keyIds, totals, remaining, columns };
}

/**
 * Moves every registered sealed value that is not under the current master key onto it, in pages: only the wrapped
 * data key and the header change (`MasterKeySecretBox.rewrap`), and each row is written by a compare-and-set on the
 * value that was read, so a value a server rewrote meanwhile is never overwritten (it is re-read and, if still
 * under an old key, re-wrapped again). Safe to run while servers run, and to run again: a second pass finds
 * nothing to do.
 */
export async function rewrapSealedValues(
  repo: SealedValueRepository,
  secretBox: MasterKeySecretBox,
  options: {
    readonly pageSize?: number;
    readonly columns?: readonly SealedColumn[];
    /** Told after each page: the column and how many values were re-wrapped so far in all. */
    readonly onProgress?: (column: SealedColumn, rewrapped: number) => void;
  } = {},
): Promise<RewrapResult> {
  const pageSize = options.pageSize ?? 200;
  const columns = options.columns ?? sealedColumns;
  let rewrapped = 0;
  let rewrittenMeanwhile = 0;
  let failed = 0;
  const failures: { table: string; column: string; row: string; reason: string }[] = [];
  const fail = (column: SealedColumn, key: SealedRowKey, reason: string) => {
    failed++;
    if (failures.length < shownFailures) {
      failures.push({ table: column.table, column: column.column, row: key.join('/'), reason });
    }
  };

  for (const column of columns) {
    await eachPage(repo, column, pageSize, async (heads) => {
      for (const { key, head } of heads) {
        if (headKeyId(head) === secretBox.keyId) continue;
        // A concurrent writer may replace the value between our read and our write: then re-read, a few times.
        for (let attempt = 0; ; attempt++) {
          const value = await repo.read(column, key);
          if (!value) break; // deleted meanwhile (erasure, sweeper)
          let next: Uint8Array | undefined;
          try {
            next = secretBox.rewrap(value.bytes);
          } catch (error) {
            if (!(error instanceof SecretBoxError)) throw error;
            fail(column, key, error.message);
            break;
          }
          if (next === undefined) {
            // The header we scanned named an old key, the value now read is under the current one.
            rewrittenMeanwhile++;
            break;
          }
          if (await repo.replace(column, key, value, next)) {
            rewrapped++;
            break;
          }
          if (attempt >= 4) {
            fail(column, key, 'kept changing while being re-wrapped; run the re-wrap again');
            break;
          }
        }
      }
      options.onProgress?.(column, rewrapped);
    });
  }
  const status = await masterKeyStatus(repo, secretBox, { columns });
  return { currentKeyId: secretBox.keyId, rewrapped, rewrittenMeanwhile, failed, failures, status };
}

async function eachPage(
  repo: SealedValueRepository,
  column: SealedColumn,
  pageSize: number,
  visit: (heads: Awaited<ReturnType<SealedValueRepository['heads']>>) => Promise<void>,
): Promise<void> {
  let after: SealedRowKey | undefined;
  for (;;) {
    const heads = await repo.heads(column, after, pageSize);
    if (heads.length === 0) return;
    await visit(heads);
    if (heads.length < pageSize) return;
    after = heads[heads.length - 1]!.key;
  }
}

/** The key id a value's header names; `unknown` for a header that is not a version-1 sealed value's. */
function headKeyId(head: Uint8Array): string {
  if (head[0] !== 1) return unknownId;
  return sealedKeyId(head) ?? unknownId;
}
