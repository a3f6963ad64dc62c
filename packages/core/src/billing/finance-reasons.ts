import { rejectIssues } from '../invalid-request.js';

const maxReasonLength = 500;

/** A reason an operator must give (1..500 characters once trimmed), else 'request.invalid'. */
export function requiredReason(reason: string | undefined): string {
  const trimmed = reason?.trim() ?? '';
  rejectIssues(
    trimmed.length < 1 || trimmed.length > maxReasonLength
      ? [{ path: 'reason', message: `must be 1 to ${maxReasonLength} characters` }]
      : [],
  );
  return trimmed;
}

export function optionalReason(reason: string | undefined): string | null {
  return reason === undefined || reason.trim() === '' ? null : requiredReason(reason);
}

/** The money has already moved when the customer is told: see notices/notify-safely.ts. */
export { notifySafely } from '../notices/notify-safely.js';
