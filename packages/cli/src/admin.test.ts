import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditEntry } from '@visage/core';
import { loadConfig, openServices, type Services } from '@visage/server';
import { createAuditLogRepository } from '@visage/storage';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Black-box tests of the built `visage admin` (`npm test` builds first; or `npx tsc -b packages/cli`).
const cliPath = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const testPostgresUrl = process.env['VISAGE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const TIMEOUT_MS = 180_000;

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

type Json = Record<string, unknown>;

// Settings from the caller's environment (a DATABASE_URL, a VISAGE_* typo) would change where and how commands run.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('VISAGE_') && name !== 'DATABASE_URL'),
);

// Every process loads the whole CLI; a few at a time is as fast as all at once on a small machine.
const maxRunning = 3;
let running = 0;
const waiting: (() => void)[] = [];

async function visage(
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<CliResult> {
  if (running >= maxRunning) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await new Promise<CliResult>((resolve) => {
      const child = execFile(
        process.execPath,
        [cliPath, ...args],
        { env: { ...cleanEnv, ...options.env }, timeout: 60_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      child.stdin?.end(options.stdin ?? '');
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** A data directory of its own and the admin command on it, acting as operator alice unless `--as` says otherwise. */
function operatorOn(dataDir: string, env: Record<string, string> = {}) {
  const admin = (args: readonly string[], stdin?: string) =>
    visage(['admin', '--data', dataDir, '--as', 'alice', ...args], { env, ...(stdin === undefined ? {} : { stdin }) });
  /** Runs `args --json`, expects success and one JSON object on stdout. */
  const json = async (args: readonly string[], stdin?: string): Promise<Json> => {
    const result = await admin([...args, '--json'], stdin);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    return parseObject(result.stdout);
  };
  /** Runs `args --json`, expects exit 1 with `{"error":{code,message,details?}}` and returns the error. */
  const fails = async (args: readonly string[], code: string, stdin?: string): Promise<Json> => {
    const result = await admin([...args, '--json'], stdin);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const body = parseObject(result.stdout);
    expect(Object.keys(body)).toEqual(['error']);
    const error = body['error'] as Json;
    expect(error['code']).toBe(code);
    expect(error['message']).toBeTypeOf('string');
    return error;
  };
  return { admin, json, fails };
}

function parseObject(stdout: string): Json {
  const value: unknown = JSON.parse(stdout);
  expect(value).toBeTypeOf('object');
  expect(Array.isArray(value)).toBe(false);
  return value as Json;
}

/** Opens the same database in this process (the CLI must not be running on it meanwhile). */
async function withServicesOn<T>(dataDir: string, act: (services: Services) => Promise<T>): Promise<T> {
  const services = await openServices(loadConfig({}, { dataDir }));
  try {
    return await act(services);
  } finally {
    await services.close();
  }
}

async function auditEntries(dataDir: string): Promise<AuditEntry[]> {
  return withServicesOn(dataDir, ({ database }) => createAuditLogRepository(database).listAfter(0, 10_000));
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let tmp: string;
const freshDataDir = () => mkdtemp(join(tmp, 'data-'));

beforeAll(async () => {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: build first (npx tsc -b packages/cli)`);
  tmp = await mkdtemp(join(tmpdir(), 'visage-admin-test-'));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const orgKeys = ['certification', 'created_at', 'id', 'name', 'state', 'status', 'updated_at'];

describe.concurrent('visage admin on SQLite', () => {
  it(
    'creates organisations and moves them through their states, auditing each move with actor and reason',
    async () => {
      const dataDir = await freshDataDir();
      const { admin, json, fails } = operatorOn(dataDir);

      const acme = await json(['org', 'create', '--name', 'Acme Ltd']);
      expect(acme).toEqual({ id: expect.stringMatching(/^org_[\w-]+$/) });
      const beta = await json(['org', 'create', '--name', 'Beta', '--certified']);
      const acmeId = acme['id'] as string;
      const betaId = beta['id'] as string;

      const shown = await json(['org', 'show', betaId]);
      expect(Object.keys(shown).sort()).toEqual(orgKeys);
      expect(shown).toMatchObject({ id: betaId, name: 'Beta', state: 'certified', status: 'active' });

      const certified = await json(['org', 'certify', acmeId, '--reason', 'licence checked']);
      expect(Object.keys(certified).sort()).toEqual(orgKeys);
      expect(certified).toMatchObject({ id: acmeId, name: 'Acme Ltd', state: 'certified' });
      expect(await json(['org', 'suspend', acmeId, '--reason', 'unpaid invoice'])).toMatchObject({
        state: 'suspended',
        certification: 'certified',
        status: 'suspended',
      });
      expect(await json(['org', 'resume', acmeId, '--reason', 'paid'])).toMatchObject({ state: 'certified' });
      expect(await json(['org', 'terminate', betaId, '--reason', 'contract ended'])).toMatchObject({
        state: 'terminated',
      });

      expect(await fails(['org', 'resume', betaId, '--reason', 'oops'], 'org.invalid_transition')).toMatchObject({
        details: { from: 'terminated', to: 'active' },
      });
      expect(await fails(['org', 'reject', acmeId, '--reason', 'no'], 'org.invalid_transition')).toMatchObject({
        details: { from: 'certified', to: 'rejected' },
      });
      await fails(['org', 'show', 'org_missing'], 'org.not_found');
      await fails(['org', 'certify', 'org_missing', '--reason', 'x'], 'org.not_found');
      expect(await fails(['org', 'suspend', acmeId, '--reason', '  '], 'request.invalid')).toMatchObject({
        details: { issues: [{ path: 'reason' }] },
      });

      // Rejection needs a pending request, which only an organisation's owner submits: submit one in-process.
      const gamma = (await json(['org', 'create', '--name', 'Gamma']))['id'] as string;
      await withServicesOn(dataDir, ({ organizations }) =>
        organizations.submitForCertification(gamma, { actor: 'user:usr_test' }),
      );
      expect(await json(['org', 'reject', gamma, '--reason', 'licence unreadable'])).toMatchObject({
        state: 'rejected',
      });

      const listed = await json(['org', 'list']);
      expect(Object.keys(listed)).toEqual(['organizations']);
      const organizations = listed['organizations'] as Json[];
      expect(organizations.map((o) => [o['id'], o['state']])).toEqual([
        [acmeId, 'certified'],
        [betaId, 'terminated'],
        [gamma, 'rejected'],
      ]);
      for (const org of organizations) expect(Object.keys(org).sort()).toEqual(orgKeys);

      const text = await admin(['org', 'show', 'org_missing']);
      expect(text.code).toBe(1);
      expect(text.stdout).toBe('');
      expect(text.stderr).toContain('visage: org.not_found: No such organisation.');
      expect((await admin(['org', 'list'])).stdout).toMatch(new RegExp(`^${acmeId} +certified +Acme Ltd$`, 'm'));

      const entries = await auditEntries(dataDir);
      expect(entries.filter((e) => e.actor === 'operator:alice').map((e) => [e.action, e.subject, e.reason])).toEqual([
        ['org.create', acmeId, undefined],
        ['org.create', betaId, undefined],
        ['org.certify', acmeId, 'licence checked'],
        ['org.suspend', acmeId, 'unpaid invoice'],
        ['org.resume', acmeId, 'paid'],
        ['org.terminate', betaId, 'contract ended'],
        ['org.create', gamma, undefined],
        ['org.reject', gamma, 'licence unreadable'],
      ]);
    },
    TIMEOUT_MS,
  );

  it(
    'creates apps and keys, shows a key secret exactly once, and revokes keys',
    async () => {
      const dataDir = await freshDataDir();
      const { admin, json, fails } = operatorOn(dataDir);
      const orgId = (await json(['org', 'create', '--name', 'Acme', '--certified']))['id'] as string;

      const app = await json(['app', 'create', '--org', orgId, '--name', 'Onboarding', '--description', 'sign-up']);
      expect(app).toEqual({ id: expect.stringMatching(/^app_[\w-]+$/) });
      const appId = app['id'] as string;
      await fails(['app', 'create', '--org', 'org_missing', '--name', 'X'], 'org.not_found');

      const live = await json(['key', 'create', '--app', appId, '--mode', 'live']);
      expect(live).toEqual({
        key_id: expect.stringMatching(/^ak_live_[\w-]+$/),
        secret: expect.stringMatching(/^[\w-]{43}$/),
      });
      const sandbox = await admin(['key', 'create', '--app', appId, '--mode', 'sandbox']);
      expect(sandbox.code, sandbox.stderr).toBe(0);
      const [, sandboxId, sandboxSecret] = /^key_id +(ak_test_\S+)\nsecret +(\S+)\n$/.exec(sandbox.stdout) ?? [];
      expect(sandboxId).toBeDefined();
      expect(sandbox.stderr).toMatch(/only time the secret is shown/);
      await fails(['key', 'create', '--app', 'app_missing', '--mode', 'live'], 'app.not_found');
      expect(await fails(['key', 'create', '--app', appId, '--mode', 'prod'], 'cli.bad_input')).toMatchObject({
        details: { option: '--mode' },
      });

      const revoked = await json(['key', 'revoke', sandboxId!, '--reason', 'leaked in a log']);
      expect(revoked).toMatchObject({ key_id: sandboxId, app_id: appId, org_id: orgId, status: 'revoked' });
      expect(revoked['revoked_at']).toEqual(expect.any(String));
      await fails(['key', 'revoke', 'ak_live_missing', '--reason', 'x'], 'key.not_found');

      // The secrets were shown once: no later output, audit entry or stored byte holds them.
      const secrets = [live['secret'] as string, sandboxSecret!];
      const later = [
        await admin(['org', 'show', orgId, '--json']),
        await admin(['org', 'list', '--json']),
        await admin(['org', 'list']),
        await admin(['key', 'revoke', sandboxId!, '--reason', 'again', '--json']),
      ];
      const entries = await auditEntries(dataDir);
      const stored = await Promise.all((await readdir(dataDir)).map((name) => readFile(join(dataDir, name), 'latin1')));
      for (const secret of secrets) {
        for (const output of later) expect(output.stdout + output.stderr).not.toContain(secret);
        expect(JSON.stringify(entries)).not.toContain(secret);
        for (const bytes of stored) expect(bytes).not.toContain(secret);
      }
      // …yet the secret shown is the key's real one.
      expect(await withServicesOn(dataDir, ({ keyAccess }) => keyAccess.secretOf(live['key_id'] as string))).toBe(
        live['secret'],
      );

      expect(entries.filter((e) => e.actor === 'operator:alice').map((e) => [e.action, e.subject, e.reason])).toEqual([
        ['org.create', orgId, undefined],
        ['app.create', appId, undefined],
        ['key.create', live['key_id'], undefined],
        ['key.create', sandboxId, undefined],
        ['key.revoke', sandboxId, 'leaked in a log'],
      ]);
    },
    TIMEOUT_MS,
  );

  it(
    'tops up and grants in whole fen, once per reference, refusing bad amounts before opening anything',
    async () => {
      const dataDir = await freshDataDir();
      const { json, fails } = operatorOn(dataDir);
      const orgId = (await json(['org', 'create', '--name', 'Acme']))['id'] as string;

      expect(await json(['wallet', 'show', '--org', orgId])).toEqual({ cash: 0, bonus: 0, held: 0 });
      expect(await json(['wallet', 'topup', '--org', orgId, '--amount', '10000', '--reference', 'ICBC-1'])).toEqual({
        cash: 10000,
        bonus: 0,
        held: 0,
      });
      expect(
        await fails(
          ['wallet', 'topup', '--org', orgId, '--amount', '10000', '--reference', 'ICBC-1'],
          'billing.duplicate_reference',
        ),
      ).toMatchObject({ details: { reference: 'ICBC-1' } });
      expect(await json(['wallet', 'bonus', '--org', orgId, '--amount', '500', '--reason', 'launch offer'])).toEqual({
        cash: 10000,
        bonus: 500,
        held: 0,
      });
      expect(await json(['wallet', 'show', '--org', orgId])).toEqual({ cash: 10000, bonus: 500, held: 0 });

      for (const amount of ['0', '-5', '1.5', '1e3', 'ten', '']) {
        expect(
          await fails(
            ['wallet', 'topup', '--org', orgId, '--amount', amount, '--reference', `R-${amount}`],
            'billing.invalid_amount',
          ),
        ).toMatchObject({ details: { amount } });
      }
      await fails(['wallet', 'bonus', '--org', orgId, '--amount', '0', '--reason', 'x'], 'billing.invalid_amount');
      await fails(['wallet', 'topup', '--org', 'org_missing', '--amount', '1', '--reference', 'R'], 'org.not_found');
      await fails(['wallet', 'bonus', '--org', 'org_missing', '--amount', '1', '--reason', 'x'], 'org.not_found');
      await fails(['wallet', 'show', '--org', 'org_missing'], 'org.not_found');
      expect(await json(['wallet', 'show', '--org', orgId])).toEqual({ cash: 10000, bonus: 500, held: 0 });

      // A bad amount is refused before any database is opened: a new data directory is not even created.
      const untouched = join(tmp, `untouched-${randomBytes(4).toString('hex')}`);
      await operatorOn(untouched).fails(
        ['wallet', 'topup', '--org', orgId, '--amount', '-1', '--reference', 'R'],
        'billing.invalid_amount',
      );
      expect(existsSync(untouched)).toBe(false);

      const entries = (await auditEntries(dataDir)).filter((e) => e.action.startsWith('wallet.'));
      expect(entries.map((e) => [e.actor, e.action, e.subject, e.reason, e.data?.['amount_fen']])).toEqual([
        ['operator:alice', 'wallet.topup', orgId, undefined, 10000],
        ['operator:alice', 'wallet.bonus_grant', orgId, 'launch offer', 500],
      ]);
      expect(entries[0]?.data?.['reference']).toBe('ICBC-1');
    },
    TIMEOUT_MS,
  );

  it(
    'sets and lists prices, now or from a later date',
    async () => {
      const dataDir = await freshDataDir();
      const { json, fails } = operatorOn(dataDir);

      const now = await json(['price', 'set', '--product', 'compare', '--amount', '50']);
      expect(now).toEqual({
        id: expect.stringMatching(/^prc_/),
        product: 'compare',
        amount_fen: 50,
        effective_at: expect.any(String),
        created_at: expect.any(String),
        created_by: 'operator:alice',
      });
      const later = await json(['price', 'set', '--product', 'compare', '--amount', '60', '--effective', '2099-01-01']);
      expect(later).toMatchObject({ amount_fen: 60, effective_at: '2099-01-01T00:00:00.000Z' });
      expect(await json(['price', 'set', '--product', 'liveness', '--amount', '0'])).toMatchObject({ amount_fen: 0 });

      await fails(['price', 'set', '--product', 'compare', '--amount', '-1'], 'billing.invalid_amount');
      expect(await fails(['price', 'set', '--product', 'selfie', '--amount', '1'], 'cli.bad_input')).toMatchObject({
        details: { option: '--product' },
      });
      const past = ['price', 'set', '--product', 'compare', '--amount', '1', '--effective', '2001-01-01'];
      expect(await fails(past, 'request.invalid')).toMatchObject({ details: { issues: [{ path: 'effective_at' }] } });

      const listed = await json(['price', 'list']);
      expect(listed).toEqual({
        prices: [
          { product: 'compare', current: now, upcoming: [later] },
          { product: 'liveness', current: expect.objectContaining({ amount_fen: 0 }), upcoming: [] },
          { product: 'verification', current: null, upcoming: [] },
          { product: 'id_card_ocr', current: null, upcoming: [] },
        ],
      });

      const entries = (await auditEntries(dataDir)).filter((e) => e.action === 'price.set');
      expect(entries.map((e) => [e.actor, e.subject, e.data?.['amount_fen']])).toEqual([
        ['operator:alice', 'compare', 50],
        ['operator:alice', 'compare', 60],
        ['operator:alice', 'liveness', 0],
      ]);
    },
    TIMEOUT_MS,
  );

  it(
    'publishes agreement versions from UTF-8 files',
    async () => {
      const dataDir = await freshDataDir();
      const { json, fails } = operatorOn(dataDir);
      const [terms, dpa, latin1, missing] = ['terms.txt', 'dpa.txt', 'latin1.txt', 'missing.txt'].map((name) =>
        join(dataDir, name),
      ) as [string, string, string, string];
      await writeFile(terms, 'Terms of service — 服务条款\n');
      await writeFile(dpa, 'Data processing agreement\n');
      await writeFile(latin1, Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a]));

      const first = await json(['agreement', 'publish', '--terms', terms, '--dpa', dpa, '--effective', '2026-01-01']);
      expect(first).toEqual({
        version: 1,
        terms_sha256: sha256('Terms of service — 服务条款\n'),
        dpa_sha256: sha256('Data processing agreement\n'),
        effective_at: '2026-01-01T00:00:00.000Z',
      });
      const second = [
        'agreement',
        'publish',
        '--terms',
        dpa,
        '--dpa',
        terms,
        '--effective',
        '2027-03-01T08:00:00+08:00',
      ];
      expect(await json(second)).toMatchObject({ version: 2, effective_at: '2027-03-01T00:00:00.000Z' });

      const earlier = ['agreement', 'publish', '--terms', terms, '--dpa', dpa, '--effective', '2026-06-01'];
      await fails(earlier, 'request.invalid');
      const notUtf8 = await fails(
        ['agreement', 'publish', '--terms', latin1, '--dpa', dpa, '--effective', '2028-01-01'],
        'cli.bad_input',
      );
      expect(notUtf8).toMatchObject({ details: { file: latin1, reason: 'not UTF-8 text' } });
      await fails(
        ['agreement', 'publish', '--terms', terms, '--dpa', missing, '--effective', '2028-01-01'],
        'cli.file_unreadable',
      );

      const entries = (await auditEntries(dataDir)).filter((e) => e.action === 'agreement.publish');
      expect(entries.map((e) => [e.actor, e.data?.['version']])).toEqual([
        ['operator:alice', 1],
        ['operator:alice', 2],
      ]);
    },
    TIMEOUT_MS,
  );

  it(
    'creates operator accounts with a generated password shown once, or one read from stdin',
    async () => {
      const dataDir = await freshDataDir();
      const { admin, json, fails } = operatorOn(dataDir);

      const generated = await json(['user', 'create', '--username', 'Ops.Bob', '--role', 'admin']);
      expect(generated).toEqual({
        id: expect.stringMatching(/^usr_/),
        username: 'ops.bob',
        role: 'admin',
        password: expect.stringMatching(/^\S{20,}$/),
      });
      const given = await json(
        ['user', 'create', '--username', 'ops.carol', '--role', 'admin', '--password-stdin'],
        'correct horse battery staple\n',
      );
      expect(given).toEqual({ id: expect.stringMatching(/^usr_/), username: 'ops.carol', role: 'admin' });
      const text = await admin(['user', 'create', '--username', 'ops.dave', '--role', 'reviewer']);
      expect(text.stdout).toMatch(/^created operator ops\.dave \(usr_\S+, reviewer\)\npassword +\S{20,}\n$/);
      expect(text.stderr).toMatch(/only time the password is shown/);

      await fails(['user', 'create', '--username', 'ops.bob', '--role', 'admin'], 'account.username_taken');
      await fails(
        ['user', 'create', '--username', 'ops.erin', '--role', 'admin', '--password-stdin'],
        'account.weak_password',
        'password123\n',
      );
      expect(
        await fails(['user', 'create', '--username', 'ops.erin', '--role', 'owner'], 'cli.bad_input'),
      ).toMatchObject({ details: { option: '--role' } });

      const entries = (await auditEntries(dataDir)).filter((e) => e.action === 'operator.create');
      expect(entries.map((e) => [e.actor, e.subject])).toEqual([
        ['operator:alice', generated['id']],
        ['operator:alice', given['id']],
        ['operator:alice', expect.stringMatching(/^usr_/)],
      ]);
      expect(JSON.stringify(entries)).not.toContain(generated['password'] as string);
      // Both passwords sign in; the newline that ended the stdin line is not part of the password.
      await withServicesOn(dataDir, async ({ sessions }) => {
        const client = { ip: null, userAgent: null };
        await sessions.login('ops.bob', generated['password'] as string, client);
        await sessions.login('ops.carol', 'correct horse battery staple', client);
      });
    },
    TIMEOUT_MS,
  );

  it(
    'names the OS user as the operator without --as, takes VISAGE_DATA_DIR, and keeps the audit chain whole',
    async () => {
      const dataDir = await freshDataDir();
      const created = await visage(['admin', 'org', 'create', '--name', 'Acme', '--json'], {
        env: { VISAGE_DATA_DIR: dataDir },
      });
      expect(created.code, created.stderr).toBe(0);
      const orgId = parseObject(created.stdout)['id'];
      const { json, fails } = operatorOn(dataDir);
      await json(['org', 'certify', orgId as string, '--reason', 'ok']);
      await fails(['--as', 'two words', 'org', 'list'], 'cli.bad_input');

      const entries = await auditEntries(dataDir);
      expect(entries.map((e) => [e.actor, e.action])).toEqual([
        [`operator:${userInfo().username}`, 'org.create'],
        ['operator:alice', 'org.certify'],
      ]);
      const verified = await visage(['audit', 'verify', '--data', dataDir, '--json']);
      expect(parseObject(verified.stdout)).toMatchObject({ ok: true, entries: 2 });
    },
    TIMEOUT_MS,
  );
});

describe('visage admin on PostgreSQL', () => {
  const schema = `visage_admin_test_${randomBytes(6).toString('hex')}`;
  const withClient = async (act: (client: pg.Client) => Promise<unknown>) => {
    const client = new pg.Client({ connectionString: testPostgresUrl });
    await client.connect();
    try {
      await act(client);
    } finally {
      await client.end();
    }
  };

  beforeAll(() => withClient((client) => client.query(`CREATE SCHEMA ${schema}`)));
  afterAll(() => withClient((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)));

  it(
    'runs on the database DATABASE_URL names',
    async () => {
      const url = new URL(testPostgresUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const env = { DATABASE_URL: url.toString(), VISAGE_MASTER_KEY: randomBytes(32).toString('base64') };
      // The data directory does not exist: with DATABASE_URL set, nothing is written there.
      const dataDir = join(tmp, 'unused-with-postgres');
      const { json, fails } = operatorOn(dataDir, env);

      const orgId = (await json(['org', 'create', '--name', 'Acme']))['id'] as string;
      expect(await json(['org', 'certify', orgId, '--reason', 'checked'])).toMatchObject({ state: 'certified' });
      expect(await json(['wallet', 'topup', '--org', orgId, '--amount', '700', '--reference', 'PG-1'])).toEqual({
        cash: 700,
        bonus: 0,
        held: 0,
      });
      await fails(
        ['wallet', 'topup', '--org', orgId, '--amount', '700', '--reference', 'PG-1'],
        'billing.duplicate_reference',
      );
      expect(await json(['org', 'list'])).toEqual({ organizations: [expect.objectContaining({ id: orgId })] });
      expect(existsSync(dataDir)).toBe(false);

      await withClient(async (client) => {
        const { rows } = await client.query(`SELECT actor, action, reason FROM ${schema}.audit_log ORDER BY seq`);
        expect(rows).toEqual([
          { actor: 'operator:alice', action: 'org.create', reason: null },
          { actor: 'operator:alice', action: 'org.certify', reason: 'checked' },
          { actor: 'operator:alice', action: 'wallet.topup', reason: null },
        ]);
      });
    },
    TIMEOUT_MS,
  );
});
