/**
 * Syntax of IP allowlist entries. The matching itself is the IpAllowlist port's job; this only decides what may be
 * stored, so that a typo is refused when it is entered rather than silently matching nothing.
 */

/** `address/prefix` in lower case, a bare address taken as a single host (/32, /128); undefined when malformed. */
export function normalizeCidr(text: string): string | undefined {
  const [address = '', prefix, extra] = text.trim().toLowerCase().split('/');
  if (extra !== undefined) return undefined;
  const bits = isIpv4(address) ? 32 : isIpv6(address) ? 128 : undefined;
  if (bits === undefined) return undefined;
  if (prefix === undefined) return `${address}/${bits}`;
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefix) || Number(prefix) > bits) return undefined;
  return `${address}/${prefix}`;
}

function isIpv4(text: string): boolean {
  const octets = text.split('.');
  return octets.length === 4 && octets.every((octet) => /^(0|[1-9][0-9]{0,2})$/.test(octet) && Number(octet) <= 255);
}

function isIpv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groupsOfHalves = halves.map((half) => (half === '' ? [] : half.split(':')));
  const groups = groupsOfHalves.flat();
  // A dotted IPv4 address may end the address (::ffff:192.0.2.1), standing for the last two groups.
  const embeddedIpv4 = groupsOfHalves.at(-1)?.at(-1)?.includes('.') ? groups.pop() : undefined;
  if (embeddedIpv4 !== undefined && !isIpv4(embeddedIpv4)) return false;
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return false;
  const count = groups.length + (embeddedIpv4 === undefined ? 0 : 2);
  return halves.length === 2 ? count <= 7 : count === 8;
}
