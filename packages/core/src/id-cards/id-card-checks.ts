import {
  provinceCodes,
  residentIdCheckCharacter,
  residentIdProblem,
  type ResidentIdProblem,
} from '../certification/resident-id.js';
import type { BackFields, FrontFields } from './id-card-fields.js';

/** A check's outcome: true passed, false failed, null could not be made (a field it needs was not read). */
export type CheckOutcome = boolean | null;

export interface FrontChecks {
  /** The number is a well-formed GB 11643 number (undefined problem) or what is wrong with it. */
  readonly idNumberValid: CheckOutcome;
  readonly idNumberProblem: ResidentIdProblem | null;
  /** The ISO 7064 MOD 11-2 check character matches the first 17 digits. */
  readonly checkDigit: CheckOutcome;
  /** The first two digits are a province-level region code. */
  readonly regionPlausible: CheckOutcome;
  /** The printed birth date is the one inside the number. */
  readonly birthDateMatchesNumber: CheckOutcome;
  /** The printed sex agrees with the 17th digit (odd male, even female). */
  readonly sexMatchesNumber: CheckOutcome;
}

export interface BackChecks {
  /** Both dates are real dates, the start is not in the future, and the span is 5, 10 or 20 years to the day (or
   * long-term). */
  readonly validityWellFormed: CheckOutcome;
  /** The card is within its validity period today. */
  readonly notExpired: CheckOutcome;
}

export function checkFront(fields: FrontFields, today: Date): FrontChecks {
  const id = fields.idNumber?.value;
  if (!id) {
    return {
      idNumberValid: null,
      idNumberProblem: null,
      checkDigit: null,
      regionPlausible: null,
      birthDateMatchesNumber: null,
      sexMatchesNumber: null,
    };
  }
  const problem = residentIdProblem(id, today) ?? null;
  const wellFormed = /^\d{17}[\dX]$/.test(id);
  const numberBirth = wellFormed ? `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}` : undefined;
  const numberSex = wellFormed ? (Number(id[16]) % 2 === 1 ? '男' : '女') : undefined;
  return {
    idNumberValid: problem === null,
    idNumberProblem: problem,
    checkDigit: wellFormed ? residentIdCheckCharacter(id) === id[17] : false,
    regionPlausible: wellFormed ? provinceCodes.has(id.slice(0, 2)) : false,
    birthDateMatchesNumber: fields.birthDate && numberBirth ? fields.birthDate.value === numberBirth : null,
    sexMatchesNumber: fields.sex && numberSex ? fields.sex.value === numberSex : null,
  };
}

function realDate(iso: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : undefined;
}

const validitySpans = [5, 10, 20];

export function checkBack(fields: BackFields, today: Date): BackChecks {
  if (!fields.validFrom || !fields.validUntil) return { validityWellFormed: null, notExpired: null };
  const from = realDate(fields.validFrom.value);
  const longTerm = fields.validUntil.value === 'long_term';
  const until = longTerm ? undefined : realDate(fields.validUntil.value);
  const startOfToday = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const spanOk =
    from !== undefined &&
    (longTerm ||
      (until !== undefined &&
        validitySpans.some(
          (years) => fields.validUntil!.value === `${from.getUTCFullYear() + years}${fields.validFrom!.value.slice(4)}`,
        )));
  const wellFormed =
    from !== undefined && (longTerm || until !== undefined) && spanOk && from.getTime() <= startOfToday;
  return {
    validityWellFormed: wellFormed,
    notExpired: wellFormed ? longTerm || until!.getTime() >= startOfToday : null,
  };
}
