import { describe, expect, it } from 'vitest';
import { ipAllowlist, isValidAllowlistEntry } from './ip-allowlist.js';

describe('ipAllowlist', () => {
  it('matches IPv4 addresses against CIDRs and plain addresses', () => {
    expect(ipAllowlist('10.1.2.3', ['10.0.0.0/8'])).toBe(true);
    expect(ipAllowlist('11.1.2.3', ['10.0.0.0/8'])).toBe(false);
    expect(ipAllowlist('192.168.1.200', ['192.168.1.192/26'])).toBe(true);
    expect(ipAllowlist('192.168.1.191', ['192.168.1.192/26'])).toBe(false);
    expect(ipAllowlist('203.0.113.7', ['203.0.113.7'])).toBe(true);
    expect(ipAllowlist('203.0.113.8', ['203.0.113.7'])).toBe(false);
    expect(ipAllowlist('8.8.8.8', ['0.0.0.0/0'])).toBe(true);
  });

  it('matches IPv6 addresses, in any notation', () => {
    expect(ipAllowlist('2001:db8::1', ['2001:db8::/32'])).toBe(true);
    expect(ipAllowlist('2001:0db8:0000:0000:0000:0000:0000:0001', ['2001:db8::/32'])).toBe(true);
    expect(ipAllowlist('2001:db9::1', ['2001:db8::/32'])).toBe(false);
    expect(ipAllowlist('::1', ['::1'])).toBe(true);
    expect(ipAllowlist('::2', ['::1'])).toBe(false);
  });

  it('treats IPv4-mapped IPv6 clients as their IPv4 address', () => {
    expect(ipAllowlist('::ffff:127.0.0.1', ['127.0.0.0/8'])).toBe(true);
    expect(ipAllowlist('::ffff:127.0.0.1', ['127.0.0.1'])).toBe(true);
    expect(ipAllowlist('::ffff:7f00:1', ['127.0.0.1'])).toBe(true);
    expect(ipAllowlist('::ffff:10.0.0.1', ['127.0.0.0/8'])).toBe(false);
    // And mapped ranges as IPv4 ranges.
    expect(ipAllowlist('10.9.9.9', ['::ffff:10.0.0.0/104'])).toBe(true);
    expect(ipAllowlist('11.9.9.9', ['::ffff:10.0.0.0/104'])).toBe(false);
    expect(ipAllowlist('127.0.0.1', ['::ffff:127.0.0.1'])).toBe(true);
  });

  it('never matches across families', () => {
    expect(ipAllowlist('10.0.0.1', ['::/0'])).toBe(false);
    expect(ipAllowlist('::1', ['0.0.0.0/0'])).toBe(false);
  });

  it('answers false for malformed or ambiguous client addresses', () => {
    for (const ip of [
      '',
      'localhost',
      '10.0.0',
      '127.1',
      '0x7f.0.0.1',
      '010.0.0.1',
      '10.0.0.256',
      '1.2.3.4/32',
      ':::1',
    ]) {
      expect(ipAllowlist(ip, ['0.0.0.0/0', '::/0']), ip).toBe(false);
    }
  });

  it('skips malformed entries and keeps checking the rest', () => {
    const list = ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/08', 'not-an-ip', '::/129', '', '192.0.2.0/24'];
    expect(ipAllowlist('10.0.0.1', list)).toBe(false);
    expect(ipAllowlist('192.0.2.55', list)).toBe(true);
  });

  it('matches nothing with an empty list', () => {
    expect(ipAllowlist('127.0.0.1', [])).toBe(false);
  });
});

describe('isValidAllowlistEntry', () => {
  it('accepts addresses and CIDRs of both families', () => {
    for (const entry of ['10.0.0.0/8', '203.0.113.7', '2001:db8::/32', '::1', '::ffff:10.0.0.0/104', '0.0.0.0/0']) {
      expect(isValidAllowlistEntry(entry), entry).toBe(true);
    }
  });

  it('refuses anything else', () => {
    for (const entry of ['', '10.0.0.0/33', '10/8', '10.0.0.0/8/8', 'example.com', '2001:db8::/200', ' 10.0.0.1']) {
      expect(isValidAllowlistEntry(entry), entry).toBe(false);
    }
  });
});
