import { randomBytes } from 'node:crypto';
import { loadConfig, openServices, signedHeaders, type SigningKey } from '@visage/server';
import { sql } from 'kysely';
import { until } from './cluster-support.js';

export { until };

/** Support for the fault tests (faults-*.test.ts): billable calls over HTTP and the ledger's invariants. */

export type Services = Awaited<ReturnType<typeof openServices>>;

/** The API caller: its key and the face image (base64) its liveness calls send. */
export interface FaultCaller {
  readonly key: SigningKey;
  readonly image: string;
}

const operator = 'operator:faults-test';
const consent = { text_version: 'v1', obtained_at: '2026-11-29T08:00:00Z', method: 'checkbox' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The environment of a fault test's `visage serve` processes: one engine worker, a fresh master key, and the key and
 * engine admission limits out of the way (the load is the test's: calls beyond what the worker runs at once wait
 * in its queue, as calls in the middle of which a fault strikes). `extra` adds or overrides.
 */
export function faultEnv(dataDir: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    VISAGE_DATA_DIR: dataDir,
    VISAGE_MASTER_KEY: randomBytes(32).toString('base64'),
    VISAGE_ENGINE_WORKERS: '1',
    VISAGE_KEY_RATE_PER_SECOND: '100000',
    VISAGE_KEY_CONCURRENCY: '1000',
    VISAGE_ENGINE_REQUESTS_PER_WORKER: '1000',
    VISAGE_LOG_LEVEL: 'fatal',
    // A process that fails to start prints why (the stack of an unexpected error), not only its exit code.
    VISAGE_DEBUG: '1',
    ...extra,
  };
}

/** {@link seedBilledCustomer} through services of its own, closed again: the servers started next find the data. */
export async function seedFaultCustomer(
  env: Readonly<Record<string, string>>,
  input: { priceFen: number; cashFen: number; image: string },
): Promise<{ orgId: string; caller: FaultCaller }> {
  const services = await openServices(loadConfig(env));
  try {
    const seeded = await seedBilledCustomer(services, input);
    return { orgId: seeded.orgId, caller: { key: seeded.key, image: input.image } };
  } finally {
    await services.close();
  }
}

export interface CallOutcome {
  /** 0: no HTTP answer (connection refused or cut: the process died under the call). */
  readonly status: number;
  readonly requestId?: string;
  readonly code?: string;
  readonly retryAfter?: string;
  /** The answer's `billed`. */
  readonly billed?: boolean;
  readonly replayed: boolean;
  readonly ms: number;
}

/**
 * One signed `POST /v1/liveness` with an Idempotency-Key; the subject_ref names the key, so the stored call (and
 * through its request id, its reservation) can be traced back to the key that asked for it.
 */
export async function livenessCall(base: string, caller: FaultCaller, idempotencyKey: string): Promise<CallOutcome> {
  const url = '/v1/liveness';
  const body = JSON.stringify({ image: caller.image, consent: { ...consent, subject_ref: idempotencyKey } });
  const started = performance.now();
  try {
    const response = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
        ...signedHeaders(caller.key, { method: 'POST', url, body }),
      },
      body,
      signal: AbortSignal.timeout(60_000),
    });
    const json = (await response.json()) as { request_id?: string; billed?: boolean; error?: { code: string } };
    return {
      status: response.status,
      ...(json.request_id ? { requestId: json.request_id } : {}),
      ...(typeof json.billed === 'boolean' ? { billed: json.billed } : {}),
      ...(json.error ? { code: json.error.code } : {}),
      ...(response.headers.get('retry-after') ? { retryAfter: response.headers.get('retry-after')! } : {}),
      replayed: response.headers.get('idempotent-replayed') === 'true',
      ms: performance.now() - started,
    };
  } catch {
    return { status: 0, replayed: false, ms: performance.now() - started };
  }
}

/** Sets a price, a certified organisation with one live key, and its balance. */
export async function seedBilledCustomer(services: Services, input: { priceFen: number; cashFen: number }) {
  await services.pricing.setPrice({ product: 'liveness', amountFen: input.priceFen, actor: operator });
  const org = await services.organizations.create('Faults Ltd', { certified: true }, operator);
  const app = await services.apps.create({ orgId: org.id, name: 'faults', actor: operator });
  const issued = await services.keys.create({ orgId: org.id, appId: app.id, mode: 'live', actor: operator });
  await services.wallet.topUp({ orgId: org.id, amountFen: input.cashFen, reference: 'bank-1', actor: operator });
  return { orgId: org.id, key: { keyId: issued.keyId, secret: issued.secret } satisfies SigningKey };
}

export interface LedgerState {
  /** Sum of every ledger account's balance: 0 in double entry. */
  readonly total: number;
  /** Organisation accounts below zero. */
  readonly negative: number;
  /** Ledger transactions whose postings do not sum to zero. */
  readonly unbalanced: number;
  readonly reservations: Readonly<Record<'held' | 'posted' | 'voided', number>>;
  /** Per subject_ref (= idempotency key): how many of its calls' reservations were posted. */
  readonly postedPerKey: ReadonlyMap<string, number>;
  /** Posted reservations with no stored call behind them: charged without a result. */
  readonly postedWithoutResult: number;
  /** Stored calls marked billed whose reservation was not posted. */
  readonly billedNotPosted: number;
}

