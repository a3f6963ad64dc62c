import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain-error.js';
import { assertAmount, postingsFor, splitBonusFirst } from './ledger.js';

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
};

describe('splitBonusFirst', () => {
  it('spends bonus before cash', () => {
    expect(splitBonusFirst({ cash: 100, bonus: 30, held: 0 }, 50)).toEqual({ bonus: 30, cash: 20 });
    expect(splitBonusFirst({ cash: 100, bonus: 80, held: 0 }, 50)).toEqual({ bonus: 50, cash: 0 });
    expect(splitBonusFirst({ cash: 0, bonus: 0, held: 0 }, 0)).toEqual({ bonus: 0, cash: 0 });
  });

  it('refuses an amount above cash plus bonus, whatever is held', () => {
    expect(codeOf(() => splitBonusFirst({ cash: 10, bonus: 5, held: 1000 }, 16))).toBe('billing.insufficient_balance');
    expect(splitBonusFirst({ cash: 10, bonus: 5, held: 0 }, 15)).toEqual({ bonus: 5, cash: 10 });
  });
});

describe('postingsFor', () => {
  it('balances every transaction and leaves zero amounts out', () => {
    fc.assert(
      fc.property(fc.nat(1e9), fc.nat(1e9), fc.integer({ min: 1, max: 1e9 }), (cash, bonus, amount) => {
        const all = [
          postingsFor.topUp(amount),
          postingsFor.grant(amount),
          postingsFor.reserve({ cash, bonus }),
          postingsFor.post({ cash, bonus }),
          postingsFor.void({ cash, bonus }),
        ];
        for (const postings of all) {
          expect(postings.reduce((sum, p) => sum + p.amount, 0)).toBe(0);
          expect(postings.every((p) => p.amount !== 0)).toBe(true);
        }
      }),
    );
  });

  it('moves a reservation into held, then to revenue or back where it came from', () => {
    expect(postingsFor.reserve({ cash: 7, bonus: 3 })).toEqual([
      { account: 'bonus', amount: -3 },
      { account: 'cash', amount: -7 },
      { account: 'held', amount: 10 },
    ]);
    expect(postingsFor.post({ cash: 7, bonus: 3 })).toEqual([
      { account: 'held', amount: -10 },
      { account: 'platform:revenue', amount: 10 },
    ]);
    expect(postingsFor.void({ cash: 0, bonus: 3 })).toEqual([
      { account: 'held', amount: -3 },
      { account: 'bonus', amount: 3 },
    ]);
    expect(postingsFor.reserve({ cash: 0, bonus: 0 })).toEqual([]);
  });
});

describe('assertAmount', () => {
  it('accepts whole positive fen, and zero only when allowed', () => {
    expect(codeOf(() => assertAmount(1))).toBeUndefined();
    expect(codeOf(() => assertAmount(0, { allowZero: true }))).toBeUndefined();
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(codeOf(() => assertAmount(bad))).toBe('billing.invalid_amount');
    }
    expect(codeOf(() => assertAmount(-1, { allowZero: true }))).toBe('billing.invalid_amount');
  });
});
