import { DomainError } from './domain-error.js';

/** One entry of `details.issues` on 'request.invalid': the field and what is wrong with it. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

export function rejectIssues(issues: readonly ValidationIssue[]): void {
  if (issues.length > 0) throw new DomainError('request.invalid', { issues });
}
