import type { Clock, NonceStore } from '@visage/core';
import type { VisageDatabase } from './database.js';

/**
 * Nonces shared by every server process through the database. One statement decides: the insert succeeds for a
 * new nonce, or overwrites one whose time has passed; a live duplicate changes no row and is refused.
 */
export function createNonceStore({ db }: VisageDatabase, clock: Clock): NonceStore & { sweep(): Promise<number> } {
  return {
    async remember(keyId, nonce, expiresAt) {
      const now = clock.now().toISOString();
      const result = await db
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
    },

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
