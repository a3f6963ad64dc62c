import { createHmac } from 'node:crypto';

/**
 * The registry's lookup key for an ID number: HMAC-SHA-256 under the installation's ID-number key (lookup-keys.ts:
 * its own key, so a hash never equals a subject pseudonym; stored sealed in the database, so it outlives a
 * master-key rotation). ID numbers are guessable (region, birth date, sequence, check digit: a few hundred million
 * per year of birth), so a plain hash could be reversed by enumeration; without the key this one cannot.
 */
export function createIdNumberHash(identityNumberKey: Uint8Array): (normalizedNumber: string) => string {
  const key = Buffer.from(identityNumberKey);
  return (value) => createHmac('sha256', key).update(value, 'utf8').digest('hex');
}
