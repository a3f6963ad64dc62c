import { masterKeyStatus, rewrapSealedValues, type MasterKeyStatus, type RewrapResult } from '@visage/server';
import { createSealedValueRepository } from '@visage/storage';
import type { Command } from 'commander';
import { CliError } from '../cli-errors.js';
import { adminCommand, operateWith, type Run } from './admin/operator.js';

/**
 * `visage master-key …`: a master-key rotation's re-wrap and its check (docs/operations.md, "Rotating the master
 * key"), on the database directly like `visage admin`: it takes no server lock, so it runs beside the servers, on
 * PostgreSQL and on SQLite alike. The keyring is the servers' (VISAGE_MASTER_KEY or master.key,
 * VISAGE_MASTER_KEYS_DECRYPT_ONLY).
 */
export function registerMasterKeyCommands(program: Command, run: Run): void {
  const masterKey = program
    .command('master-key')
    .description('master-key rotation: count sealed values per key, re-wrap them under the current key')
    .option('--data <dir>', 'data directory (also VISAGE_DATA_DIR)')
    .option('--as <name>', 'operator name for the audit log (default: the OS user)');
  const operate = operateWith(run);

  adminCommand(
    masterKey,
    'status',
    'how many sealed values are under each master key id, in all and per column',
  ).action((_flags: object, command: Command) => {
    let remaining = 0;
    return operate(
      command,
      ({ withServices }) =>
        withServices(async (services) => {
          const status = await masterKeyStatus(createSealedValueRepository(services.database), services.secretBox);
          remaining = status.remaining;
          return status;
        }),
      formatStatus,
    ).then(() => {
      // Values left under other keys are a finding, not a failure to run: exit 2, as `visage audit verify` does.
      if (remaining > 0 && process.exitCode === undefined) process.exitCode = 2;
    });
  });

  adminCommand(
    masterKey,
    'rewrap',
    're-wrap every sealed value under the current master key (VISAGE_MASTER_KEY); safe beside running servers',
  )
    .option('--batch <n>', 'rows read per page (1-10000)', '200')
    .action((flags: { batch: string }, command: Command) => {
      let remaining = 0;
      return operate(
        command,
        ({ actor, withServices }) => {
          const pageSize = Number(flags.batch);
          if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) {
            throw new CliError('cli.bad_input', { option: '--batch', reason: 'a whole number from 1 to 10000' });
          }
          return withServices(async (services) => {
            const result = await rewrapSealedValues(
              createSealedValueRepository(services.database),
              services.secretBox,
              { pageSize },
            );
            await services.audit.record({
              actor,
              action: 'master_key.rewrap',
              subject: result.currentKeyId,
              data: {
                rewrapped: result.rewrapped,
                failed: result.failed,
                remaining: result.status.remaining,
                totals: result.status.totals,
              },
            });
            remaining = result.status.remaining;
            return result;
          });
        },
        formatRewrap,
      ).then(() => {
        if (remaining > 0 && process.exitCode === undefined) process.exitCode = 2;
      });
    });
}

const counts = (keys: Readonly<Record<string, number>>, current: string): string =>
  Object.entries(keys)
    .sort(([a], [b]) => (a === current ? -1 : b === current ? 1 : a.localeCompare(b)))
    .map(([id, n]) => `${id}${id === current ? ' (current)' : ''}: ${n}`)
    .join(', ') || 'none';

export function formatStatus(status: MasterKeyStatus): string {
  const others = status.keyIds.filter((id) => id !== status.currentKeyId);
  const lines = [
    `current master key id ${status.currentKeyId}; decrypt-only: ${others.length > 0 ? others.join(', ') : 'none'}`,
    `sealed values: ${counts(status.totals, status.currentKeyId)}`,
    ...status.columns
      .filter((column) => Object.keys(column.keys).length > 0)
      .map((column) => `  ${column.table}.${column.column}: ${counts(column.keys, status.currentKeyId)}`),
  ];
  const outside = Object.keys(status.totals).filter((id) => !status.keyIds.includes(id));
  lines.push(
    status.remaining === 0
      ? 'every sealed value is under the current key: the decrypt-only keys can be dropped'
      : `${status.remaining} values are not under the current key: run \`visage master-key rewrap\`` +
          (outside.length > 0 ? `; under keys outside the keyring (they do not open): ${outside.join(', ')}` : ''),
  );
  return lines.join('\n');
}

export function formatRewrap(result: RewrapResult): string {
  return [
    `re-wrapped ${result.rewrapped} values under ${result.currentKeyId}` +
      (result.rewrittenMeanwhile > 0 ? ` (${result.rewrittenMeanwhile} were rewritten by a server meanwhile)` : ''),
    ...(result.failed > 0
      ? [
          `${result.failed} values could not be re-wrapped:`,
          ...result.failures.map((f) => `  ${f.table}.${f.column} ${f.row}: ${f.reason}`),
        ]
      : []),
    formatStatus(result.status),
  ].join('\n');
}
