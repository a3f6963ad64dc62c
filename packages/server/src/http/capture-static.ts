import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { DomainError } from '@visage/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The hosted capture page (apps/capture): its hashed assets under /capture/assets/, and its index.html for
 * /capture/:token — except the page's JSON API under /capture/api, whose unknown paths keep their JSON 404.
 */

/** apps/capture/dist, from packages/server/{src,dist}/http/. */
export const defaultCaptureDistDir = fileURLToPath(new URL('../../../../apps/capture/dist/', import.meta.url));

/**
 * The HTML's policy: our own scripts, styles and API only; the camera's picture (media-src blob:, for browsers that
 * still hand a stream over as a blob URL); never framed — a capture page inside someone else's frame could be
 * dressed up to trick a person into consenting. The camera is allowed to this origin alone (Permissions-Policy).
 */
export const captureContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const capturePermissionsPolicy = 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()';

const notBuilt = 'capture page not built: run npm run build\n';

/** Whether a raw path names the page's JSON API, however spelt (doubled slashes, percent-encoding). */
function isApiPath(rawPath: string): boolean {
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // Malformed percent-encoding: judged as written.
  }
  return /^\/+capture\/+api(\/|$)/.test(path);
}

export async function registerCaptureStatic(scope: FastifyInstance, options: { distDir?: string } = {}) {
  const distDir = (options.distDir ?? defaultCaptureDistDir).replace(/\/$/, '');
  const assetsDir = `${distDir}/assets`;
  const indexFile = `${distDir}/index.html`;
  // Only for reply.sendFile: the routes below decide what is served.
  await scope.register(fastifyStatic, { root: distDir, serve: false, decorateReply: true, index: false });

  const notBuiltReply = (reply: FastifyReply) =>
    reply.status(503).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(notBuilt);

  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    if (isApiPath(path)) throw new DomainError('request.not_found');
    if (path.startsWith('/capture/assets/')) return asset(path.slice('/capture/assets/'.length), reply);
    let html: string;
    try {
      html = await readFile(indexFile, 'utf8');
    } catch {
      return notBuiltReply(reply);
    }
    return (
      reply
        .type('text/html; charset=utf-8')
        // The address carries the link's token: kept out of caches, and out of the Referer of anything the page
        // leads to (the customer's return_url above all).
        .header('cache-control', 'no-store')
        .header('content-security-policy', captureContentSecurityPolicy)
        .header('permissions-policy', capturePermissionsPolicy)
        .header('x-content-type-options', 'nosniff')
        .header('x-frame-options', 'DENY')
        .header('referrer-policy', 'no-referrer')
        .header('x-robots-tag', 'noindex, nofollow')
        .send(html)
    );
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
      if (!built) return notBuiltReply(reply);
      throw new DomainError('request.not_found');
    }
    reply.header('x-content-type-options', 'nosniff');
    return reply.sendFile(name, assetsDir, { maxAge: '365d', immutable: true, cacheControl: true });
  };

  const hidden = { schema: { hide: true } };
  for (const url of ['/capture', '/capture/*']) scope.get(url, hidden, page);
}
