import { describe, expect, it } from 'vitest';
import type { AuditEntryInput } from '../audit/audit-entry.js';
import { DomainError } from '../domain-error.js';
import { testCrypto } from '../testing/node-ports.js';
import { createPricing, priceSchedule, type Price } from './pricing.service.js';

function setup() {
  const prices: Price[] = [];
  const recorded: AuditEntryInput[] = [];
  const clock = { at: new Date('2026-11-29T09:00:00Z'), now: () => clock.at };
  const pricing = createPricing({
    repo: { insert: async (price) => void prices.push(price), list: async () => [...prices] },
    clock,
    crypto: testCrypto,
    audit: { record: async (entry) => void recorded.push(entry) },
  });
  return { pricing, prices, recorded, clock };
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof DomainError ? { code: error.code, details: error.details } : error),
  );

describe('pricing', () => {
  it('has no price until one is set, then the latest effective one, and lists upcoming changes', async () => {
    const { pricing, clock } = setup();
    expect(await pricing.currentPrice('compare')).toBeUndefined();
    await pricing.setPrice({ product: 'compare', amountFen: 50, actor: 'operator:alice' });
    await pricing.setPrice({
      product: 'compare',
      amountFen: 80,
      effectiveAt: '2027-01-01T00:00:00+08:00',
      actor: 'operator:alice',
    });
    await pricing.setPrice({ product: 'compare', amountFen: 60, effectiveAt: '2026-12-01', actor: 'operator:alice' });
    expect(await pricing.currentPrice('compare')).toBe(50);
    expect(await pricing.currentPrice('liveness')).toBeUndefined();

    const compare = (await pricing.list()).find((schedule) => schedule.product === 'compare');
    expect(compare?.current?.amountFen).toBe(50);
    expect(compare?.upcoming.map((price) => [price.amountFen, price.effectiveAt])).toEqual([
      [60, '2026-12-01T00:00:00.000Z'],
      [80, '2026-12-31T16:00:00.000Z'],
    ]);

    clock.at = new Date('2026-12-01T00:00:00Z');
    expect(await pricing.currentPrice('compare')).toBe(60);
    clock.at = new Date('2027-02-01T00:00:00Z');
    expect(await pricing.currentPrice('compare')).toBe(80);
  });

  it('lets a later setting for the same instant supersede an upcoming change', async () => {
    const { pricing, clock } = setup();
    await pricing.setPrice({ product: 'liveness', amountFen: 30, effectiveAt: '2026-12-01', actor: 'operator:a' });
    clock.at = new Date('2026-11-29T10:00:00Z');
    await pricing.setPrice({ product: 'liveness', amountFen: 25, effectiveAt: '2026-12-01', actor: 'operator:a' });
    const liveness = (await pricing.list()).find((schedule) => schedule.product === 'liveness');
    expect(liveness?.upcoming.map((price) => price.amountFen)).toEqual([25]);
  });

  it('accepts a zero price and refuses negative or fractional amounts, past dates and unknown products', async () => {
    const { pricing, prices } = setup();
    await pricing.setPrice({ product: 'verification', amountFen: 0, actor: 'operator:a' });
    expect(await pricing.currentPrice('verification')).toBe(0);
    const actor = 'operator:a';
    expect(await rejection(pricing.setPrice({ product: 'compare', amountFen: -1, actor }))).toMatchObject({
      code: 'billing.invalid_amount',
    });
    expect(await rejection(pricing.setPrice({ product: 'compare', amountFen: 1.5, actor }))).toMatchObject({
      code: 'billing.invalid_amount',
    });
    expect(
      await rejection(pricing.setPrice({ product: 'compare', amountFen: 1, effectiveAt: '2026-11-28', actor })),
    ).toMatchObject({ code: 'request.invalid', details: { issues: [{ path: 'effective_at' }] } });
    expect(
      await rejection(pricing.setPrice({ product: 'compare', amountFen: 1, effectiveAt: 'next monday', actor })),
    ).toMatchObject({ code: 'request.invalid' });
    expect(await rejection(pricing.setPrice({ product: 'selfie' as 'compare', amountFen: 1, actor }))).toMatchObject({
      code: 'request.invalid',
      details: { issues: [{ path: 'product' }] },
    });
    expect(prices).toHaveLength(1);
  });

  it('records who set which price in the audit log', async () => {
    const { pricing, recorded } = setup();
    const price = await pricing.setPrice({ product: 'compare', amountFen: 50, actor: 'operator:alice' });
    expect(recorded).toEqual([
      {
        actor: 'operator:alice',
        action: 'price.set',
        subject: 'compare',
        data: { price_id: price.id, amount_fen: 50, effective_at: '2026-11-29T09:00:00.000Z' },
      },
    ]);
  });
});

describe('priceSchedule', () => {
  it('counts a price as current from its exact effective instant', () => {
    const price = (id: string, effectiveAt: string): Price => ({
      id,
      product: 'compare',
      amountFen: 1,
      effectiveAt,
      createdAt: '2026-01-01T00:00:00.000Z',
      createdBy: 'operator:a',
    });
    const prices = [price('b', '2026-12-01T00:00:00.000Z'), price('a', '2026-11-01T00:00:00.000Z')];
    expect(priceSchedule(prices, 'compare', '2026-12-01T00:00:00.000Z').current?.id).toBe('b');
    expect(priceSchedule(prices, 'compare', '2026-11-30T23:59:59.999Z').current?.id).toBe('a');
    expect(priceSchedule(prices, 'liveness', '2026-12-30T00:00:00.000Z')).toEqual({
      product: 'liveness',
      current: undefined,
      upcoming: [],
    });
  });
});
