import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain-error.js';
import { monthBounds } from './wallet.service.js';

describe('monthBounds', () => {
  it('gives the UTC month as a half-open interval, across the year end', () => {
    expect(monthBounds('2026-11')).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' });
    expect(monthBounds('2026-12')).toEqual({ from: '2026-12-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
    expect(monthBounds('0099-12')).toEqual({ from: '0099-12-01T00:00:00.000Z', to: '0100-01-01T00:00:00.000Z' });
  });

  it('refuses anything but YYYY-MM', () => {
    for (const period of ['2026-13', '2026-1', '2026-00', '2026/11', '2026-11-01', '']) {
      expect(() => monthBounds(period)).toThrow(DomainError);
    }
  });
});
