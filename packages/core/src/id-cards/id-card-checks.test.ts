import { describe, expect, it } from 'vitest';
import { checkBack, checkFront } from './id-card-checks.js';
import type { BackFields, FrontFields } from './id-card-fields.js';
import { idCardValid } from './id-cards.service.js';

const today = new Date('2026-11-29T10:00:00Z');
const f = (value: string) => ({ value, confidence: 0.99 });

const front = (over: Partial<Record<keyof FrontFields, string | null>> = {}): FrontFields => {
  const base: Record<keyof FrontFields, string | null> = {
    name: '王春欣',
    sex: '男',
    ethnicity: '汉',
    birthDate: '1977-03-18',
    address: '浙江省杭州市西湖区长文路368号',
    idNumber: '330302197703187295',
    ...over,
  };
  return Object.fromEntries(
    Object.entries(base).map(([k, v]) => [k, v === null ? null : f(v)]),
  ) as unknown as FrontFields;
};

describe('checkFront', () => {
  it('passes a consistent card', () => {
    expect(checkFront(front(), today)).toEqual({
      idNumberValid: true,
      idNumberProblem: null,
      checkDigit: true,
      regionPlausible: true,
      birthDateMatchesNumber: true,
      sexMatchesNumber: true,
    });
  });

  it('catches every wrong check character', () => {
    for (const wrong of '0123456789X'.replace('5', '')) {
      const c = checkFront(front({ idNumber: `33030219770318729${wrong}` }), today);
      expect(c.checkDigit).toBe(false);
      expect(c.idNumberValid).toBe(false);
      expect(c.idNumberProblem).toBe('check_digit');
    }
  });

  it('catches a birth date or sex that disagrees with the number, and an unknown province', () => {
    expect(checkFront(front({ birthDate: '1977-03-19' }), today).birthDateMatchesNumber).toBe(false);
    expect(checkFront(front({ sex: '女' }), today).sexMatchesNumber).toBe(false);
    const c = checkFront(front({ idNumber: '990302197703187290' }), today);
    expect(c.regionPlausible).toBe(false);
    expect(c.idNumberProblem).toBe('region');
  });

  it('cannot check what was not read', () => {
    expect(checkFront(front({ idNumber: null }), today).checkDigit).toBeNull();
    expect(checkFront(front({ sex: null }), today).sexMatchesNumber).toBeNull();
    expect(checkFront(front({ idNumber: '33030219770318' }), today)).toMatchObject({
      idNumberProblem: 'length',
      checkDigit: false,
    });
  });
});

const back = (from: string, until: string): BackFields => ({
  issuingAuthority: f('杭州市公安局西湖区分局'),
  validFrom: f(from),
  validUntil: f(until),
});

describe('checkBack', () => {
  it('accepts 5, 10 and 20 year spans and long-term cards', () => {
    expect(checkBack(back('2018-03-05', '2038-03-05'), today)).toEqual({ validityWellFormed: true, notExpired: true });
    expect(checkBack(back('2022-11-30', '2027-11-30'), today).validityWellFormed).toBe(true);
    expect(checkBack(back('2001-01-01', 'long_term'), today)).toEqual({ validityWellFormed: true, notExpired: true });
  });

  it('flags an expired card, an odd span, an impossible date and a start in the future', () => {
    expect(checkBack(back('2006-11-28', '2026-11-28'), today)).toEqual({ validityWellFormed: true, notExpired: false });
    expect(checkBack(back('2006-11-29', '2026-11-29'), today).notExpired).toBe(true);
    expect(checkBack(back('2018-03-05', '2037-03-05'), today).validityWellFormed).toBe(false);
    expect(checkBack(back('2018-02-30', '2038-02-30'), today).validityWellFormed).toBe(false);
    expect(checkBack(back('2027-01-01', '2037-01-01'), today).validityWellFormed).toBe(false);
  });
});

describe('idCardValid', () => {
  it('needs every field and every check passed', () => {
    const card = { side: 'front' as const, fields: front(), checks: checkFront(front(), today) };
    expect(idCardValid(card)).toBe(true);
    expect(idCardValid({ ...card, fields: front({ address: null }) })).toBe(false);
    const wrong = front({ idNumber: '330302197703187290' });
    expect(idCardValid({ side: 'front', fields: wrong, checks: checkFront(wrong, today) })).toBe(false);
    const expired = back('2006-11-28', '2026-11-28');
    expect(idCardValid({ side: 'back', fields: expired, checks: checkBack(expired, today) })).toBe(false);
    const fine = back('2018-03-05', '2038-03-05');
    expect(idCardValid({ side: 'back', fields: fine, checks: checkBack(fine, today) })).toBe(true);
  });
});
