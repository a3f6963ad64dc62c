import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (installed by .ci/run); E2E_CHROMIUM points elsewhere. Playwright never downloads a browser. */
export const chromiumPath = process.env['E2E_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or undefined when they can. CI installs chromium, so there a missing
 * browser is a failure, not a skip.
 */
export function browserUnavailable(): string | undefined {
  if (existsSync(chromiumPath)) return undefined;
  if (process.env['CI']) throw new Error(`CI must install chromium (${chromiumPath} is missing)`);
  return `no chromium at ${chromiumPath} (apt-get install chromium, or set E2E_CHROMIUM)`;
}

// The machine's network is closed: without the networking flags, chromium keeps opening connections that are refused.
export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless chromium; `extraArgs` for a fake camera and the like. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: [...chromiumArgs, ...extraArgs] });
}

export const viewports = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
