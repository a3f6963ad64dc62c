import { errorRegistry, type ErrorCode } from '@visage/contracts';

/** What core throws: a registered code and details safe to show the caller. The server maps it to HTTP. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(errorRegistry[code].message);
  }
}
