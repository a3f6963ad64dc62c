#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { CliError, errorBody, type ErrorBody } from './cli-errors.js';
import { benchFaces } from './commands/bench-faces.command.js';
import { benchPad } from './commands/bench-pad.command.js';
import { registerTrainPadCommand } from './commands/train-pad.cli.js';
import { benchApi } from './commands/bench-api.command.js';
import { benchCluster, formatBenchCluster } from './commands/bench-cluster.command.js';
import { benchOcr, formatBenchOcr } from './commands/bench-ocr.command.js';
import { registerAdminCommands } from './commands/admin/index.js';
import { registerRegistryCommands } from './commands/registry.command.js';
import { registerMasterKeyCommands } from './commands/master-key.command.js';
import { verifyAuditLog } from './commands/audit-verify.command.js';
import { calibrate } from './commands/calibrate.command.js';
import { compareFiles } from './commands/compare.command.js';
import {
  compareRemote,
  createSession,
  formatRemoteCompare,
  formatSession,
  formatSessionCreated,
  getSession,
  remoteSettings,
} from './commands/remote.command.js';
import { formatDocs, generateDocs } from './commands/docs.command.js';
import { formatBenchApi, formatBenchFaces, formatBenchPad, formatCalibration, formatCompare } from './format.js';
import { engineSettings } from './settings.js';
import { loadConfig, serve } from '@visage/server';

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
        else
          process.stderr.write(
            `visage: ${body.error.code}: ${body.error.message}${detailsSuffix(body)}` +
              `${body.error.request_id ? ` [request ${body.error.request_id}]` : ''}\n`,
          );
        if (body.error.code === 'cli.internal' && process.env['VISAGE_DEBUG']) console.error(error);
        else if (body.error.code === 'cli.internal') process.stderr.write('visage: set VISAGE_DEBUG=1 for details\n');
        process.exitCode = body.error.code === 'cli.internal' ? 70 : 1;
      },
    );
}

const detailsSuffix = ({ error }: ErrorBody): string =>
  error.details
    ? ` (${Object.entries(error.details)
        .map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
        .join(', ')})`
    : '';

interface RemoteFlags {
  remote?: string;
  keyId?: string;
}

interface ConsentOptionFlags {
  consentId?: string;
  subjectRef?: string;
  consentVersion?: string;
  consentMethod?: string;
  consentAt?: string;
}

const remoteOnlyCompareFlags = [
  'keyId',
  'consentId',
  'subjectRef',
  'consentVersion',
  'consentMethod',
  'consentAt',
  'bizNo',
  'idempotencyKey',
] as const;

program
  .command('compare')
  .description(
    'compare the faces in two photos (JPEG, PNG or WebP) here, or with --remote on a Visage server (POST /v1/compare)',
  )
  .argument('<a>', 'first photo')
  .argument('<b>', 'second photo')
  .option('--allow-multiple-faces', 'use the largest face when a photo shows several (default: refuse)')
  .option('--remote <url>', 'send the photos to this server through the SDK (key: VISAGE_KEY_ID, VISAGE_KEY_SECRET)')
  .option('--key-id <id>', 'with --remote: the API key id (default: VISAGE_KEY_ID)')
  .option('--consent-id <id>', 'with --remote: a consent recorded with POST /v1/consents')
  .option('--subject-ref <ref>', 'with --remote: consent evidence, your id for the person')
  .option('--consent-version <v>', 'with --remote: consent evidence, the consent text version agreed to')
  .option('--consent-method <m>', 'with --remote: consent evidence, how it was obtained (checkbox, signature, …)')
  .option('--consent-at <iso>', 'with --remote: consent evidence, when it was obtained (default: now)')
  .option('--biz-no <ref>', 'with --remote: your business reference, echoed in the result')
  .option('--idempotency-key <key>', 'with --remote: repeat a call without a second charge (default: a new key)')
  .option('--json', 'print one JSON object')
  .action(
    (
      a: string,
      b: string,
      flags: RemoteFlags &
        ConsentOptionFlags & { json?: boolean; allowMultipleFaces?: boolean; bizNo?: string; idempotencyKey?: string },
    ) => {
      if (flags.remote !== undefined) {
        return run(
          flags.json ?? false,
          () => {
            if (flags.allowMultipleFaces) {
              throw new CliError('cli.bad_input', { reason: '--allow-multiple-faces works only without --remote' });
            }
            return compareRemote(remoteSettings(process.env, flags), a, b, flags);
          },
          formatRemoteCompare,
        );
      }
      return run(
        flags.json ?? false,
        () => {
          const stray = remoteOnlyCompareFlags.find((name) => flags[name] !== undefined);
          if (stray) throw new CliError('cli.bad_input', { reason: `--${kebab(stray)} works only with --remote` });
          return compareFiles(engineSettings(process.env, {}), a, b, {
            allowMultipleFaces: flags.allowMultipleFaces ?? false,
          });
        },
        formatCompare,
      );
    },
  );

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const sessions = program
  .command('sessions')
  .description('hosted capture sessions on a Visage server, through the SDK (key: VISAGE_KEY_ID, VISAGE_KEY_SECRET)');

