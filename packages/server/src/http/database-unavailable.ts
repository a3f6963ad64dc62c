/**
 * True when `error` (or an error it wraps) says the database cannot be reached or written right now — PostgreSQL
 * stopped, restarting or refusing connections, a connection cut under a query, SQLite's disk full — rather than a
 * fault in the request or in our code. Such a request is answered 503 `service.unavailable` with Retry-After, not
 * 500: its transaction was rolled back, nothing was charged, and a client may retry it.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (socketCodes.has(code)) return true;
      // SQLSTATE class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now).
      if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[123]$/.test(code)) return true;
    }
    if (pgClientMessages.some((message) => current instanceof Error && current.message.startsWith(message))) {
      return true;
    }
    if (current instanceof AggregateError && current.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // The data directory's disk is full: SQLite cannot grow its file or journal, a blob file cannot be written.
  'SQLITE_FULL',
  'ENOSPC',
]);

// node-postgres reports a lost or unobtainable connection with these messages and no code.
const pgClientMessages = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];
