import { EngineError, engineErrorMessages } from '@visage/engine';

/** Codes the CLI itself reports, besides the engine's. Documented in docs/errors.md with the rest. */
export const cliErrorMessages = Object.freeze({
  'cli.file_unreadable': 'An input file could not be read.',
  'cli.bad_input': 'An input list, option or setting is malformed, or too small for the measurement.',
  'cli.internal': 'An unexpected error occurred.',
} as const);

export type CliErrorCode = keyof typeof cliErrorMessages;

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
  readonly error: { readonly code: string; readonly message: string; readonly details?: Record<string, unknown> };
}

export function errorBody(error: unknown): ErrorBody {
  if (error instanceof EngineError || error instanceof CliError) {
    const details = publicDetails(error.details);
    return { error: { code: error.code, message: error.message, ...(details ? { details } : {}) } };
  }
  return { error: { code: 'cli.internal', message: cliErrorMessages['cli.internal'] } };
}

// `cause` carries decoder internals that help a developer but say nothing useful to a script.
function publicDetails(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!details) return undefined;
  const rest = Object.fromEntries(Object.entries(details).filter(([k]) => k !== 'cause'));
  return Object.keys(rest).length > 0 ? rest : undefined;
}
