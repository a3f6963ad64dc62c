import { userInfo } from 'node:os';
import { loadConfig, openServices, type Services } from '@visage/server';
import type { Command } from 'commander';
import { CliError } from '../../cli-errors.js';

/** main.ts's `run`: prints the result as JSON or text, or the error as `{"error":…}`, and sets the exit code. */
export type Run = <T>(json: boolean, body: () => Promise<T>, format: (result: T) => string) => Promise<void>;

export interface Operator {
  /** `operator:<name>`, as the audit log records every action. */
  readonly actor: string;
  readonly json: boolean;
  /** Opens the services over the database, runs `act`, and closes them whether it succeeds or not. */
  withServices<T>(act: (services: Services) => Promise<T>): Promise<T>;
}

export type Operate = <T>(
  command: Command,
  body: (operator: Operator) => Promise<T>,
  format: (result: T) => string,
) => Promise<void>;

interface AdminOptions {
  readonly data?: string;
  readonly as?: string;
  readonly json?: boolean;
}

/** Runs an admin command's body with the `admin` options (`--data`, `--as`) and its own `--json`. */
export function operateWith(run: Run): Operate {
  return (command, body, format) => {
    const options = command.optsWithGlobals<AdminOptions>();
    const json = options.json ?? false;
    return run(
      json,
      () => body({ actor: `operator:${operatorName(options.as)}`, json, withServices: servicesOf(options) }),
      format,
    );
  };
}

function servicesOf(options: AdminOptions): Operator['withServices'] {
  return async (act) => {
    const config = loadConfig(process.env, { dataDir: options.data });
    const services = await openServices(config, {
      onMasterKeyGenerated: (path) => process.stderr.write(`visage: generated the master key ${path}; back it up\n`),
    });
    try {
      return await act(services);
    } finally {
      await services.close();
    }
  };
}

function operatorName(as: string | undefined): string {
  const name = (as ?? osUser()).trim();
  if (!/^\S{1,64}$/u.test(name)) {
    throw new CliError('cli.bad_input', { option: '--as', reason: 'must be 1-64 characters without spaces' });
  }
  return name;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    throw new CliError('cli.bad_input', { option: '--as', reason: 'the OS user has no name; name the operator' });
  }
}

/** A leaf command under `parent`, with the `--json` every admin command takes. */
export function adminCommand(parent: Command, name: string, description: string): Command {
  return parent.command(name).description(description).option('--json', 'print one JSON object');
}
