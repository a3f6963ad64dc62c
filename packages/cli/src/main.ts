#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { CliError, errorBody, type ErrorBody } from './cli-errors.js';
import { benchFaces } from './commands/bench-faces.command.js';
import { benchPad } from './commands/bench-pad.command.js';
import { verifyAuditLog } from './commands/audit-verify.command.js';
import { calibrate } from './commands/calibrate.command.js';
import { compareFiles } from './commands/compare.command.js';
import { formatBenchFaces, formatBenchPad, formatCalibration, formatCompare } from './format.js';
import { engineSettings } from './settings.js';

const program = new Command('visage')
  .description('Visage: self-hosted face verification. Compare photos, measure accuracy and speed on real data.')
  .showHelpAfterError();

const workersOption = new Option('--workers <n>', 'worker threads (default: the number of cores)').argParser(
  (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError('a whole number from 1 to 256');
    return String(n);
  },
);

function run<T>(json: boolean, body: () => Promise<T>, format: (result: T) => string): Promise<void> {
  return Promise.resolve()
    .then(body)
    .catch((error: unknown) => {
      // The metrics refuse data they cannot measure (too few pairs, one class missing) with a RangeError.
      throw error instanceof RangeError ? new CliError('cli.bad_input', { reason: error.message }) : error;
    })
    .then(
      (result) => {
        process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${format(result)}\n`);
      },
      (error: unknown) => {
        const body = errorBody(error);
        if (json) process.stdout.write(`${JSON.stringify(body)}\n`);
        else process.stderr.write(`visage: ${body.error.code}: ${body.error.message}${detailsSuffix(body)}\n`);
        if (body.error.code === 'cli.internal' && process.env['VISAGE_DEBUG']) console.error(error);
        else if (body.error.code === 'cli.internal') process.stderr.write('visage: set VISAGE_DEBUG=1 for details\n');
        process.exitCode = body.error.code === 'cli.internal' ? 70 : 1;
      },
    );
}

const detailsSuffix = ({ error }: ErrorBody): string =>
  error.details
    ? ` (${Object.entries(error.details)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join(', ')})`
    : '';

program
  .command('compare')
  .description('compare the faces in two photos (JPEG, PNG or WebP)')
  .argument('<a>', 'first photo')
  .argument('<b>', 'second photo')
  .option('--allow-multiple-faces', 'use the largest face when a photo shows several (default: refuse)')
  .option('--json', 'print one JSON object')
  .action((a: string, b: string, flags: { json?: boolean; allowMultipleFaces?: boolean }) =>
    run(
      flags.json ?? false,
      () =>
        compareFiles(engineSettings(process.env, {}), a, b, { allowMultipleFaces: flags.allowMultipleFaces ?? false }),
      formatCompare,
    ),
  );

program
  .command('calibrate')
  .description('compute similarity thresholds at FAR 1e-3..1e-6 from every cross-identity pair of a pair set')
  .requiredOption('--pairs <tsv>', 'pair list (left, right, same)')
  .requiredOption('--images <dir>', 'folder the pair list is relative to')
  .requiredOption('--out <file>', 'where to write the calibration JSON')
  .option('--dataset <name>', 'name recorded in the file (default: the images folder)')
  .addOption(workersOption)
  .option('--json', 'print the calibration as JSON')
  .action((flags: { pairs: string; images: string; out: string; dataset?: string; workers?: string; json?: boolean }) =>
    run(
      flags.json ?? false,
      () =>
        calibrate(engineSettings(process.env, flags), {
          pairs: flags.pairs,
          images: flags.images,
          out: flags.out,
          dataset: flags.dataset ?? flags.images,
          now: new Date(),
        }),
      formatCalibration,
    ),
  );

const bench = program.command('bench').description('measure accuracy and speed on a data set');

bench
  .command('faces')
  .description('LFW protocol: 10-fold accuracy, AUC, EER, TAR at low FAR over all impostor pairs, latency, throughput')
  .requiredOption('--pairs <tsv>', 'pair list (left, right, same)')
  .requiredOption('--images <dir>', 'folder the pair list is relative to')
  .addOption(workersOption)
  .option('--json', 'print one JSON object (shape in docs/benchmarks.md)')
  .action((flags: { pairs: string; images: string; workers?: string; json?: boolean }) =>
    run(
      flags.json ?? false,
      () => {
        const settings = engineSettings(process.env, flags);
        return benchFaces(settings, { pairs: flags.pairs, images: flags.images, workers: settings.workers });
      },
      formatBenchFaces,
    ),
  );

bench
  .command('pad')
  .description('single-image presentation-attack detection: APCER, BPCER, BPCER20, AUC')
  .requiredOption('--labels <tsv>', 'label list (image, label = live | spoof, optional attack)')
  .requiredOption('--images <dir>', 'folder the label list is relative to')
  .addOption(workersOption)
  .option('--json', 'print one JSON object (shape in docs/benchmarks.md)')
  .action((flags: { labels: string; images: string; workers?: string; json?: boolean }) =>
    run(
      flags.json ?? false,
      () => benchPad(engineSettings(process.env, flags), { labels: flags.labels, images: flags.images }),
      formatBenchPad,
    ),
  );

program
  .command('audit')
  .description('the audit log')
  .command('verify')
  .description('walk the hash chain and name the first entry that was altered, removed or reordered')
  .option('--data <dir>', 'data directory of the embedded SQLite database (ignored when DATABASE_URL is set)', 'data')
  .option('--json', 'print one JSON object')
  .action((flags: { data: string; json?: boolean }) => {
    let broken = false;
    return run(
      flags.json ?? false,
      async () => {
        const result = await verifyAuditLog({
          databaseUrl: process.env['DATABASE_URL'] || undefined,
          dataDir: process.env['VISAGE_DATA_DIR'] || flags.data,
        });
        broken = !result.ok;
        return result;
      },
      (r) =>
        r.ok ? `audit log intact: ${r.entries} entries` : `audit log BROKEN at entry ${r.brokenSeq}: ${r.reason}`,
    ).then(() => {
      // A broken chain is a finding, not a failure to run: exit 2 so scripts can tell them apart.
      if (broken) process.exitCode = 2;
    });
  });

await program.parseAsync(process.argv);
