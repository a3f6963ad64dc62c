import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { registerSpaStatic } from './spa-static.js';

/**
 * The web consoles (apps/console, one single-page app): its hashed assets under /console/assets/, and its index.html
 * for every other page of /console and /admin — except the JSON APIs under /console/api and /admin/api, whose unknown
 * paths keep their JSON 404.
 */

/** apps/console/dist, from packages/server/{src,dist}/http/. */
export const defaultConsoleDistDir = fileURLToPath(new URL('../../../../apps/console/dist/', import.meta.url));

/**
 * The HTML's policy: only our own scripts, styles, images (data: and blob: for previews of chosen files), and calls
 * to our own origin; never framed.
 */
export const consoleContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export async function registerConsoleStatic(scope: FastifyInstance, options: { distDir?: string } = {}) {
  await registerSpaStatic(scope, {
    distDir: options.distDir ?? defaultConsoleDistDir,
    pagePrefixes: ['/console', '/admin'],
    apiPattern: /^\/+(console|admin)\/+api(\/|$)/,
    assetsPrefix: '/console/assets/',
    headers: { cacheControl: 'no-cache', csp: consoleContentSecurityPolicy, referrerPolicy: 'same-origin' },
    notBuiltMessage: 'console not built: run npm run build\n',
  });
  // A person opening the bare address lands in the customer console.
  scope.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/'));
}
