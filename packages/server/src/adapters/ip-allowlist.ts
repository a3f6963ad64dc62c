import ipaddr from 'ipaddr.js';
import type { IpAllowlist } from '@visage/core';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * An address in canonical form: IPv4 only as four decimal parts (no `127.1`, `0x7f.0.0.1` or leading zeros, which
 * other software reads differently), IPv4-mapped IPv6 (`::ffff:10.1.2.3`) folded to its IPv4 address.
 */
function parseAddress(text: string): Address | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!ipaddr.IPv6.isValid(text)) return undefined;
  const address = ipaddr.IPv6.parse(text);
  return address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a plain address (a /32 or /128); undefined when malformed. */
function parseRange(entry: string): [Address, number] | undefined {
  const slash = entry.indexOf('/');
  if (slash === -1) {
    const address = parseAddress(entry);
    return address && [address, address.kind() === 'ipv4' ? 32 : 128];
  }
  const bitsText = entry.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  const addressText = entry.slice(0, slash);
  if (ipaddr.IPv4.isValidFourPartDecimal(addressText))
    return bits <= 32 ? [ipaddr.IPv4.parse(addressText), bits] : undefined;
  if (!ipaddr.IPv6.isValid(addressText) || bits > 128) return undefined;
  const address = ipaddr.IPv6.parse(addressText);
  // ::ffff:10.0.0.0/104 is 10.0.0.0/8 written in IPv6.
  return address.isIPv4MappedAddress() && bits >= 96 ? [address.toIPv4Address(), bits - 96] : [address, bits];
}

/** True when `entry` is an address or CIDR that the allowlist understands. */
export function isValidAllowlistEntry(entry: string): boolean {
  return parseRange(entry) !== undefined;
}

/**
 * core's IpAllowlist on ipaddr.js. An IPv4 client seen through an IPv6 socket (`::ffff:127.0.0.1`) matches IPv4
 * ranges; a malformed address matches nothing, and a malformed entry is skipped. An empty list matches nothing (a
 * caller that treats "no allowlist" as "any address" checks for that first).
 */
export const ipAllowlist: IpAllowlist = (ip, cidrs) => {
  const address = parseAddress(ip);
  if (!address) return false;
  return cidrs.some((entry) => {
    const range = parseRange(entry);
    return range !== undefined && range[0].kind() === address.kind() && address.match(range);
  });
};
