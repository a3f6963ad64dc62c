import { basename, isAbsolute, join, normalize, sep } from 'node:path';
import type { IdentityImportRow } from '@visage/core';
import { defaultImageLimits } from '@visage/engine';
import { loadConfig, openIdentityRegistry, parseIdentityCsv } from '@visage/server';
import type { Command } from 'commander';
import { CliError } from '../cli-errors.js';
import { readInputFile } from '../input-files.js';
import { adminCommand, operateWith, type Run } from './admin/operator.js';

/** The CSV itself is read whole: 1000 rows of a name, a number and a file name are far below this. */
const maxCsvBytes = 16 * 1024 * 1024;

interface ImportFlags {
  readonly csv: string;
  readonly photos: string;
  readonly keepPhotos?: boolean;
  readonly largestFace?: boolean;
  readonly sandbox?: boolean;
  readonly workers?: string;
}

/**
 * `visage registry …`: the identity registry of registry comparisons (docs/identity-sources.md), on the database
 * directly, like `visage admin`. Imports are all or nothing and audited as the operator given with --as.
 */
export function registerRegistryCommands(program: Command, run: Run): void {
  const registry = program
    .command('registry')
    .description('the identity registry for registry comparisons (name + ID number -> reference face)')
    .option('--data <dir>', 'data directory (also VISAGE_DATA_DIR)')
    .option('--as <name>', 'operator name for the audit log (default: the OS user)');
  const operate = operateWith(run);

  adminCommand(
    registry,
    'import',
    'import identities from a CSV (columns name, id_number, photo) and a photo directory: all rows or none',
  )
    .requiredOption('--csv <file>', 'UTF-8 CSV with a header naming the columns name, id_number and photo')
    .requiredOption('--photos <dir>', 'directory the photo column is relative to')
    .option('--keep-photos', 'keep each photo (encrypted) beside its template')
    .option('--largest-face', 'use the largest face of a photo with several faces instead of refusing the row')
    .option('--sandbox', 'import sandbox records: test identities only sandbox keys see (live keys never do)')
    .option('--workers <n>', 'engine worker threads (default: VISAGE_ENGINE_WORKERS or the number of cores)')
    .action((flags: ImportFlags, command: Command) =>
      operate(
        command,
        async ({ actor }) => {
          const { data } = command.optsWithGlobals<{ data?: string }>();
          const csvBytes = await readInputFile(flags.csv, maxCsvBytes);
          const parsed = parseIdentityCsv(new TextDecoder('utf-8', { fatal: false }).decode(csvBytes));
          const rows: IdentityImportRow[] = await Promise.all(
            parsed.map(async (row) => ({
              line: row.line,
              name: row.name,
              idNumber: row.idNumber,
              photo: await readPhoto(flags.photos, row.photo),
            })),
          );
          const workers = flags.workers === undefined ? undefined : workerCount(flags.workers);
          const opened = await openIdentityRegistry(loadConfig(process.env, { dataDir: data }), {
            ...(workers === undefined ? {} : { workers }),
            onMasterKeyGenerated: (path) =>
              process.stderr.write(`visage: generated the master key ${path}; back it up\n`),
          });
          try {
            return await opened.registry.importRows(rows, {
              source: `cli:${basename(flags.csv)}`,
              actor,
              keepPhotos: flags.keepPhotos === true,
              largestFace: flags.largestFace === true,
              sandbox: flags.sandbox === true,
            });
          } finally {
            await opened.close();
          }
        },
        (result) =>
          `imported ${result.imported} ${flags.sandbox === true ? 'sandbox ' : ''}identities ` +
          `(${result.created} new, ${result.updated} replaced)`,
      ),
    );
}

/** The photo's bytes, or the row's problem: a name outside the directory, a missing or oversized file. */
async function readPhoto(dir: string, name: string): Promise<Uint8Array | { problem: string }> {
  if (name === '') return { problem: 'empty' };
  const relative = normalize(name);
  if (isAbsolute(relative) || relative === '..' || relative.startsWith(`..${sep}`)) {
    return { problem: 'outside the photos directory' };
  }
  try {
    return await readInputFile(join(dir, relative), defaultImageLimits.maxBytes);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'image.too_large') return { problem: 'image.too_large' };
    const reason = (error as { details?: { reason?: unknown } }).details?.reason;
    return { problem: reason === 'ENOENT' ? 'file not found' : `unreadable (${String(reason ?? code)})` };
  }
}

function workerCount(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new CliError('cli.bad_input', { option: '--workers', reason: 'a whole number from 1 to 256' });
  }
  return n;
}
