import { randomBytes as nodeRandomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { masterKeyId } from '../adapters/secret-box.js';
import { decodeMasterKey } from './config.schema.js';
import { ConfigError, type Config } from './load-config.js';

export interface MasterKeyOptions {
  /** Where a new key's bytes come from (tests); node:crypto's randomBytes otherwise. */
  readonly randomBytes?: (size: number) => Uint8Array;
  /** Told the path of a newly generated key file, so the caller can log it (it must be backed up). */
  readonly onGenerated?: (path: string) => void;
}

export const masterKeyFileName = 'master.key';

/**
 * The 32-byte master key: VISAGE_MASTER_KEY when set; otherwise (SQLite only) `<dataDir>/master.key`, generated on
 * first start. The file holds the key as one line of base64 text, mode 0600; a file of any other size, or readable
 * or writable by group or others, is refused rather than repaired or replaced: replacing it would make everything
 * sealed under the old key unreadable.
 */
export function loadMasterKey(
  config: Pick<Config, 'masterKey' | 'databaseUrl' | 'dataDir'>,
  options: MasterKeyOptions = {},
): Buffer {
  if (config.masterKey !== undefined) {
    const key = decodeMasterKey(config.masterKey);
    if (!key) throw problem('VISAGE_MASTER_KEY', 'must be the base64 of exactly 32 bytes');
    return key;
  }
  if (config.databaseUrl !== undefined) {
    throw problem('VISAGE_MASTER_KEY', 'required when DATABASE_URL is set: every server process must share one key');
  }
  const path = join(config.dataDir, masterKeyFileName);
  return readKeyFile(path) ?? generateKeyFile(config.dataDir, path, options);
}

/** The master keys a process holds: `current` seals (and opens), `decryptOnly` only open. */
export interface MasterKeyring {
  readonly current: Buffer;
  readonly decryptOnly: readonly Buffer[];
}

/**
 * The current master key (`loadMasterKey`) and VISAGE_MASTER_KEYS_DECRYPT_ONLY. A decrypt-only key equal to the
 * current one is dropped (harmless: a phase of a rotation may list it in both places); two different keys with the
 * same 4-byte key id are refused, since a sealed value would not say which of them opens it.
 */
export function loadMasterKeyring(
  config: Pick<Config, 'masterKey' | 'masterKeysDecryptOnly' | 'databaseUrl' | 'dataDir'>,
  options: MasterKeyOptions = {},
): MasterKeyring {
  const current = loadMasterKey(config, options);
  const decryptOnly: Buffer[] = [];
  const ids = new Map<string, Buffer>([[masterKeyId(current).toString('hex'), current]]);
  config.masterKeysDecryptOnly.forEach((text, index) => {
    const key = decodeMasterKey(text);
    if (!key) throw problem('VISAGE_MASTER_KEYS_DECRYPT_ONLY', `entry ${index + 1} is not the base64 of 32 bytes`);
    const id = masterKeyId(key).toString('hex');
    const known = ids.get(id);
    if (known?.equals(key)) return;
    if (known) {
      throw problem(
        'VISAGE_MASTER_KEYS_DECRYPT_ONLY',
        `entry ${index + 1} has the key id ${id} of another key in the keyring; make a new key`,
      );
    }
    ids.set(id, key);
    decryptOnly.push(key);
  });
  return { current, decryptOnly };
}

/** The key in `path`, or undefined when there is no such file. */
function readKeyFile(path: string): Buffer | undefined {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw problem(path, `cannot be read: ${(error as Error).message}`);
  }
  if (!stat.isFile()) throw problem(path, 'is not a regular file');
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw problem(
      path,
      `is accessible to other users (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}); ` +
        `restrict it with \`chmod 600 ${path}\``,
    );
  }
  const key = decodeMasterKey(readFileSync(path, 'utf8'));
  if (!key) {
    throw problem(
      path,
      'does not hold the base64 of exactly 32 bytes; restore it from your backup (a new key cannot read data ' +
        'sealed under the old one)',
    );
  }
  return key;
}

function generateKeyFile(dataDir: string, path: string, options: MasterKeyOptions): Buffer {
  const key = Buffer.from((options.randomBytes ?? nodeRandomBytes)(32));
  if (key.length !== 32) throw new RangeError('the master key source must give 32 bytes');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Write a temporary file, then link it into place: the key file appears complete or not at all, and when two
  // processes start at once, the first link wins and the other reads that key.
  const temporary = `${path}.${process.pid}.${nodeRandomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const existing = readKeyFile(path);
    if (existing) return existing;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
  options.onGenerated?.(path);
  return key;
}

const problem = (variable: string, text: string) => new ConfigError([{ variable, problem: text }]);
