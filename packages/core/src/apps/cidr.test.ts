import { describe, expect, it } from 'vitest';
import { normalizeCidr } from './cidr.js';

describe('normalizeCidr', () => {
  it('takes a bare address as a single host', () => {
    expect(normalizeCidr('192.0.2.7')).toBe('192.0.2.7/32');
    expect(normalizeCidr(' 2001:DB8::1 ')).toBe('2001:db8::1/128');
  });

  it('accepts IPv4 prefixes 0-32 and IPv6 prefixes 0-128', () => {
    for (const cidr of ['10.0.0.0/8', '0.0.0.0/0', '192.0.2.0/32', '::/0', '2001:db8::/32', 'fe80::/128']) {
      expect(normalizeCidr(cidr), cidr).toBe(cidr);
    }
  });

  it('accepts the IPv6 forms: full, compressed and with an embedded IPv4 address', () => {
    for (const address of [
      '2001:0db8:0000:0000:0000:ff00:0042:8329',
      '1:2:3:4:5:6:7::',
      '::1',
      '::',
      '::ffff:192.0.2.1',
      '64:ff9b::192.0.2.33',
      '1:2:3:4:5:6:192.0.2.1',
    ]) {
      expect(normalizeCidr(address), address).toBe(`${address}/128`);
    }
  });

  it('refuses malformed entries', () => {
    for (const bad of [
      '',
      '10.0.0.0/33',
      '10.0.0.0/',
      '10.0.0.0/08',
      '10.0.0.0/8/8',
      '256.0.0.1',
      '10.0.0',
      '10.0.0.01',
      '10.0.0.1.5',
      'example.com',
      '2001:db8::/129',
      '2001:db8::1::2',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '12345::',
      'g::1',
      '::ffff:300.0.0.1',
      '1.2.3.4::',
      'fe80::1%eth0',
      '1:2:3:4:5:6:7:1.2.3.4',
    ]) {
      expect(normalizeCidr(bad), bad).toBeUndefined();
    }
  });
});
