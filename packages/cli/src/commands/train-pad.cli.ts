import { type Command, InvalidArgumentError, type Option } from 'commander';
import { textureSpec, type PadModel, type TextureBlock } from '@visage/engine';
import { CliError } from '../cli-errors.js';
import { engineSettings } from '../settings.js';
import { defaultPadFeatures, trainPad } from './train-pad.command.js';

type Run = <T>(json: boolean, body: () => Promise<T>, format: (result: T) => string) => Promise<void>;

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function parseScales(value: string): number[] {
  if (value === 'none') return [];
  const scales = value.split(',').map(Number);
  if (!scales.every((s) => Number.isFinite(s) && s > 0 && s <= 8)) {
    throw new InvalidArgumentError('comma-separated crop scales in (0, 8], or none');
  }
  return scales;
}

function parseBlocks(value: string): TextureBlock[] {
  if (value === 'none') return [];
  const known = textureSpec.blocks.map((b) => b.name) as string[];
  const blocks = value.split(',');
  const unknown = blocks.find((b) => !known.includes(b));
  if (unknown) throw new InvalidArgumentError(`unknown block ${unknown}; known: ${known.join(', ')}, or none`);
  return blocks as TextureBlock[];
}

function formatTrainPad(r: Awaited<ReturnType<typeof trainPad>>): string {
  const t = r.model.training as { lambda: number; cross_validation: { by_set: Record<string, unknown> } };
  return [
    `model ${r.model.id}: ${r.model.weights.length} features, lambda ${t.lambda}, threshold ${r.model.threshold.toFixed(4)}`,
    `sha256 ${r.sha256}${r.out ? `, written to ${r.out}` : ''}`,
    `cross-validated: ${JSON.stringify(t.cross_validation.by_set)}`,
  ].join('\n');
}

/** `visage train pad`: rebuilds the fused passive-liveness model from labelled frames (bit for bit, given a seed). */
export function registerTrainPadCommand(program: Command, workersOption: Option, run: Run): void {
  program
    .command('train')
    .description('train the models that are our own (from labelled data, reproducibly)')
    .command('pad')
    .description(
      'fused passive liveness: logistic regression over the anti-spoofing network at several crop scales and ' +
        'texture features, client-disjoint cross-validated; writes the versioned JSON artefact with its report',
    )
    .requiredOption('--labels <tsv>', 'label list (image, label, optional attack, video, client); repeatable', collect)
    .requiredOption('--images <dir>', 'folder the matching --labels is relative to; repeatable', collect)
    .requiredOption('--seed <n>', 'seed of the client-to-fold assignment')
    .option('--out <file>', 'where to write the model JSON')
    .option('--id <id>', 'model id recorded in the file', 'pad-fused@1')
    .option('--cnn-scales <list>', 'crop scales of the network, or none', parseScales, defaultPadFeatures.cnnScales)
    .option('--texture <blocks>', 'texture blocks, or none', parseBlocks, defaultPadFeatures.textureBlocks)
    .option('--folds <k>', 'cross-validation folds', '5')
    .addOption(workersOption)
    .option('--json', 'print the model and its report as JSON')
    .action(
      (flags: {
        labels: string[];
        images: string[];
        seed: string;
        out?: string;
        id: string;
        cnnScales: number[];
        texture: TextureBlock[];
        folds: string;
        workers?: string;
        json?: boolean;
      }) =>
        run(
          flags.json ?? false,
          async () => {
            if (flags.labels.length !== flags.images.length) {
              throw new CliError('cli.bad_input', { reason: 'give one --images for each --labels, in the same order' });
            }
            const folds = Number(flags.folds);
            if (!Number.isInteger(folds) || folds < 2) {
              throw new CliError('cli.bad_input', { reason: '--folds must be a whole number >= 2' });
            }
            if (!/^\d+$/.test(flags.seed))
              throw new CliError('cli.bad_input', { reason: '--seed must be a whole number' });
            return trainPad(engineSettings(process.env, flags), {
              sets: flags.labels.map((labels, i) => ({ labels, images: flags.images[i]! })),
              seed: Number(flags.seed),
              ...(flags.out ? { out: flags.out } : {}),
              id: flags.id,
              cnnScales: flags.cnnScales,
              textureBlocks: flags.texture,
              folds,
            });
          },
          formatTrainPad,
        ),
    );
}

export type { PadModel };
