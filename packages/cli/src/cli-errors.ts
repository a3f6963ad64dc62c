import { DomainError } from '@visage/core';
import { EngineError, engineErrorMessages } from '@visage/engine';
import { VisageError } from '@visage/sdk';
import { ConfigError } from '@visage/server';
import { DataDirInUseError } from '@visage/storage';

/** Codes the CLI itself reports, besides the engine's. Documented in docs/errors.md with the rest. */
export const cliErrorMessages = Object.freeze({
  'cli.file_unreadable': 'An input file could not be read.',
  'cli.bad_input': 'An input list, option or setting is malformed, or too small for the measurement.',
  'cli.data_dir_in_use': 'The SQLite data directory is in use by another Visage server process.',
  'cli.internal': 'An unexpected error occurred.',
} as const);

export type CliErrorCode = keyof typeof cliErrorMessages;

/** For docs/errors.md: when each CLI code happens and what to do about it. */
export const cliErrorNotes: Readonly<Record<CliErrorCode, { readonly details?: string; readonly hint: string }>> = {
  'cli.file_unreadable': {
    details:
      'It does not exist, is not a regular file (a device, a FIFO) or cannot be read; `details` has the file and the reason.',
    hint: 'Check the path and its permissions.',
  },
  'cli.bad_input': {
    details:
      'A setting is malformed (a `DATABASE_URL` that is not `postgres://`; `details.problems` names every bad ' +
      'variable), an option of `visage admin` is not one of its choices or its file is not UTF-8 text (`details` ' +
      'names the option or file), or a pair or label list is malformed ' +
      '(missing column, `same` not 0/1, label not live/spoof, no rows) or too small for the measurement (the ' +
      '10-fold protocol needs same and different pairs in every fold; PAD metrics need live and spoof samples).',
    hint: 'Fix the input that `details` names.',
  },
  'cli.data_dir_in_use': {
    details:
      '`visage serve` on SQLite found another live server process on the same data directory; `details` has its ' +
      '`pid`, `host` and `since`. SQLite serves one process; `visage admin` commands may still run beside it.',
    hint: 'Stop the other server, give this one another --data directory, or run several processes on PostgreSQL (DATABASE_URL).',
  },
  'cli.internal': {
    details: 'The exit code is 70 and the message says nothing more.',
    hint: 'Set `VISAGE_DEBUG=1` to print the stack, and report it.',
  },
};

export const allErrorMessages = { ...engineErrorMessages, ...cliErrorMessages };

export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    readonly details?: Record<string, unknown>,
  ) {
    super(cliErrorMessages[code]);
  }
}

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details?: Record<string, unknown>;
    /** Remote commands: the server's request id (quote it to the operator) and HTTP status, when it answered. */
    readonly request_id?: string;
    readonly status?: number;
  };
}

export function errorBody(error: unknown): ErrorBody {
  // A DomainError's code is a registry code (docs/errors.md), so it passes through as it is, like the engine's.
  if (error instanceof EngineError || error instanceof CliError || error instanceof DomainError) {
    const details = publicDetails(error.details);
    return { error: { code: error.code, message: error.message, ...(details ? { details } : {}) } };
  }
  // Remote commands: the server's registered code (or the SDK's own, docs/errors.md) passes through as it is.
  if (error instanceof VisageError) {
    const details = error.details && Object.keys(error.details).length > 0 ? { ...error.details } : undefined;
    return {
      error: {
        code: error.code,
        message: error.message,
        ...(details ? { details } : {}),
        ...(error.requestId === undefined ? {} : { request_id: error.requestId }),
        ...(error.status === undefined ? {} : { status: error.status }),
      },
    };
  }
  if (error instanceof DataDirInUseError) {
    const { pid, host, startedAt } = error.holder;
    return {
      error: {
        code: 'cli.data_dir_in_use',
        message: cliErrorMessages['cli.data_dir_in_use'],
        details: { pid, host, since: startedAt },
      },
    };
  }
  if (error instanceof ConfigError) {
    // The environment (or a flag) is wrong: name every bad variable; never a secret's value (ConfigError has none).
    const problems = error.problems.map((p) => `${p.variable}: ${p.problem}`).join('; ');
    return { error: { code: 'cli.bad_input', message: cliErrorMessages['cli.bad_input'], details: { problems } } };
  }
  return { error: { code: 'cli.internal', message: cliErrorMessages['cli.internal'] } };
}

// `cause` carries decoder internals that help a developer but say nothing useful to a script.
function publicDetails(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!details) return undefined;
  const rest = Object.fromEntries(Object.entries(details).filter(([k]) => k !== 'cause'));
  return Object.keys(rest).length > 0 ? rest : undefined;
}
