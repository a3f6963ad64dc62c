import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './child-server.js';

/**
 * A PostgreSQL cluster of the test's own (Debian's binaries, initdb into a temp dir, a free loopback port), for
 * tests that stop and start the database: the shared server on 5432 is never touched. As root, the binaries run as
 * the `postgres` user (PostgreSQL refuses to run as root).
 */
export interface PrivatePostgres {
  readonly url: string;
  /** `pg_ctl stop -m immediate`: every backend killed at once, no shutdown checkpoint, as in a crash. */
  crash(): void;
  start(): void;
  destroy(): void;
}

/** The directory of initdb and pg_ctl, or a reason why there is none. */
export function postgresBinaries(): { bin: string } | { missing: string } {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'pg_ctl')));
  if (!bin) return { missing: `no PostgreSQL server binaries under ${root} (apt-get install postgresql)` };
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) {
    return { missing: 'running as root and there is no postgres user to run PostgreSQL as' };
  }
  return { bin };
}

/**
 * {@link postgresBinaries} for a test that skips without them (naming the reason): under CI (`CI=true`) their
 * absence is an error instead, so that a CI run never skips the test unnoticed.
 */
export function testPostgresBinaries(): { bin: string; missing?: undefined } | { bin?: undefined; missing: string } {
  const found = postgresBinaries();
  if ('missing' in found && process.env['CI'] === 'true') {
    throw new Error(`under CI PostgreSQL's binaries are required: ${found.missing}`);
  }
  return found;
}

export async function startPrivatePostgres(bin: string): Promise<PrivatePostgres> {
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'visage-private-pg-'));
  if (asRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  const port = await freePort();
  const run = (tool: string, args: string[]) => {
    const command = join(bin, tool);
    const result = asRoot
      ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' })
      : spawnSync(command, args, { encoding: 'utf8' });
    if (result.status !== 0) {
      const logText = existsSync(log) ? readFileSync(log, 'utf8') : '';
      throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr}${result.stdout}${logText}`);
    }
  };
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-k ${dir}`,
    // A test database: durability across an OS crash is not what is tested (a process crash loses nothing).
    '-c fsync=off',
    '-c max_connections=100',
  ].join(' ');
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  const start = () => run('pg_ctl', ['-D', data, '-l', log, '-o', options, '-w', '-t', '60', 'start']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    crash: () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
    start,
    destroy() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
