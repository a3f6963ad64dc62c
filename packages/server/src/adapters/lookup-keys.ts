import { hkdfSync } from 'node:crypto';
import type { LookupKeyRepository } from '@visage/storage';
import { ConfigError } from '../config/load-config.js';
import { sealedKeyId, type MasterKeySecretBox } from './secret-box.js';

/**
 * The keys of the deterministic lookups: subject pseudonyms in deletion receipts (pseudonymizer.ts) and the
 * registry's ID-number hashes (identity-number-hash.ts). Their outputs are stored and cannot be recomputed (the
 * plaintexts are not kept), so the keys must outlive the master key: each is stored in `lookup_key`, sealed under
 * the master key like any secret (a rotation re-wraps it), and read at start-up.
 *
 * A key is created on the first start that finds none, as HKDF-SHA-256(current master key, the purpose's label):
 * the very key earlier versions derived on every start, so an installation's existing pseudonyms and hashes stay
 * valid. Only these derived keys are stored, never the master key itself: after a rotation the database holds no
 * copy of the retired key.
 */
export const lookupKeyPurposes = {
  /** Subject pseudonyms (deletion receipts). */
  pseudonym: { purpose: 'subject-pseudonym', label: 'visage subject pseudonym v1' },
  /** The identity registry's ID-number hashes. */
  identityNumber: { purpose: 'identity-number', label: 'visage identity number v1' },
} as const;

export type LookupKeys = { readonly [name in keyof typeof lookupKeyPurposes]: Buffer };

/** The key earlier versions derived from the master key for `label`; what a first start stores. */
export function deriveLookupKey(masterKey: Uint8Array, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, new Uint8Array(0), label, 32));
}

export const lookupKeyContext = (purpose: string) => `lookup-key:${purpose}`;

/**
 * The stored lookup keys, creating the missing ones from `masterKey` (the current one). Processes starting at once
 * each offer their rows and then all read what was stored first, so they agree. Refused (ConfigError) when the
 * table is empty while decrypt-only master keys are configured: a first start in the middle of a rotation could be
 * running with a new current key, whose derived keys would not match the stored pseudonyms and hashes.
 */
export async function openLookupKeys(ports: {
  readonly repo: LookupKeyRepository;
  readonly secretBox: MasterKeySecretBox;
  readonly masterKey: Uint8Array;
  readonly decryptOnlyKeys: number;
  readonly now: () => Date;
}): Promise<LookupKeys> {
  const { repo, secretBox } = ports;
  const wanted = Object.values(lookupKeyPurposes);
  let stored = await repo.list();
  const missing = wanted.filter(({ purpose }) => !stored.some((row) => row.purpose === purpose));
  if (missing.length > 0) {
    if (stored.length === 0 && ports.decryptOnlyKeys > 0) {
      throw new ConfigError([
        {
          variable: 'VISAGE_MASTER_KEYS_DECRYPT_ONLY',
          problem:
            'must be unset on the first start of this version: it stores the lookup keys derived from the master ' +
            'key in use so far (VISAGE_MASTER_KEY or master.key); start once without decrypt-only keys, then ' +
            'rotate (docs/operations.md, "Rotating the master key")',
        },
      ]);
    }
    await repo.insertIfAbsent(
      missing.map(({ purpose, label }) => {
        const key = deriveLookupKey(ports.masterKey, label);
        try {
          return { purpose, sealed: secretBox.seal(key, lookupKeyContext(purpose)) };
        } finally {
          key.fill(0);
        }
      }),
      ports.now().toISOString(),
    );
    stored = await repo.list();
  }
  const open = (purpose: string): Buffer => {
    const row = stored.find((candidate) => candidate.purpose === purpose);
    if (!row) throw new Error(`the lookup key ${purpose} was not stored`);
    const keyId = sealedKeyId(row.sealed);
    if (keyId === undefined || !secretBox.keyIds.includes(keyId)) {
      // The wrong key, or one dropped before `visage master-key rewrap` moved the values off it: nothing would open.
      throw new ConfigError([
        {
          variable: 'VISAGE_MASTER_KEY',
          problem:
            `the database's values are sealed under master key id ${keyId ?? '(none)'}, which is neither this key ` +
            `(id ${secretBox.keyId}) nor one of VISAGE_MASTER_KEYS_DECRYPT_ONLY; configure the key the database was ` +
            'sealed under',
        },
      ]);
    }
    const key = Buffer.from(secretBox.open(row.sealed, lookupKeyContext(purpose)));
    if (key.length !== 32) throw new Error(`the lookup key ${purpose} is not 32 bytes`);
    return key;
  };
  return {
    pseudonym: open(lookupKeyPurposes.pseudonym.purpose),
    identityNumber: open(lookupKeyPurposes.identityNumber.purpose),
  };
}
