import { EngineError } from '@visage/engine';
import type { Command } from 'commander';
import { CliError } from '../../cli-errors.js';
import { readInputFile } from '../../input-files.js';
import { instantOf } from './options.js';
import { adminCommand, type Operate } from './operator.js';

const maxAgreementBytes = 1024 * 1024;

export function registerAgreementCommands(admin: Command, operate: Operate): void {
  const agreement = admin.command('agreement').description('the service agreement organisations accept');

  adminCommand(agreement, 'publish', 'publish the next version of the terms and the data processing agreement')
    .requiredOption('--terms <file>', 'terms of service, UTF-8 text')
    .requiredOption('--dpa <file>', 'data processing agreement, UTF-8 text')
    .requiredOption('--effective <iso>', 'when it takes effect: an ISO-8601 date (midnight UTC) or date-time')
    .action((flags: { terms: string; dpa: string; effective: string }, command: Command) =>
      operate(
        command,
        async ({ actor, withServices }) => {
          const [termsText, dpaText] = [await readText(flags.terms), await readText(flags.dpa)];
          const published = await withServices(({ agreement }) =>
            agreement.publish({ termsText, dpaText, effectiveAt: instantOf(flags.effective), actor }),
          );
          return {
            version: published.version,
            terms_sha256: published.termsSha256,
            dpa_sha256: published.dpaSha256,
            effective_at: published.effectiveAt,
          };
        },
        (published) => `published agreement version ${published.version}, effective ${published.effective_at}`,
      ),
    );
}

async function readText(file: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readInputFile(file, maxAgreementBytes);
  } catch (error) {
    // readInputFile speaks of images when a file is too large; an agreement is text.
    if (!(error instanceof EngineError)) throw error;
    throw new CliError('cli.bad_input', { file, reason: `larger than ${maxAgreementBytes} bytes` });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError('cli.bad_input', { file, reason: 'not UTF-8 text' });
  }
}
