import type { AuditEntryInput } from '../audit/audit-entry.js';
import { rejectIssues, type ValidationIssue } from '../invalid-request.js';
import type { Clock, Crypto } from '../ports.js';
import type { Product } from '../verification/verification.ports.js';
import { assertAmount } from './ledger.js';

export const billableProducts = [
  'compare',
  'liveness',
  'verification',
  'id_card_ocr',
] as const satisfies readonly Product[];

/** A price takes effect at `effectiveAt` and holds until a later one does. Prices are never edited or deleted. */
export interface Price {
  readonly id: string;
  readonly product: Product;
  readonly amountFen: number;
  readonly effectiveAt: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface PriceRepository {
  insert(price: Price): Promise<void>;
  /** Every price ever set, in any order. */
  list(): Promise<Price[]>;
}

export interface PriceSchedule {
  readonly product: Product;
  readonly current: Price | undefined;
  /** Changes set to take effect later, soonest first. */
  readonly upcoming: readonly Price[];
}

export function createPricing(ports: {
  repo: PriceRepository;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId'>;
  audit: { record(entry: AuditEntryInput): Promise<unknown> };
}) {
  const { repo, clock, crypto, audit } = ports;

  async function schedule(product: Product): Promise<PriceSchedule> {
    return priceSchedule(await repo.list(), product, clock.now().toISOString());
  }

  return {
    /**
     * Sets a product's price from `effectiveAt` (default: now). A price cannot start in the past, so the list stays a
     * true history of what each call cost; setting one again for the same instant supersedes the earlier one.
     */
    async setPrice(input: {
      product: Product;
      amountFen: number;
      effectiveAt?: string | undefined;
      actor: string;
      /** Why, for the audit log (the admin console asks for one). */
      reason?: string | undefined;
    }): Promise<Price> {
      const now = clock.now().toISOString();
      const effectiveAt = input.effectiveAt === undefined ? now : isoInstant(input.effectiveAt);
      const issues: ValidationIssue[] = [];
      if (!billableProducts.includes(input.product)) {
        issues.push({ path: 'product', message: `must be one of ${billableProducts.join(', ')}` });
      }
      if (effectiveAt === undefined) issues.push({ path: 'effective_at', message: 'must be an ISO-8601 date-time' });
      else if (effectiveAt < now) issues.push({ path: 'effective_at', message: 'must not be in the past' });
      rejectIssues(issues);
      assertAmount(input.amountFen, { allowZero: true });
      const price: Price = {
        id: crypto.randomId('prc'),
        product: input.product,
        amountFen: input.amountFen,
        effectiveAt: effectiveAt ?? now,
        createdAt: now,
        createdBy: input.actor,
      };
      await repo.insert(price);
      await audit.record({
        actor: input.actor,
        action: 'price.set',
        subject: price.product,
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        data: { price_id: price.id, amount_fen: price.amountFen, effective_at: price.effectiveAt },
      });
      return price;
    },

    /** The price in fen a call costs now; undefined when none was ever set ('billing.price_not_set' for callers). */
    async currentPrice(product: Product): Promise<number | undefined> {
      return (await schedule(product)).current?.amountFen;
    },

    async list(): Promise<PriceSchedule[]> {
      const prices = await repo.list();
      const now = clock.now().toISOString();
      return billableProducts.map((product) => priceSchedule(prices, product, now));
    },
  };
}

export type Pricing = ReturnType<typeof createPricing>;

/** The price in effect at `now` and the later ones; of prices set for the same instant, the last set wins. */
export function priceSchedule(prices: readonly Price[], product: Product, now: string): PriceSchedule {
  const winners = new Map<string, Price>();
  for (const price of prices) {
    if (price.product !== product) continue;
    const rival = winners.get(price.effectiveAt);
    if (!rival || price.createdAt > rival.createdAt) winners.set(price.effectiveAt, price);
  }
  const byEffectiveAt = [...winners.values()].sort((a, b) => compare(a.effectiveAt, b.effectiveAt));
  return {
    product,
    current: byEffectiveAt.findLast((price) => price.effectiveAt <= now),
    upcoming: byEffectiveAt.filter((price) => price.effectiveAt > now),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const isoDateTime = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** A date (midnight UTC) or a date-time with its zone, as the canonical ISO string that sorts by time. */
function isoInstant(text: string): string | undefined {
  const time = isoDateTime.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
