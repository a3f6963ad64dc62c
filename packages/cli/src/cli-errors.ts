import { EngineError, engineErrorMessages } from '@visage/engine';
import { InputFileError } from './commands/compare.command.js';

/** Codes the CLI itself reports, besides the engine's. Documented in docs/errors.md with the rest. */
export const cliErrorMessages = {
  'cli.file_unreadable': 'An input file could not be read.',
  'cli.internal': 'An unexpected error occurred.',
} as const;

export const allErrorMessages = { ...engineErrorMessages, ...cliErrorMessages };

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: Record<string, unknown> };
}

export function errorBody(error: unknown): ErrorBody {
  if (error instanceof EngineError) {
    const details = publicDetails(error.details);
    return { error: { code: error.code, message: error.message, ...(details ? { details } : {}) } };
  }
  if (error instanceof InputFileError) {
    const code = 'cli.file_unreadable';
    return { error: { code, message: cliErrorMessages[code], details: { file: error.file, reason: error.reason } } };
  }
  return { error: { code: 'cli.internal', message: error instanceof Error ? error.message : String(error) } };
}

// `cause` carries decoder internals that help a developer but say nothing useful to a script.
function publicDetails(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!details) return undefined;
  const rest = Object.fromEntries(Object.entries(details).filter(([k]) => k !== 'cause'));
  return Object.keys(rest).length > 0 ? rest : undefined;
}
