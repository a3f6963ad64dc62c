import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@visage/storage';
import { freePort, startChildServer, type ChildServer } from './child-server.js';

// Several `visage serve` processes on one PostgreSQL database behind Debian's nginx: for the cluster test
// (cluster.test.ts) and the cluster load benchmark (`visage bench cluster`).

export { freePort, type ChildServer };

/** Whether an `nginx` binary answers `nginx -v`. */
export function nginxInstalled(): boolean {
  return spawnSync('nginx', ['-v'], { stdio: 'ignore' }).status === 0;
}

/** `count` server processes with the same environment, started together; stopped again if one fails to start. */
export async function startServers(count: number, env: Readonly<Record<string, string>>): Promise<ChildServer[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startChildServer(env)));
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopServers(servers);
    throw failed.reason;
  }
  return servers;
}

/** SIGTERM to each and their exits; failures to stop cleanly are ignored (the caller is tearing down). */
export async function stopServers(servers: readonly ChildServer[]): Promise<void> {
  await Promise.all(servers.map((server) => server.stop().catch(() => undefined)));
}

export interface Nginx {
  /** http://127.0.0.1:port */
  readonly base: string;
  stop(): Promise<void>;
}

export interface NginxOptions {
  /**
   * How nginx picks a process: `round-robin` (nginx's default) or `least_conn`, the process with the fewest
   * requests in progress (even load when requests take long and each process admits a bounded number).
   */
  readonly balance?: 'round-robin' | 'least_conn';
}

/**
 * Debian's nginx as the load balancer, in the foreground, with its config, logs and pid file in a temp dir. Each
 * answer names the process that gave it in `X-Served-By`. A request goes to one process only (`proxy_next_upstream
 * off`): a billable call is never repeated on another behind the client's back.
 */
export async function startNginx(upstreams: readonly string[], options: NginxOptions = {}): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'visage-nginx-'));
  mkdirSync(join(dir, 'temp'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/temp/body;
  proxy_temp_path ${dir}/temp/proxy;
  fastcgi_temp_path ${dir}/temp/fastcgi;
  uwsgi_temp_path ${dir}/temp/uwsgi;
  scgi_temp_path ${dir}/temp/scgi;
  client_max_body_size 16m;
  client_body_buffer_size 16m;
  upstream visage {
${options.balance === 'least_conn' ? '    least_conn;\n' : ''}${upstreams.map((base) => `    server ${new URL(base).host};`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      proxy_pass http://visage;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_next_upstream off;
      add_header X-Served-By $upstream_addr always;
    }
  }
}
`,
  );
  const child: ChildProcess = spawn(
    'nginx',
    ['-p', dir, '-e', join(dir, 'error.log'), '-c', conf, '-g', `daemon off; pid ${dir}/nginx.pid;`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => resolve(rmSync(dir, { recursive: true, force: true }));
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', done);
      // SIGQUIT: nginx's graceful stop.
      child.kill('SIGQUIT');
    });
  try {
    await until(
      async () => {
        if (child.exitCode !== null) {
          let log = '';
          try {
            log = readFileSync(join(dir, 'error.log'), 'utf8');
          } catch {
            // No log written: stderr says why.
          }
          throw new Error(`nginx exited with ${child.exitCode}: ${stderr}${log}`);
        }
        return fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
      },
      10_000,
      'nginx answering',
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, stop };
}

/** Polls `probe` every `intervalMs` until it holds; throws `timed out: what` after `timeoutMs`. */
export async function until(
  probe: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface PrivateSchema {
  readonly schema: string;
  /** The database URL with this schema as its search_path. */
  readonly url: string;
  /** Call once the schema is migrated: lets test files drop their schemas again. */
  migrated(): Promise<void>;
  drop(): Promise<void>;
}

// The test schemas' advisory lock (packages/storage/src/testing/postgres-schema.ts): Kysely's migrator introspects
// every schema of the database, which fails if a schema is dropped meanwhile. Migrating holds it shared, a drop
// exclusively, so a benchmark run on the test database never breaks a test running beside it.
const schemaLock = 740_211;

/** A new, empty schema named `prefix_<random>` in the PostgreSQL database at `databaseUrl`. */
export async function createPrivateSchema(databaseUrl: string, prefix: string): Promise<PrivateSchema> {
  if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new RangeError(`not a schema name prefix: ${prefix}`);
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const database = openDatabase({ kind: 'postgres', url: databaseUrl });
  const lock = (shared: boolean) =>
    database.db.selectNoFrom((eb) =>
      eb.fn(shared ? 'pg_advisory_lock_shared' : 'pg_advisory_lock', [eb.val(schemaLock)]).as('locked'),
    );
  const unlock = (shared: boolean) =>
    database.db.selectNoFrom((eb) =>
      eb.fn(shared ? 'pg_advisory_unlock_shared' : 'pg_advisory_unlock', [eb.val(schemaLock)]).as('unlocked'),
    );
  // One connection holds the shared lock from creation until `migrated()`.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding!: Promise<void>;
  try {
    await new Promise<void>((created, failed) => {
      holding = database.db
        .connection()
        .execute(async (connection) => {
          await connection.executeQuery(lock(true).compile());
          await connection.schema.createSchema(schema).execute();
          created();
          await released;
          await connection.executeQuery(unlock(true).compile());
        })
        .catch((error: unknown) => failed(error));
    });
  } catch (error) {
    await database.destroy();
    throw error;
  }
  const separator = databaseUrl.includes('?') ? '&' : '?';
  let done = false;
  const migrated = async () => {
    if (done) return;
    done = true;
    release();
    await holding;
  };
  return {
    schema,
    url: `${databaseUrl}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    migrated,
    async drop() {
      await migrated();
      try {
        await database.db.connection().execute(async (connection) => {
          await connection.executeQuery(lock(false).compile());
          try {
            await connection.schema.dropSchema(schema).ifExists().cascade().execute();
          } finally {
            await connection.executeQuery(unlock(false).compile());
          }
        });
      } finally {
        await database.destroy();
      }
    },
  };
}
