import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { registerSpaStatic } from './spa-static.js';

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

export async function registerCaptureStatic(scope: FastifyInstance, options: { distDir?: string } = {}) {
  await registerSpaStatic(scope, {
    distDir: (options.distDir ?? defaultCaptureDistDir).replace(/\/$/, ''),
    pagePrefixes: ['/capture'],
    apiPattern: /^\/+capture\/+api(\/|$)/,
    assetsPrefix: '/capture/assets/',
    headers: {
      // The address carries the link's token: kept out of caches, and out of the Referer of anything the page
      // leads to (the customer's return_url above all).
      cacheControl: 'no-store',
      csp: captureContentSecurityPolicy,
      permissionsPolicy: capturePermissionsPolicy,
      referrerPolicy: 'no-referrer',
      robotsTag: 'noindex, nofollow',
    },
    notBuiltMessage: 'capture page not built: run npm run build\n',
    assetNotBuiltNoStore: true,
  });
}
