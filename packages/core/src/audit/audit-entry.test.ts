import { testCrypto as crypto } from '../testing/node-ports.js';
import { describe, expect, it } from 'vitest';
import { canonicalJson, genesisHash, hashAuditEntry } from './audit-entry.js';

const entry = {
  seq: 1,
  id: 'aud_1',
  occurredAt: '2026-11-29T09:00:00.000Z',
  actor: 'operator:alice',
  action: 'org.certify',
  subject: 'org_1',
  prevHash: genesisHash,
};

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
  });
});

describe('hashAuditEntry', () => {
  it('is the sha256 of the canonical fields, independent of key order in data', () => {
    const a = hashAuditEntry(crypto, { ...entry, data: { x: 1, y: 2 } });
    const b = hashAuditEntry(crypto, { ...entry, data: { y: 2, x: 1 } });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when any field or the previous hash changes', () => {
    const base = hashAuditEntry(crypto, entry);
    const variants = [
      { ...entry, seq: 2 },
      { ...entry, id: 'aud_2' },
      { ...entry, occurredAt: '2026-11-29T09:00:01.000Z' },
      { ...entry, actor: 'operator:bob' },
      { ...entry, action: 'org.suspend' },
      { ...entry, subject: 'org_2' },
      { ...entry, reason: 'why' },
      { ...entry, data: {} },
      { ...entry, prevHash: 'f'.repeat(64) },
    ];
    for (const v of variants) expect(hashAuditEntry(crypto, v)).not.toBe(base);
  });
});
