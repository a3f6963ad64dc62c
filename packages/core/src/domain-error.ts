import { errorRegistry, type ErrorCode } from '@visage/contracts';

/** What core throws: a registered code and details safe to show the caller. The server maps it to HTTP. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  /** For the operator's log only, never sent to the caller (e.g. the internal address a webhook URL resolved to). */
  declare readonly logDetails?: Readonly<Record<string, unknown>>;

  constructor(
    readonly code: ErrorCode,
    readonly details?: Readonly<Record<string, unknown>>,
    logDetails?: Readonly<Record<string, unknown>>,
  ) {
    super(errorRegistry[code].message);
    // Not enumerable: whatever serialises the error's own fields does not carry it to a client.
    if (logDetails !== undefined) Object.defineProperty(this, 'logDetails', { value: logDetails, enumerable: false });
  }
}
