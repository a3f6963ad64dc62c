import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { DomainError } from '@visage/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

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

const notBuilt = 'console not built: run npm run build\n';

/** Whether a raw path names the JSON APIs, however spelt (doubled slashes, percent-encoding): those keep JSON 404s. */
function isApiPath(rawPath: string): boolean {
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // Malformed percent-encoding: judged as written.
  }
  return /^\/+(console|admin)\/+api(\/|$)/.test(path);
}

export async function registerConsoleStatic(scope: FastifyInstance, options: { distDir?: string } = {}) {
  const distDir = options.distDir ?? defaultConsoleDistDir;
  const assetsDir = `${distDir.replace(/\/$/, '')}/assets`;
  const indexFile = `${distDir.replace(/\/$/, '')}/index.html`;
  // Only for reply.sendFile: the routes below decide what is served.
  await scope.register(fastifyStatic, { root: distDir, serve: false, decorateReply: true, index: false });

  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    if (isApiPath(path)) throw new DomainError('request.not_found');
    if (path.startsWith('/console/assets/')) return asset(path.slice('/console/assets/'.length), reply);
    let html: string;
    try {
      html = await readFile(indexFile, 'utf8');
    } catch {
      return reply.status(503).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(notBuilt);
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', consoleContentSecurityPolicy)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'same-origin')
      .send(html);
  };

  const asset = async (name: string, reply: FastifyReply) => {
    // Vite names every asset by its content hash: it can be cached for good.
    if (name === '' || name.includes('..') || name.includes('\0')) throw new DomainError('request.not_found');
    const file = `${assetsDir}/${name}`;
    const found = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!found) {
      const built = await stat(indexFile).then(
        () => true,
        () => false,
      );
      if (!built) return reply.status(503).type('text/plain; charset=utf-8').send(notBuilt);
      throw new DomainError('request.not_found');
    }
    reply.header('x-content-type-options', 'nosniff');
    return reply.sendFile(name, assetsDir, { maxAge: '365d', immutable: true, cacheControl: true });
  };

  const hidden = { schema: { hide: true } };
  for (const url of ['/console', '/console/*', '/admin', '/admin/*']) scope.get(url, hidden, page);
  // A person opening the bare address lands in the customer console.
  scope.get('/', hidden, async (_request, reply) => reply.redirect('/console/'));
}