export async function ledgerState(services: Services): Promise<LedgerState> {
  const { db } = services.database;
  const total = await sql<{ total: number }>`select coalesce(sum(balance), 0) as total from ledger_account`.execute(db);
  const negative = await sql<{ n: number }>`
    select count(*) as n from ledger_account where org_id is not null and balance < 0`.execute(db);
  const unbalanced = await sql<{ n: number }>`
    select count(*) as n from (select transaction_id from ledger_posting group by transaction_id
    having sum(amount) <> 0) as t`.execute(db);
  const statuses = await sql<{ status: string; n: number }>`
    select status, count(*) as n from reservation group by status`.execute(db);
  const reservations = { held: 0, posted: 0, voided: 0 };
  for (const row of statuses.rows) reservations[row.status as keyof typeof reservations] = Number(row.n);
  const posted = await sql<{ subject_ref: string | null }>`
    select v.subject_ref from reservation r left join verification v on v.request_id = r.reference
    where r.status = 'posted'`.execute(db);
  const postedPerKey = new Map<string, number>();
  let postedWithoutResult = 0;
  for (const row of posted.rows) {
    if (row.subject_ref === null) postedWithoutResult++;
    else postedPerKey.set(row.subject_ref, (postedPerKey.get(row.subject_ref) ?? 0) + 1);
  }
  const billedNotPosted = await sql<{ n: number }>`
    select count(*) as n from verification v where v.billed = 1 and not exists
    (select 1 from reservation r where r.reference = v.request_id and r.status = 'posted')`.execute(db);
  return {
    total: Number(total.rows[0]!.total),
    negative: Number(negative.rows[0]!.n),
    unbalanced: Number(unbalanced.rows[0]!.n),
    reservations,
    postedPerKey,
    postedWithoutResult,
    billedNotPosted: Number(billedNotPosted.rows[0]!.n),
  };
}

/**
 * The ledger's invariants that a fault must never break, each broken one named with its count: `[]` when whole.
 * Double entry sums to zero in all and per transaction, no organisation is below zero, nothing is charged without
 * a stored result, no stored call claims a charge that was not posted, and (once `settled`) no hold is left.
 */
export function ledgerBreaches(state: LedgerState, options: { settled: boolean }): string[] {
  const breaches: [string, number][] = [
    ['ledger total (must be 0)', state.total],
    ['organisation accounts below zero', state.negative],
    ['unbalanced transactions', state.unbalanced],
    ['charged without a result', state.postedWithoutResult],
    ['billed but not charged', state.billedNotPosted],
    ...(options.settled ? [['holds left', state.reservations.held] as [string, number]] : []),
  ];
  return breaches.filter(([, n]) => n !== 0).map(([what, n]) => `${what}: ${n}`);
}

/**
 * Waits until no hold is left: those a fault interrupted are voided by the sweeper once older than
 * VISAGE_RESERVATION_TIMEOUT_SECONDS, and a call stored just before its process died is marked unbilled in the same
 * sweep. Returns the ledger's state then.
 */
export async function settledLedger(services: Services, timeoutMs: number): Promise<LedgerState> {
  let state = await ledgerState(services);
  await until(
    async () => {
      state = await ledgerState(services);
      return state.reservations.held === 0 && state.billedNotPosted === 0;
    },
    timeoutMs,
    'every interrupted hold voided',
    250,
  );
  return state;
}

export interface SentCall extends CallOutcome {
  readonly key: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * `clients` loops of liveness calls to `base()` (asked afresh for each call), each key new (`prefix-n`), until
 * `stop()`; a refused call is followed by a short pause, as a client would. `sent` grows as answers come.
 */
export function startLoad(base: () => string, caller: FaultCaller, clients: number, prefix: string) {
  const sent: SentCall[] = [];
  let stopped = false;
  let counter = 0;
  const loops = Array.from({ length: clients }, async () => {
    while (!stopped) {
      const key = `${prefix}-${counter++}`;
      const startedAt = Date.now();
      const outcome = await livenessCall(base(), caller, key);
      sent.push({ ...outcome, key, startedAt, endedAt: Date.now() });
      if (outcome.status !== 200) await sleep(50);
    }
  });
  return {
    sent,
    /** Resolves once `probe(sent)` holds (checked as each answer comes). */
    until: (probe: (sent: readonly SentCall[]) => boolean, timeoutMs: number, what: string) =>
      until(() => probe(sent), timeoutMs, what, 20),
    async stop(): Promise<readonly SentCall[]> {
      stopped = true;
      await Promise.all(loops);
      return sent;
    },
  };
}

/** Repeats a key's call until it gets a final answer, waiting out `idempotency.in_progress` as a client would. */
export async function retryUntilAnswered(
  bases: readonly string[] | (() => readonly string[]),
  caller: FaultCaller,
  idempotencyKey: string,
  timeoutMs: number,
  retryPauseMs = 1000,
): Promise<CallOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const choices = typeof bases === 'function' ? bases() : bases;
    const outcome = await livenessCall(choices[attempt % choices.length]!, caller, idempotencyKey);
    const transient =
      outcome.status === 0 || outcome.code === 'idempotency.in_progress' || outcome.code?.startsWith('service.');
    if (!transient) return outcome;
    if (Date.now() > deadline) return outcome;
    await sleep(retryPauseMs);
  }
}