sessions
  .command('create')
  .description('open a capture session (POST /v1/capture-sessions) and print the link to send the person to')
  .requiredOption('--liveness <mode>', 'still (passive) or action (random challenges)')
  .requiredOption('--return-url <url>', 'where the page sends the person when done')
  .option('--reference <photo>', 'compare the best frame with this reference photo')
  .option('--subject-ref <ref>', 'your id for the person')
  .option('--biz-no <ref>', 'your business reference')
  .option('--notify-url <url>', 'where this session’s webhook goes instead of the app’s')
  .option('--locale <locale>', 'zh-CN or en')
  .option('--expires-in <s>', 'seconds until the link expires (60-3600, default 600)')
  .option('--max-attempts <n>', 'capture attempts (1-10, default 3)')
  .option('--remote <url>', 'the server (default: VISAGE_API_URL)')
  .option('--key-id <id>', 'the API key id (default: VISAGE_KEY_ID)')
  .option('--json', 'print one JSON object')
  .action(
    (
      flags: RemoteFlags & {
        liveness: string;
        returnUrl: string;
        reference?: string;
        subjectRef?: string;
        bizNo?: string;
        notifyUrl?: string;
        locale?: string;
        expiresIn?: string;
        maxAttempts?: string;
        json?: boolean;
      },
    ) => run(flags.json ?? false, () => createSession(remoteSettings(process.env, flags), flags), formatSessionCreated),
  );

sessions
  .command('get')
  .description('a capture session’s status and, once finished, its result (GET /v1/capture-sessions/{id})')
  .argument('<id>', 'the session id (cap_…)')
  .option('--remote <url>', 'the server (default: VISAGE_API_URL)')
  .option('--key-id <id>', 'the API key id (default: VISAGE_KEY_ID)')
  .option('--json', 'print one JSON object')
  .action((id: string, flags: RemoteFlags & { json?: boolean }) =>
    run(flags.json ?? false, () => getSession(remoteSettings(process.env, flags), id), formatSession),
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
  .description(
    'presentation-attack detection per frame and per video: APCER per attack type and the worst, BPCER, BPCER20, AUC, ' +
      'APCER at BPCER <= 5 %, for the network and the fused model; per-frame liveness time',
  )
  .requiredOption('--labels <tsv>', 'label list (image, label = live | spoof, optional attack, video, client)')
  .requiredOption('--images <dir>', 'folder the label list is relative to')
  .option('--pad-model <file>', 'fused PAD model to measure (default: the shipped one)')
  .option('--network-only', 'measure the anti-spoofing network alone, without a fused model')
  .addOption(workersOption)
  .option('--json', 'print one JSON object (shape in docs/benchmarks.md)')
  .action(
    (flags: {
      labels: string;
      images: string;
      padModel?: string;
      networkOnly?: boolean;
      workers?: string;
      json?: boolean;
    }) =>
      run(
        flags.json ?? false,
        () =>
          benchPad(engineSettings(process.env, flags), {
            labels: flags.labels,
            images: flags.images,
            ...(flags.networkOnly ? { padModel: null } : flags.padModel ? { padModel: flags.padModel } : {}),
          }),
        formatBenchPad,
      ),
  );

registerTrainPadCommand(program, workersOption, run);

bench
  .command('ocr')
  .description(
    'ID-card OCR on seeded synthetic cards (half clean, half mildly degraded): exact field reads, check digits',
  )
  .option('--cards <n>', 'number of cards (each read front and back)', '200')
  .option('--seed <n>', 'seed of the card generator', '1')
  .addOption(workersOption)
  .option('--json', 'print one JSON object (shape in docs/benchmarks.md)')
  .action((flags: { cards: string; seed: string; workers?: string; json?: boolean }) =>
    run(
      flags.json ?? false,
      () => {
        const count = Number(flags.cards);
        const seed = Number(flags.seed);
        if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
          throw new CliError('cli.bad_input', { reason: '--cards and --seed must be whole numbers' });
        }
        const settings = engineSettings(process.env, flags);
        return benchOcr(settings, { count, seed, workers: settings.workers });
      },
      formatBenchOcr,
    ),
  );

