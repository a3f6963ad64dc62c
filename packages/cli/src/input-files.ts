import { open } from 'node:fs/promises';
import { EngineError } from '@visage/engine';
import { CliError } from './cli-errors.js';

/**
 * Reads a regular file of at most `maxBytes`, checked before reading, so that `/dev/zero`, a FIFO or a huge file is
 * refused with a typed error instead of filling memory or hanging.
 */
export async function readInputFile(path: string, maxBytes: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new CliError('cli.file_unreadable', { file: path, reason: (cause as NodeJS.ErrnoException).code ?? 'error' });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new CliError('cli.file_unreadable', { file: path, reason: 'not a regular file' });
    if (stat.size > maxBytes) throw new EngineError('image.too_large', { file: path, bytes: stat.size, maxBytes });
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

export const round = (x: number, digits: number): number => Number(x.toFixed(digits));
