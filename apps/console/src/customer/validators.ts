/**
 * Browser copies of the check-digit rules (packages/core/src/certification/credit-code.ts and resident-id.ts) for
 * instant feedback; the server checks again and decides.
 */
const creditAlphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';

export type CreditCodeProblem = 'length' | 'character' | 'check_character';
export type ResidentIdProblem = 'length' | 'character' | 'region' | 'birth_date' | 'check_digit';

export const normalizeCode = (input: string) => input.replace(/\s+/g, '').toUpperCase();

export function creditCodeProblem(input: string): CreditCodeProblem | undefined {
  const code = normalizeCode(input);
  if (code.length !== 18) return 'length';
  for (const c of code) if (!creditAlphabet.includes(c)) return 'character';
  let sum = 0;
  let weight = 1;
  for (let i = 0; i < 17; i++) {
    sum += creditAlphabet.indexOf(code[i] ?? '') * weight;
    weight = (weight * 3) % 31;
  }
  return creditAlphabet[(31 - (sum % 31)) % 31] === code[17] ? undefined : 'check_character';
}

const provinces = new Set(
  '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83'.split(' '),
);

export function residentIdProblem(input: string, today = new Date()): ResidentIdProblem | undefined {
  const id = normalizeCode(input);
  if (id.length !== 18) return 'length';
  if (!/^\d{17}[\dX]$/.test(id)) return 'character';
  if (!provinces.has(id.slice(0, 2))) return 'region';
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    year >= 1900 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!real || date.getTime() > today.getTime()) return 'birth_date';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * (2 ** (17 - i) % 11);
  return '10X98765432'[sum % 11] === id[17] ? undefined : 'check_digit';
}