bench
  .command('api')
  .description('requests/s and p50/p99 of a signed read and of /v1/compare, against a `visage serve` child process')
  .option('--database-url <url>', 'run against this PostgreSQL database (default: SQLite in a temporary folder)')
  .option('--duration <s>', 'seconds per measurement', '10')
  .addOption(workersOption)
  .option('--json', 'print one JSON object (shape in docs/benchmarks.md)')
  .action((flags: { databaseUrl?: string; duration: string; workers?: string; json?: boolean }) =>
    run(
      flags.json ?? false,
      () => {
        const settings = engineSettings(process.env, flags);
        const durationSeconds = Number(flags.duration);
        if (!Number.isInteger(durationSeconds) || durationSeconds < 1) {
          throw new CliError('cli.bad_input', { reason: '--duration must be a whole number of seconds' });
        }
        return benchApi(settings, { databaseUrl: flags.databaseUrl, durationSeconds, workers: settings.workers });
      },
      formatBenchApi,
    ),
  );

bench
  .command('cluster')
  .description(
    '1 and 2 `visage serve` processes (one engine worker each) behind nginx on PostgreSQL: requests/s and p50/p99 of ' +
      'a signed read and of /v1/compare, the scaling ratio, and compare at 2x its capacity (accepted p99, 503s)',
  )
  .option(
    '--database-url <url>',
    'PostgreSQL database to create a private schema in, dropped after (default: DATABASE_URL, else the test database)',
  )
  .option('--duration <s>', 'seconds per measurement', '10')
  .option(
    '--requests-per-worker <n>',
    "VISAGE_ENGINE_REQUESTS_PER_WORKER of the overload phase's servers (the capacity runs use 2)",
    '1',
  )
  .option('--json', 'print one JSON object (shape in docs/benchmarks.md)')
  .action((flags: { databaseUrl?: string; duration: string; requestsPerWorker: string; json?: boolean }) =>
    run(
      flags.json ?? false,
      () => {
        const durationSeconds = Number(flags.duration);
        if (!Number.isInteger(durationSeconds) || durationSeconds < 1) {
          throw new CliError('cli.bad_input', { reason: '--duration must be a whole number of seconds' });
        }
        const requestsPerWorker = Number(flags.requestsPerWorker);
        if (!Number.isInteger(requestsPerWorker) || requestsPerWorker < 1 || requestsPerWorker > 1000) {
          throw new CliError('cli.bad_input', {
            reason: '--requests-per-worker must be a whole number from 1 to 1000',
          });
        }
        const databaseUrl =
          flags.databaseUrl ??
          process.env['DATABASE_URL'] ??
          process.env['VISAGE_TEST_POSTGRES_URL'] ??
          'postgres://postgres@127.0.0.1:5432/test';
        return benchCluster({ databaseUrl, durationSeconds, requestsPerWorker });
      },
      formatBenchCluster,
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

program
  .command('serve')
  .description('serve the API on one port (SQLite under ./data unless DATABASE_URL is set; settings in docs/config.md)')
  .option('--port <n>', 'port to listen on (also PORT)')
  .option('--data <dir>', 'data directory (also VISAGE_DATA_DIR)')
  .action(async (flags: { port?: string; data?: string }) => {
    try {
      const config = loadConfig(process.env, {
        ...(flags.port === undefined ? {} : { port: Number(flags.port) }),
        ...(flags.data === undefined ? {} : { dataDir: flags.data }),
      });
      await serve(config);
    } catch (error) {
      const body = errorBody(error);
      process.stderr.write(`visage: ${body.error.code}: ${body.error.message}${detailsSuffix(body)}\n`);
      if (process.env['VISAGE_DEBUG']) console.error(error);
      process.exitCode = body.error.code === 'cli.internal' ? 70 : 1;
    }
  });

program
  .command('docs')
  .description('write the files generated from the code (docs/errors.md, docs/config.md, openapi/openapi.json)')
  .option('--check', 'write nothing; exit 1 naming each generated doc that differs from the code')
  .option('--json', 'print one JSON object')
  .action((flags: { check?: boolean; json?: boolean }) => {
    let stale = false;
    return run(
      flags.json ?? false,
      async () => {
        const result = await generateDocs({ check: flags.check ?? false });
        stale = result.check && result.changed.length > 0;
        return result;
      },
      formatDocs,
    ).then(() => {
      if (stale) process.exitCode = 1;
    });
  });

registerAdminCommands(program, run);
registerRegistryCommands(program, run);
registerMasterKeyCommands(program, run);

await program.parseAsync(process.argv);
