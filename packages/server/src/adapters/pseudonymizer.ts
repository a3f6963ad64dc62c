import { createHmac } from 'node:crypto';

/**
 * HMAC-SHA-256 under the installation's pseudonym key (lookup-keys.ts: stored sealed in the database, so it outlives
 * a master-key rotation): a subject ref in a deletion receipt stays comparable for this installation, but a guessed
 * ref cannot be checked against it without that key (a plain SHA-256 of predictable refs such as user ids could be).
 */
export function createPseudonymizer(pseudonymKey: Uint8Array): (value: string) => string {
  const key = Buffer.from(pseudonymKey);
  return (value) => createHmac('sha256', key).update(value, 'utf8').digest('hex');
}
