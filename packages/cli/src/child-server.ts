import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** A `visage serve` child process on a free loopback port: for the API benchmark and the multi-process tests. */
export interface ChildServer {
  readonly base: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

// From src/ (tests) and from dist/ alike: the process started is always the built CLI.
const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export async function startChildServer(env: Readonly<Record<string, string>>): Promise<ChildServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [cli, 'serve', '--port', String(port)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const server = { base: `http://127.0.0.1:${port}`, process: child, stop: () => stopChild(child) };
  try {
    await waitUntilReady(server.base, child);
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw error;
  }
  return server;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitUntilReady(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`visage serve exited with code ${child.exitCode}`);
    if (
      await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('visage serve did not become ready within 60 s');
}

/** SIGTERM, then the exit: anything but a clean exit 0 is an error (a crash at shutdown is a bug to see). */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (code: number | null, signal: NodeJS.Signals | null) =>
      code === 0 ? resolve() : reject(new Error(`visage serve exited with ${signal ?? `code ${code}`}`));
    if (child.exitCode !== null || child.signalCode !== null) return settle(child.exitCode, child.signalCode);
    child.once('exit', settle);
    child.kill('SIGTERM');
  });
}
