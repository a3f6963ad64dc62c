import { DomainError, rejectIssues } from '@visage/core';
import { CliError } from '../../cli-errors.js';

/** `value` when it is one of `allowed`; cli.bad_input naming `option` otherwise. */
export function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError('cli.bad_input', { option, reason: `must be one of ${allowed.join(', ')}` });
  }
  return value as T;
}

/** `--amount` as a whole number of fen (above zero unless `allowZero`); billing.invalid_amount otherwise. */
export function wholeFen(text: string, { allowZero = false } = {}): number {
  const amount = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!(amount >= (allowZero ? 0 : 1))) throw new DomainError('billing.invalid_amount', { amount: text });
  return amount;
}

/** A bare date means midnight UTC; anything else goes to the service as given, which checks it. */
export function instantOf(text: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
}

/** A `--reason` for the audit log: request.invalid when it is blank. */
export function reasonOf(text: string): string {
  const reason = text.trim();
  rejectIssues(reason === '' ? [{ path: 'reason', message: 'must not be empty' }] : []);
  return reason;
}
