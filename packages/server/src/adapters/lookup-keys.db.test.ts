import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLookupKeyRepository,
  createSealedValueRepository,
  migrateToLatest,
  openDatabase,
  type VisageDatabase,
} from '@visage/storage';
import { createTestSchema, dialectNames, type TestSchema } from '@visage/storage/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { rewrapSealedValues } from '../master-key-rotation.js';
import { openServices } from '../services.js';
import { openLookupKeys } from './lookup-keys.js';
import { createSecretBox } from './secret-box.js';

/** What versions before the lookup-key table computed, straight from the master key (pinned here on purpose). */
const legacy = (masterKey: Buffer, label: string, value: string) =>
  createHmac('sha256', Buffer.from(hkdfSync('sha256', masterKey, new Uint8Array(0), label, 32)))
    .update(value, 'utf8')
    .digest('hex');
const legacyPseudonym = (masterKey: Buffer, value: string) => legacy(masterKey, 'visage subject pseudonym v1', value);
const legacyIdNumberHash = (masterKey: Buffer, value: string) => legacy(masterKey, 'visage identity number v1', value);

const b64 = (key: Buffer) => key.toString('base64');
const idNumber = '11010119900307001X';

for (const dialect of dialectNames) {
  describe(`lookup keys across a master-key rotation on ${dialect}`, () => {
    let dataDir: string;
    let schema: TestSchema | undefined;
    beforeEach(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'visage-lookup-'));
      schema = dialect === 'postgres' ? await createTestSchema() : undefined;
    });
    afterEach(async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await schema?.drop();
    });

    /** The services as a server process with this environment would open them. */
    const open = async (env: Record<string, string>) => {
      const services = await openServices(
        loadConfig({ ...env, ...(schema ? { DATABASE_URL: schema.url } : {}) }, { dataDir }),
      );
      await schema?.migrated();
      return services;
    };

    it('gives the same pseudonyms and ID-number hashes as before, through every phase of a rotation', async () => {
      // Before: SQLite's generated master.key (or VISAGE_MASTER_KEY on PostgreSQL) is the only key.
      const original = randomBytes(32);
      const first = await open(dialect === 'sqlite' ? {} : { VISAGE_MASTER_KEY: b64(original) });
      const keyA =
        dialect === 'sqlite'
          ? Buffer.from(readFileSync(join(dataDir, 'master.key'), 'utf8').trim(), 'base64')
          : original;
      const pseudonym = first.pseudonymize('user-42');
      const hash = first.hashIdNumber(idNumber);
      // Exactly what earlier versions stored: existing receipts and registry rows stay valid.
      expect(pseudonym).toBe(legacyPseudonym(keyA, 'user-42'));
      expect(hash).toBe(legacyIdNumberHash(keyA, idNumber));
      await first.close();

      // Phase 1: the new key B is rolled out decrypt-only.
      const keyB = randomBytes(32);
      const phase1 = await open({ VISAGE_MASTER_KEY: b64(keyA), VISAGE_MASTER_KEYS_DECRYPT_ONLY: b64(keyB) });
      expect(phase1.pseudonymize('user-42')).toBe(pseudonym);
      await phase1.close();

      // Phase 2: B seals, A only opens; phase 3: the re-wrap.
      const phase2 = await open({ VISAGE_MASTER_KEY: b64(keyB), VISAGE_MASTER_KEYS_DECRYPT_ONLY: b64(keyA) });
      expect(phase2.pseudonymize('user-42')).toBe(pseudonym);
      expect(phase2.hashIdNumber(idNumber)).toBe(hash);
      const rewrap = await rewrapSealedValues(createSealedValueRepository(phase2.database), phase2.secretBox);
      expect(rewrap.rewrapped).toBe(2);
      expect(rewrap.status.remaining).toBe(0);
      await phase2.close();

      // Phase 4: A is gone. Same pseudonyms, same hashes, though nothing derives from A any more.
      const phase4 = await open({ VISAGE_MASTER_KEY: b64(keyB) });
      expect(phase4.pseudonymize('user-42')).toBe(pseudonym);
      expect(phase4.hashIdNumber(idNumber)).toBe(hash);
      expect(phase4.pseudonymize('user-42')).not.toBe(legacyPseudonym(keyB, 'user-42'));
      await phase4.close();

      // A wrong key (or B dropped before the re-wrap) is refused at start, naming the key ids.
      const wrong = await open({ VISAGE_MASTER_KEY: b64(randomBytes(32)) }).catch((error: unknown) => error);
      expect(wrong).toBeInstanceOf(ConfigError);
      expect((wrong as Error).message).toMatch(
        new RegExp(`VISAGE_MASTER_KEY: the database's values are sealed under master key id ${phase4.secretBox.keyId}`),
      );
    });

    it('refuses a first start that already has decrypt-only keys (it could be mid-rotation, on a new key)', async () => {
      const env = { VISAGE_MASTER_KEY: b64(randomBytes(32)), VISAGE_MASTER_KEYS_DECRYPT_ONLY: b64(randomBytes(32)) };
      const refused = await open(env).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ConfigError);
      expect((refused as Error).message).toMatch(/VISAGE_MASTER_KEYS_DECRYPT_ONLY: must be unset on the first start/);
      // Nothing was stored: a start without the decrypt-only keys then works.
      const services = await open({ VISAGE_MASTER_KEY: env.VISAGE_MASTER_KEY });
      expect(services.pseudonymize('x')).toBe(legacyPseudonym(Buffer.from(env.VISAGE_MASTER_KEY, 'base64'), 'x'));
      await services.close();
    });
  });
}

describe('lookup keys on concurrent first starts (PostgreSQL)', () => {
  let schema: TestSchema;
  const pools: VisageDatabase[] = [];
  beforeEach(async () => {
    schema = await createTestSchema();
    const migrator = openDatabase({ kind: 'postgres', url: schema.url });
    await migrateToLatest(migrator.db);
    await migrator.destroy();
    await schema.migrated();
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.destroy()));
    await schema.drop();
  });

  it('agrees on one set of keys, whichever process writes first', async () => {
    // Eight processes, each with its own connection pool; half of them already seal under another key (a rotation's
    // phase 2 racing the upgrade), so their own derived keys differ: all must end up with the same stored ones.
    const keyA = randomBytes(32);
    const keyB = randomBytes(32);
    for (let i = 0; i < 8; i++) pools.push(openDatabase({ kind: 'postgres', url: schema.url }));
    // A few rounds on an emptied table: a lost race shows up in one of them even when a round happens to serialise.
    for (let round = 0; round < 4; round++) {
      await pools[0]!.db.deleteFrom('lookup_key').execute();
      const opened = await Promise.all(
        pools.map((database, i) => {
          const [current, other] = i % 2 === 0 ? [keyA, keyB] : [keyB, keyA];
          return openLookupKeys({
            repo: createLookupKeyRepository(database),
            secretBox: createSecretBox(current, [other]),
            masterKey: current,
            decryptOnlyKeys: 0,
            now: () => new Date(),
          });
        }),
      );
      const pseudonymKeys = new Set(opened.map((keys) => keys.pseudonym.toString('hex')));
      const numberKeys = new Set(opened.map((keys) => keys.identityNumber.toString('hex')));
      expect(pseudonymKeys.size, `round ${round}`).toBe(1);
      expect(numberKeys.size, `round ${round}`).toBe(1);
      expect(await createLookupKeyRepository(pools[0]!).list()).toHaveLength(2);
    }
  });
});
