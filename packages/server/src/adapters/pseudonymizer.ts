import { createHmac, hkdfSync } from 'node:crypto';

/**
 * HMAC-SHA-256 under a key derived from the master key: a subject ref in a deletion receipt stays comparable for
 * this installation, but a guessed ref cannot be checked against it without the master key (a plain SHA-256 of
 * predictable refs such as user ids could be).
 */
export function createPseudonymizer(masterKey: Uint8Array): (value: string) => string {
  const key = Buffer.from(hkdfSync('sha256', masterKey, new Uint8Array(0), 'visage subject pseudonym v1', 32));
  return (value) => createHmac('sha256', key).update(value, 'utf8').digest('hex');
}
