import { describe, expect, it } from 'vitest';
import { statementCsv, yuan } from './statement-csv.js';

describe('the statement CSV', () => {
  it('writes whole fen as exact yuan', () => {
    expect([0, 1, 10, 99, 100, 12_345, -1, -12_345, 2 ** 40].map(yuan)).toEqual([
      '0.00',
      '0.01',
      '0.10',
      '0.99',
      '1.00',
      '123.45',
      '-0.01',
      '-123.45',
      '10995116277.76',
    ]);
  });

  it('runs the balances from the opening, quotes what needs it and defuses formulas', () => {
    const csv = statementCsv({
      orgId: 'org_a',
      period: '2026-11',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      opening: { cash: 100, bonus: 0, held: 0 },
      closing: { cash: 60, bonus: 0, held: 40 },
      entries: [
        {
          transactionId: 'ltx_1',
          kind: 'reserve',
          reference: '+cmd|line\nbreak',
          reservationId: 'rsv_1',
          createdAt: '2026-11-02T00:00:00.000Z',
          cash: -40,
          bonus: 0,
          held: 40,
        },
      ],
    });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'created_at,kind,reference,transaction_id,cash_change_yuan,bonus_change_yuan,held_change_yuan,cash_balance_yuan,bonus_balance_yuan,held_balance_yuan',
      '2026-11-01T00:00:00.000Z,opening,,,,,,1.00,0.00,0.00',
      `2026-11-02T00:00:00.000Z,reserve,"'+cmd|line\nbreak",ltx_1,-0.40,0.00,0.40,0.60,0.00,0.40`,
      '2026-12-01T00:00:00.000Z,closing,,,,,,0.60,0.00,0.40',
      '',
    ]);
  });
});
