/** Where failures go that must not fail the action behind them: a pino logger (the server's) fits. */
export interface ProblemLog {
  error(fields: Record<string, unknown>, message: string): void;
}

/** Until the server hands over its logger (and in `visage admin` commands): one JSON line on stderr. */
export const stderrProblemLog: ProblemLog = {
  error(fields, message) {
    const { err, ...rest } = fields;
    const error = err instanceof Error ? { type: err.name, message: err.message, stack: err.stack } : err;
    process.stderr.write(
      `${JSON.stringify({ level: 'error', time: new Date().toISOString(), msg: message, ...rest, err: error })}\n`,
    );
  },
};
