import { randomInt } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { DomainError, type WebhookResponse, type WebhookSender } from '@visage/core';
import ipaddr from 'ipaddr.js';
import { ipAllowlist } from './ip-allowlist.js';

/** Uniform in [0, 1): the retry jitter of webhook deliveries. */
export const webhookJitter = (): number => randomInt(0x1_0000_0000) / 0x1_0000_0000;

/** How long one delivery may take, connection to last byte read. */
export const webhookTimeoutMs = 10_000;
/** The answer's body is kept up to this many bytes (the attempt's response snippet). */
export const webhookSnippetBytes = 1024;

export interface WebhookTargetOptions {
  /** VISAGE_WEBHOOK_ALLOWED_CIDRS: internal ranges the operator allows (e.g. 127.0.0.1/32 in development). */
  readonly allowedCidrs: readonly string[];
  /** DNS, replaceable in tests. */
  readonly lookup?: (host: string) => Promise<readonly { address: string; family: number }[]>;
  readonly timeoutMs?: number;
}

export interface ResolvedTarget {
  readonly url: URL;
  /** The address the request goes to: resolved once and pinned, so DNS rebinding cannot switch it. */
  readonly address: string;
  readonly family: 4 | 6;
}

/** The refused address is for the operator's log only: telling the caller would map the internal network. */
const refused = (reason: string, address?: string) =>
  new DomainError('webhook.url_refused', { reason }, address === undefined ? undefined : { address });

/**
 * Only global unicast addresses: no loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (including
 * the 169.254.169.254 metadata service), CGNAT (100.64/10), multicast, unspecified, broadcast, reserved or
 * documentation ranges, nor IPv6 forms that embed an IPv4 address (mapped, 6to4, Teredo, NAT64).
 */
export function isPublicAddress(text: string): boolean {
  if (!ipaddr.isValid(text)) return false;
  let address = ipaddr.parse(text);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  return address.range() === 'unicast';
}

/**
 * Resolves a webhook URL and checks every address it resolves to; throws DomainError('webhook.url_refused') when
 * the URL is not http(s), does not resolve, or any address is internal and not in the operator's allowed CIDRs.
 */
export async function resolveWebhookTarget(text: string, options: WebhookTargetOptions): Promise<ResolvedTarget> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refused('invalid_url');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') {
    throw refused('invalid_url');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: readonly { address: string; family: number }[];
  if (ipaddr.isValid(host)) {
    addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  } else {
    try {
      addresses = await (options.lookup ?? ((name) => dnsLookup(name, { all: true, verbatim: true })))(host);
    } catch {
      throw refused('unresolvable');
    }
  }
  if (addresses.length === 0) throw refused('unresolvable');
  for (const { address } of addresses) {
    if (!isPublicAddress(address) && !ipAllowlist(address, options.allowedCidrs)) {
      throw refused('address_not_allowed', address);
    }
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** Checks a URL as `resolveWebhookTarget` does (core's WebhookUrlCheck, used when an app's URL is saved). */
export const webhookUrlCheck =
  (options: WebhookTargetOptions) =>
  async (url: string): Promise<void> => {
    await resolveWebhookTarget(url, options);
  };

/**
 * POSTs to the pinned address (TLS still checks the certificate against the URL's host name), follows no
 * redirect (a 3xx is a failed attempt), gives up after `timeoutMs`, and keeps the first kilobyte of the answer.
 */
export function createWebhookSender(options: WebhookTargetOptions): WebhookSender {
  const timeoutMs = options.timeoutMs ?? webhookTimeoutMs;
  return {
    async send({ url, headers, body }): Promise<WebhookResponse> {
      let target: ResolvedTarget;
      try {
        target = await resolveWebhookTarget(url, options);
      } catch (error) {
        const reason = error instanceof DomainError ? String(error.details?.['reason'] ?? error.code) : String(error);
        // The attempt's error is shown to the app's owner: the internal address stays out of it.
        return {
          statusCode: null,
          error: `refused: ${reason}`,
          responseSnippet: null,
        };
      }
      return post(target, headers, body, timeoutMs);
    },
  };
}

function post(
  target: ResolvedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<WebhookResponse> {
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    } else {
      callback(null, target.address, target.family);
    }
  };
  const payload = Buffer.from(body);
  const send: typeof http.request = target.url.protocol === 'https:' ? https.request : http.request;
  return new Promise<WebhookResponse>((resolve) => {
    let settled = false;
    const finish = (response: WebhookResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(response);
    };
    const request = send(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        agent: false,
        headers: { ...headers, 'content-length': String(payload.length), 'user-agent': 'Visage-Webhooks/1' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const done = () =>
          finish({
            statusCode: response.statusCode ?? null,
            error: null,
            responseSnippet: Buffer.concat(chunks).subarray(0, webhookSnippetBytes).toString('utf8'),
          });
        response.on('data', (chunk: Buffer) => {
          if (kept < webhookSnippetBytes) {
            chunks.push(chunk);
            kept += chunk.length;
          }
          if (kept >= webhookSnippetBytes) {
            done();
            response.destroy();
          }
        });
        response.on('end', done);
        response.on('error', done);
        response.on('close', done);
      },
    );
    const timer = setTimeout(() => {
      request.destroy(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    request.on('error', (error) =>
      finish({ statusCode: null, error: error.message.slice(0, 500) || 'connection failed', responseSnippet: null }),
    );
    request.end(payload);
  });
}
