import { DomainError } from '../domain-error.js';

/**
 * The unified social credit code of GB 32100-2015: 18 characters from a 31-character alphabet (the digits and the
 * capital letters without I, O, S, V and Z), the last one a check character over the first 17.
 */
export const creditCodeAlphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export const creditCodeLength = 18;

/** Position i (0-based) of the first 17 characters weighs 3^i mod 31. */
const weights = Array.from({ length: creditCodeLength - 1 }, (_, i) => {
  let weight = 1;
  for (let k = 0; k < i; k++) weight = (weight * 3) % 31;
  return weight;
});

export type CreditCodeProblem = 'length' | 'character' | 'check_character';

/** The check character for the first 17 characters of a code (undefined when one is outside the alphabet). */
export function creditCodeCheckCharacter(first17: string): string | undefined {
  if (first17.length !== creditCodeLength - 1) return undefined;
  let sum = 0;
  for (let i = 0; i < first17.length; i++) {
    const value = creditCodeAlphabet.indexOf(first17[i]!);
    if (value < 0) return undefined;
    sum += value * weights[i]!;
  }
  return creditCodeAlphabet[(31 - (sum % 31)) % 31];
}

/** Upper case, without surrounding or inner whitespace: how people paste it from a licence. */
export function normalizeCreditCode(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** What is wrong with a (normalised) code, or undefined when it is valid. */
export function creditCodeProblem(code: string): CreditCodeProblem | undefined {
  if (code.length !== creditCodeLength) return 'length';
  for (const char of code) if (!creditCodeAlphabet.includes(char)) return 'character';
  return creditCodeCheckCharacter(code.slice(0, -1)) === code.at(-1) ? undefined : 'check_character';
}

/** The normalised code; throws 'certification.invalid_credit_code' naming `field` and the problem. */
export function checkedCreditCode(input: string, field = 'credit_code'): string {
  const code = normalizeCreditCode(input);
  const problem = creditCodeProblem(code);
  if (problem) throw new DomainError('certification.invalid_credit_code', { field, problem });
  return code;
}
