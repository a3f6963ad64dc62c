import { createHmac, hkdfSync } from 'node:crypto';

/**
 * The registry's lookup key for an ID number: HMAC-SHA-256 under a key derived from the master key (its own HKDF
 * label, so it never equals a subject pseudonym). ID numbers are guessable (region, birth date, sequence, check
 * digit: a few hundred million per year of birth), so a plain hash could be reversed by enumeration; without the
 * master key this one cannot.
 */
export function createIdNumberHash(masterKey: Uint8Array): (normalizedNumber: string) => string {
  const key = Buffer.from(hkdfSync('sha256', masterKey, new Uint8Array(0), 'visage identity number v1', 32));
  return (value) => createHmac('sha256', key).update(value, 'utf8').digest('hex');
}
