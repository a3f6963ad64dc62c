import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './load-config.js';
import { masterKeyId } from '../adapters/secret-box.js';
import { loadMasterKey, loadMasterKeyring } from './master-key.js';

const posix = process.platform !== 'win32';
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'visage-master-key-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const sqlite = (dataDir: string) => ({ masterKey: undefined, databaseUrl: undefined, dataDir });

describe('loadMasterKey', () => {
  it('decodes VISAGE_MASTER_KEY and writes no file', () => {
    const key = Buffer.alloc(32, 5);
    const dataDir = join(root, 'data');
    expect(loadMasterKey({ masterKey: key.toString('base64'), databaseUrl: undefined, dataDir })).toEqual(key);
    expect(readdirSync(root)).toEqual([]);
  });

  it('generates a key on first start into <dataDir>/master.key, mode 0600, and reads it back afterwards', () => {
    const dataDir = join(root, 'nested', 'data');
    const generated: string[] = [];
    const key = loadMasterKey(sqlite(dataDir), { onGenerated: (path) => generated.push(path) });
    const path = join(dataDir, 'master.key');
    expect(key).toHaveLength(32);
    expect(generated).toEqual([path]);
    expect(readFileSync(path, 'utf8')).toBe(`${key.toString('base64')}\n`);
    if (posix) expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dataDir)).toEqual(['master.key']);

    const again = loadMasterKey(sqlite(dataDir), { onGenerated: (p) => generated.push(p) });
    expect(again).toEqual(key);
    expect(generated).toHaveLength(1);
  });

  it('uses the injected random source', () => {
    const key = loadMasterKey(sqlite(root), { randomBytes: (n) => Buffer.alloc(n, 0xab) });
    expect(key).toEqual(Buffer.alloc(32, 0xab));
  });

  it('makes a different key for each data directory', () => {
    expect(loadMasterKey(sqlite(join(root, 'a')))).not.toEqual(loadMasterKey(sqlite(join(root, 'b'))));
  });

  it.runIf(posix)('refuses a key file that other users can read or write', () => {
    loadMasterKey(sqlite(root));
    for (const mode of [0o640, 0o604, 0o620]) {
      chmodSync(join(root, 'master.key'), mode);
      expect(() => loadMasterKey(sqlite(root))).toThrow(/is accessible to other users .*chmod 600/);
    }
  });

  it('refuses a key file that does not hold 32 bytes, and leaves it alone', () => {
    const path = join(root, 'master.key');
    for (const content of [Buffer.alloc(16, 1).toString('base64'), Buffer.alloc(32, 1).toString('hex'), '']) {
      writeFileSync(path, content, { mode: 0o600 });
      expect(() => loadMasterKey(sqlite(root))).toThrow(ConfigError);
      expect(() => loadMasterKey(sqlite(root))).toThrow(/does not hold the base64 of exactly 32 bytes/);
      expect(readFileSync(path, 'utf8')).toBe(content);
    }
  });

  it('refuses raw 32-byte files (the file is base64 text)', () => {
    writeFileSync(join(root, 'master.key'), Buffer.alloc(32, 0x41), { mode: 0o600 });
    expect(() => loadMasterKey(sqlite(root))).toThrow(/does not hold the base64/);
  });

  it('refuses a directory in place of the key file', () => {
    loadMasterKey(sqlite(join(root, 'master.key')));
    expect(() => loadMasterKey(sqlite(root))).toThrow(/is not a regular file/);
  });

  it('never generates a key for PostgreSQL, where every process must share one', () => {
    expect(() => loadMasterKey({ masterKey: undefined, databaseUrl: 'postgres://db/x', dataDir: root })).toThrow(
      /VISAGE_MASTER_KEY: required when DATABASE_URL is set/,
    );
    expect(readdirSync(root)).toEqual([]);
  });
});

describe('loadMasterKeyring', () => {
  const keyA = Buffer.alloc(32, 1);
  const keyB = Buffer.alloc(32, 2);

  it('takes VISAGE_MASTER_KEY as the current key and the decrypt-only keys after it', () => {
    const ring = loadMasterKeyring({
      masterKey: keyB.toString('base64'),
      masterKeysDecryptOnly: [keyA.toString('base64')],
      databaseUrl: 'postgres://db/x',
      dataDir: root,
    });
    expect(ring.current).toEqual(keyB);
    expect(ring.decryptOnly).toEqual([keyA]);
  });

  it('on SQLite, takes master.key as the current key unless VISAGE_MASTER_KEY is set', () => {
    const fileKey = loadMasterKey(sqlite(root));
    const ring = loadMasterKeyring({ ...sqlite(root), masterKeysDecryptOnly: [keyA.toString('base64')] });
    expect(ring.current).toEqual(fileKey);
    expect(ring.decryptOnly).toEqual([keyA]);
    // Rotating on SQLite: the new key in VISAGE_MASTER_KEY, the file's key decrypt-only.
    const rotated = loadMasterKeyring({
      ...sqlite(root),
      masterKey: keyB.toString('base64'),
      masterKeysDecryptOnly: [fileKey.toString('base64')],
    });
    expect(rotated.current).toEqual(keyB);
    expect(rotated.decryptOnly).toEqual([fileKey]);
  });

  it('drops a decrypt-only key equal to the current one or listed twice', () => {
    const ring = loadMasterKeyring({
      masterKey: keyA.toString('base64'),
      masterKeysDecryptOnly: [keyA.toString('base64'), keyB.toString('base64'), keyB.toString('base64url')],
      databaseUrl: undefined,
      dataDir: root,
    });
    expect(ring.decryptOnly).toEqual([keyB]);
    expect(masterKeyId(ring.current)).toEqual(masterKeyId(keyA));
  });

  it('names a malformed decrypt-only entry by position, never by value', () => {
    const bad = 'not-a-key-but-maybe-secret';
    let error: unknown;
    try {
      loadMasterKeyring({
        masterKey: keyA.toString('base64'),
        masterKeysDecryptOnly: [keyB.toString('base64'), bad],
        databaseUrl: undefined,
        dataDir: root,
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/VISAGE_MASTER_KEYS_DECRYPT_ONLY: entry 2 is not the base64 of 32 bytes/);
    expect((error as Error).message).not.toContain(bad);
  });
});
