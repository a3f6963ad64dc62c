import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const consoleDist = fileURLToPath(new URL('../../apps/console/dist/', import.meta.url));
export const captureDist = fileURLToPath(new URL('../../apps/capture/dist/', import.meta.url));

export interface InitialBundle {
  /** The JS a first visit loads before anything is clicked: the entry module and what it imports statically. */
  readonly files: { readonly name: string; readonly bytes: number; readonly gzipBytes: number }[];
  readonly gzipBytes: number;
}

/** Read from the built index.html: its module script and modulepreload links (lazy chunks are not among them). */
export function initialBundle(distDir = consoleDist, base = '/console/'): InitialBundle {
  const indexFile = `${distDir}index.html`;
  if (!existsSync(indexFile)) throw new Error(`${indexFile} is missing: run npm run build`);
  const html = readFileSync(indexFile, 'utf8');
  const sources = [
    ...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ].map((match) => match[1] ?? '');
  const files = [...new Set(sources)].map((source) => {
    const name = source.startsWith(base) ? source.slice(base.length) : source;
    const bytes = readFileSync(`${distDir}${name}`);
    return { name, bytes: bytes.length, gzipBytes: gzipSync(bytes).length };
  });
  return { files, gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0) };
}
