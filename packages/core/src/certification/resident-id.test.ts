import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkedResidentId,
  maskResidentId,
  provinceCodes,
  residentIdCheckCharacter,
  residentIdProblem,
} from './resident-id.js';

const today = new Date('2026-11-29T12:00:00Z');

const digits = (length: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));

const validId = fc
  .record({
    province: fc.constantFrom(...provinceCodes),
    region: digits(4),
    birth: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: today, noInvalidDate: true }),
    sequence: digits(3),
  })
  .map(({ province, region, birth, sequence }) => {
    const first17 = `${province}${region}${birth.toISOString().slice(0, 10).replaceAll('-', '')}${sequence}`;
    return first17 + residentIdCheckCharacter(first17);
  });

describe('resident identity number (GB 11643-1999)', () => {
  it('accepts the standard’s example and numbers with an X check character', () => {
    expect(residentIdProblem('11010519491231002X', today)).toBeUndefined();
    expect(checkedResidentId('11010519491231002x', today)).toBe('11010519491231002X');
  });

  it('says what is wrong', () => {
    expect(residentIdProblem('11010519491231002', today)).toBe('length');
    expect(residentIdProblem('1101051949123100XX', today)).toBe('character');
    expect(residentIdProblem('99010519491231002X', today)).toBe('region');
    expect(residentIdProblem('110105194902300021', today)).toBe('birth_date');
    expect(residentIdProblem('110105188001010014', today)).toBe('birth_date');
    expect(residentIdProblem('110105202612010010', today)).toBe('birth_date');
    expect(residentIdProblem('110105194912310021', today)).toBe('check_digit');
  });

  it('throws a registered error naming the field', () => {
    expect(() => checkedResidentId('110105194912310021', today)).toThrow(
      expect.objectContaining({
        code: 'certification.invalid_resident_id',
        details: { field: 'legal_rep_id_number', problem: 'check_digit' },
      }),
    );
  });

  it('masks all but the first three and the last four characters', () => {
    expect(maskResidentId('11010519491231002X')).toBe('110***********002X');
  });

  it('accepts every plausible number built with its check character', () => {
    fc.assert(fc.property(validId, (id) => residentIdProblem(id, today) === undefined));
  });

  it('refuses a number with any one character changed', () => {
    fc.assert(
      fc.property(validId, fc.nat({ max: 17 }), fc.constantFrom(...'0123456789X'), (id, position, replacement) => {
        fc.pre(id[position] !== replacement);
        const changed = id.slice(0, position) + replacement + id.slice(position + 1);
        return residentIdProblem(changed, today) !== undefined;
      }),
    );
  });
});
