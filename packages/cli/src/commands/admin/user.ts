import { operatorRoles, type OperatorRole } from '@visage/core';
import type { Command } from 'commander';
import { CliError } from '../../cli-errors.js';
import { oneOf } from './options.js';
import { adminCommand, type Operate } from './operator.js';

const maxStdinBytes = 4096;

export function registerUserCommands(admin: Command, operate: Operate): void {
  const user = admin.command('user').description('operator accounts');

  adminCommand(user, 'create', 'create an operator account; without --password-stdin a password is generated')
    .requiredOption('--username <name>', '3-32 characters of a-z, 0-9, _, . and -')
    .option('--role <role>', `${operatorRoles.join(' | ')} (operators are the only accounts made here)`, 'admin')
    .option('--email <address>', 'the operator’s email address')
    .option('--password-stdin', 'read the password from standard input (one line)')
    .action((flags: { username: string; role: string; email?: string; passwordStdin?: boolean }, command: Command) =>
      operate(
        command,
        async ({ actor, json, withServices }) => {
          const role: OperatorRole = oneOf(flags.role, operatorRoles, '--role');
          const password = flags.passwordStdin ? await readPasswordFromStdin() : undefined;
          const { user: created, generatedPassword } = await withServices(({ users }) =>
            users.createOperator({
              username: flags.username,
              role,
              ...(flags.email === undefined ? {} : { email: flags.email }),
              ...(password === undefined ? {} : { password }),
              actor,
            }),
          );
          if (generatedPassword !== undefined && !json) {
            process.stderr.write('visage: this is the only time the password is shown; store it now\n');
          }
          return {
            id: created.id,
            username: created.username,
            role: created.role,
            ...(generatedPassword === undefined ? {} : { password: generatedPassword }),
          };
        },
        ({ id, username, role: created, password }) =>
          `created operator ${username} (${id}, ${created})${password === undefined ? '' : `\npassword  ${password}`}`,
      ),
    );
}

async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxStdinBytes) throw new CliError('cli.bad_input', { option: '--password-stdin', reason: 'too long' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/u, '');
}
