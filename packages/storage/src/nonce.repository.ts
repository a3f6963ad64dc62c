import type { Clock, NonceStore } from '@visage/core';
import type { Transaction } from 'kysely';
import type { VisageDatabase } from './database.js';
import type { Database } from './schema.js';
import { createWriteBatcher, type Defer } from './write-batcher.js';

interface NonceUse {
  readonly keyId: string;
  readonly nonce: string;
  readonly expiresAt: Date;
}

/**
 * Nonces shared by every server process through the database. One statement decides: the insert succeeds for a
 * new nonce, or overwrites one whose time has passed; a live duplicate changes no row and is refused. Nonces that
 * wait at the same time are written in one transaction (write-batcher.ts).
 */
export function createNonceStore(
  { db }: VisageDatabase,
  clock: Clock,
  options: { defer?: Defer } = {},
): NonceStore & { sweep(): Promise<number> } {
  const rememberOne = createWriteBatcher(
    db,
    (trx, use: NonceUse) => remember(trx, use, clock.now().toISOString()),
    options.defer,
    (use) => `${use.keyId}\u0000${use.nonce}`,
  );
  return {
    remember: (keyId, nonce, expiresAt) => rememberOne({ keyId, nonce, expiresAt }),

    /** Deletes expired nonces; returns how many. */
    async sweep() {
      const result = await db
        .deleteFrom('request_nonce')
        .where('expires_at', '<=', clock.now().toISOString())
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

async function remember(trx: Transaction<Database>, { keyId, nonce, expiresAt }: NonceUse, now: string) {
  const result = await trx
    .insertInto('request_nonce')
    .values({ key_id: keyId, nonce, expires_at: expiresAt.toISOString() })
    .onConflict((oc) =>
      oc
        .columns(['key_id', 'nonce'])
        .doUpdateSet({ expires_at: expiresAt.toISOString() })
        .where('request_nonce.expires_at', '<=', now),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}
