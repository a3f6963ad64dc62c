import { DomainError } from '../domain-error.js';

/**
 * The citizen identity number of GB 11643-1999: a 6-digit region code, the birth date YYYYMMDD, a 3-digit sequence
 * number and an ISO 7064 MOD 11-2 check character (0-9 or X).
 */
export const residentIdLength = 18;

/** Position i (0-based) of the first 17 digits weighs 2^(17-i) mod 11. */
const weights = Array.from({ length: residentIdLength - 1 }, (_, i) => {
  let weight = 1;
  for (let k = 0; k < residentIdLength - 1 - i; k++) weight = (weight * 2) % 11;
  return weight;
});
const checkCharacters = '10X98765432';

/**
 * First two digits of the region code: the provinces, autonomous regions and municipalities of GB/T 2260, plus
 * 81-83 that the residence permits of Hong Kong, Macao and Taiwan residents use.
 */
export const provinceCodes: ReadonlySet<string> = new Set([
  ...['11', '12', '13', '14', '15'],
  ...['21', '22', '23'],
  ...['31', '32', '33', '34', '35', '36', '37'],
  ...['41', '42', '43', '44', '45', '46'],
  ...['50', '51', '52', '53', '54'],
  ...['61', '62', '63', '64', '65'],
  ...['71', '81', '82', '83'],
]);

export type ResidentIdProblem = 'length' | 'character' | 'region' | 'birth_date' | 'check_digit';

/** The check character for the first 17 digits. */
export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < residentIdLength - 1; i++) sum += Number(first17[i]) * weights[i]!;
  return checkCharacters[sum % 11]!;
}

export function normalizeResidentId(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** What is wrong with a (normalised) number, or undefined when it is valid; `today` bounds the birth date. */
export function residentIdProblem(id: string, today: Date): ResidentIdProblem | undefined {
  if (id.length !== residentIdLength) return 'length';
  if (!/^\d{17}[\dX]$/.test(id)) return 'character';
  if (!provinceCodes.has(id.slice(0, 2))) return 'region';
  if (!plausibleBirthDate(id.slice(6, 14), today)) return 'birth_date';
  return residentIdCheckCharacter(id) === id[17] ? undefined : 'check_digit';
}

/** The normalised number; throws 'certification.invalid_resident_id' naming `field` and the problem. */
export function checkedResidentId(input: string, today: Date, field = 'legal_rep_id_number'): string {
  const id = normalizeResidentId(input);
  const problem = residentIdProblem(id, today);
  if (problem) throw new DomainError('certification.invalid_resident_id', { field, problem });
  return id;
}

/** Shows the first three and the last four characters: enough to tell numbers apart, not to use one. */
export function maskResidentId(id: string): string {
  return id.length <= 7 ? '*'.repeat(id.length) : `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`;
}

function plausibleBirthDate(yyyymmdd: string, today: Date): boolean {
  const [year, month, day] = [yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6, 8)].map(Number) as [
    number,
    number,
    number,
  ];
  if (year < 1900) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real && date.getTime() <= today.getTime();
}
