import { readFile, stat } from 'node:fs/promises';
import fastifyStatic from '@fastify/static';
import { DomainError } from '@visage/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * One Vite single-page app: its hashed assets under assetsPrefix (cached for good), and its index.html for every
 * other path under its page prefixes — except its JSON API (apiPattern), whose unknown paths keep their JSON 404.
 */
export interface SpaStaticOptions {
  /** The app's build output: index.html and assets/. */
  distDir: string;
  /** The pages served the index.html: each prefix itself and everything under it. */
  pagePrefixes: readonly string[];
  /** The JSON API's paths, tested against the decoded path so that no spelling of it escapes its JSON 404. */
  apiPattern: RegExp;
  /** Where the hashed assets are served, with its trailing slash: '/console/assets/'. */
  assetsPrefix: string;
  /** The HTML's headers. */
  headers: {
    cacheControl: string;
    csp: string;
    permissionsPolicy?: string;
    referrerPolicy: string;
    robotsTag?: string;
  };
  /** The text of the 503 while the app is not built. */
  notBuiltMessage: string;
  /** Whether an asset's 503 also says cache-control: no-store (the page's 503 always does). */
  assetNotBuiltNoStore?: boolean;
}

/** Whether a raw path names the JSON API, however spelt (doubled slashes, percent-encoding). */
function isApiPath(rawPath: string, apiPattern: RegExp): boolean {
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // Malformed percent-encoding: judged as written.
  }
  return apiPattern.test(path);
}

export async function registerSpaStatic(scope: FastifyInstance, options: SpaStaticOptions) {
  const { distDir, apiPattern, assetsPrefix, headers, notBuiltMessage } = options;
  const assetsDir = `${distDir.replace(/\/$/, '')}/assets`;
  const indexFile = `${distDir.replace(/\/$/, '')}/index.html`;
  // Only for reply.sendFile: the routes below decide what is served.
  await scope.register(fastifyStatic, { root: distDir, serve: false, decorateReply: true, index: false });

  const notBuiltReply = (reply: FastifyReply, noStore: boolean) => {
    reply.status(503).type('text/plain; charset=utf-8');
    if (noStore) reply.header('cache-control', 'no-store');
    return reply.send(notBuiltMessage);
  };

  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    if (isApiPath(path, apiPattern)) throw new DomainError('request.not_found');
    if (path.startsWith(assetsPrefix)) return asset(path.slice(assetsPrefix.length), reply);
    let html: string;
    try {
      html = await readFile(indexFile, 'utf8');
    } catch {
      return notBuiltReply(reply, true);
    }
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', headers.cacheControl)
      .header('content-security-policy', headers.csp);
    if (headers.permissionsPolicy !== undefined) reply.header('permissions-policy', headers.permissionsPolicy);
    reply
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', headers.referrerPolicy);
    if (headers.robotsTag !== undefined) reply.header('x-robots-tag', headers.robotsTag);
    return reply.send(html);
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
      if (!built) return notBuiltReply(reply, options.assetNotBuiltNoStore ?? false);
      throw new DomainError('request.not_found');
    }
    reply.header('x-content-type-options', 'nosniff');
    return reply.sendFile(name, assetsDir, { maxAge: '365d', immutable: true, cacheControl: true });
  };

  const hidden = { schema: { hide: true } };
  for (const prefix of options.pagePrefixes) {
    scope.get(prefix, hidden, page);
    scope.get(`${prefix}/*`, hidden, page);
  }
}
