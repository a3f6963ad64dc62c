import { openServices, signedHeaders, type SigningKey } from '@visage/server';
import { sql } from 'kysely';

/** Support for the fault tests (faults-*.test.ts): billable calls over HTTP and the ledger's invariants. */

export type Services = Awaited<ReturnType<typeof openServices>>;

/** The API caller: its key and the face image (base64) its liveness calls send. */
export interface FaultCaller {
  readonly key: SigningKey;
  readonly image: string;
}

const operator = 'operator:faults-test';
const consent = { text_version: 'v1', obtained_at: '2026-11-29T08:00:00Z', method: 'checkbox' };

export async function until(
  probe: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  stepMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

export interface CallOutcome {
  /** 0: no HTTP answer (connection refused or cut: the process died under the call). */
  readonly status: number;
  readonly requestId?: string;
  readonly code?: string;
  readonly retryAfter?: string;
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
    const json = (await response.json()) as { request_id?: string; error?: { code: string } };
    return {
      status: response.status,
      ...(json.request_id ? { requestId: json.request_id } : {}),
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

/** Repeats a key's call until it gets a final answer, waiting out `idempotency.in_progress` as a client would. */
export async function retryUntilAnswered(
  bases: readonly string[],
  caller: FaultCaller,
  idempotencyKey: string,
  timeoutMs: number,
): Promise<CallOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const outcome = await livenessCall(bases[attempt % bases.length]!, caller, idempotencyKey);
    const transient =
      outcome.status === 0 || outcome.code === 'idempotency.in_progress' || outcome.code?.startsWith('service.');
    if (!transient) return outcome;
    if (Date.now() > deadline) return outcome;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
