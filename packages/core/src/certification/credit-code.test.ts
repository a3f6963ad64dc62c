import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkedCreditCode, creditCodeAlphabet, creditCodeCheckCharacter, creditCodeProblem } from './credit-code.js';

// Codes printed on real business licences (Huawei Technologies, Tencent Technology (Shenzhen), Bank of China).
const real = ['914403001922038216', '9144030071526726XG', '91110000802100433B'];

const validCode = fc
  .array(fc.constantFrom(...creditCodeAlphabet), { minLength: 17, maxLength: 17 })
  .map((chars) => chars.join(''))
  .map((first17) => first17 + creditCodeCheckCharacter(first17)!);

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts real codes', () => {
    for (const code of real) expect(creditCodeProblem(code), code).toBeUndefined();
  });

  it('says what is wrong', () => {
    expect(creditCodeProblem('91440300192203821')).toBe('length');
    expect(creditCodeProblem('9144030019220382166')).toBe('length');
    expect(creditCodeProblem('91440300192203821I')).toBe('character');
    expect(creditCodeProblem('91440300I92203821O')).toBe('character');
    expect(creditCodeProblem('914403001922038217')).toBe('check_character');
    expect(creditCodeProblem('914403001922038126')).toBe('check_character');
  });

  it('normalises case and spacing, and throws a registered error naming the field', () => {
    expect(checkedCreditCode(' 9144030071526726xg ')).toBe('9144030071526726XG');
    expect(checkedCreditCode('9144 0300 7152 6726 XG')).toBe('9144030071526726XG');
    expect(() => checkedCreditCode('914403001922038217')).toThrow(
      expect.objectContaining({
        code: 'certification.invalid_credit_code',
        details: { field: 'credit_code', problem: 'check_character' },
      }),
    );
  });

  it('accepts every code built with its check character', () => {
    fc.assert(fc.property(validCode, (code) => creditCodeProblem(code) === undefined));
  });

  it('refuses a code with any one character changed', () => {
    fc.assert(
      fc.property(
        validCode,
        fc.nat({ max: 17 }),
        fc.constantFrom(...creditCodeAlphabet, 'I', 'O', 'Z', '-', 'a'),
        (code, position, replacement) => {
          fc.pre(code[position] !== replacement);
          const changed = code.slice(0, position) + replacement + code.slice(position + 1);
          return creditCodeProblem(changed) !== undefined;
        },
      ),
    );
  });
});
