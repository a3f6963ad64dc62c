import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, SecretBoxError } from './secret-box.js';

const masterKey = randomBytes(32);
const box = createSecretBox(masterKey);
const plain = Buffer.from('sk_live_a-secret-that-must-stay-secret', 'utf8');
const context = 'api_key:ak_live_123';

describe('createSecretBox', () => {
  it('opens what it sealed, under the same context', () => {
    const sealed = box.seal(plain, context);
    expect(Buffer.from(box.open(sealed, context))).toEqual(plain);
    // Another box on the same master key (another process, a restart) opens it too.
    expect(Buffer.from(createSecretBox(Buffer.from(masterKey)).open(sealed, context))).toEqual(plain);
  });

  it('writes the documented layout: version 1, the key id, then 91 bytes of keys, IVs and tags', () => {
    const sealed = Buffer.from(box.seal(plain, context));
    expect(sealed).toHaveLength(93 + plain.length);
    expect(sealed[0]).toBe(1);
    expect(sealed.subarray(1, 5).toString('hex')).toBe(box.keyId);
    expect(sealed.includes(plain)).toBe(false);
  });

  it('seals the same plaintext differently every time', () => {
    const a = Buffer.from(box.seal(plain, context));
    const b = Buffer.from(box.seal(plain, context));
    expect(a.equals(b)).toBe(false);
    // Fresh data key and IVs: everything after the header differs.
    expect(a.subarray(5, 49).equals(b.subarray(5, 49))).toBe(false);
    expect(a.subarray(65).equals(b.subarray(65))).toBe(false);
  });

  it('seals and opens empty and large payloads', () => {
    expect(box.open(box.seal(new Uint8Array(0), context), context)).toHaveLength(0);
    const large = randomBytes(1 << 20);
    expect(Buffer.from(box.open(box.seal(large, 'blob:x'), 'blob:x')).equals(large)).toBe(true);
  });

  it('refuses to open under another context', () => {
    const sealed = box.seal(plain, context);
    expect(() => box.open(sealed, 'api_key:ak_live_124')).toThrow(SecretBoxError);
    expect(() => box.open(sealed, '')).toThrow(/another context/);
  });

  it('refuses a value with any single byte altered', () => {
    const sealed = Buffer.from(box.seal(plain, context));
    for (let i = 0; i < sealed.length; i++) {
      const tampered = Buffer.from(sealed);
      tampered[i]! ^= 0x01;
      expect(() => box.open(tampered, context), `byte ${i}`).toThrow(SecretBoxError);
    }
  });

  it('refuses truncated and extended values', () => {
    const sealed = Buffer.from(box.seal(plain, context));
    expect(() => box.open(sealed.subarray(0, 92), context)).toThrow(/truncated/);
    expect(() => box.open(sealed.subarray(0, sealed.length - 1), context)).toThrow(SecretBoxError);
    expect(() => box.open(Buffer.concat([sealed, Buffer.of(0)]), context)).toThrow(SecretBoxError);
  });

  it('refuses a value sealed under another master key, naming its key id', () => {
    const other = createSecretBox(randomBytes(32));
    expect(other.keyId).not.toBe(box.keyId);
    const sealed = other.seal(plain, context);
    expect(() => box.open(sealed, context)).toThrow(`another master key (key id ${other.keyId})`);
  });

  it('detects a forged key id: the wrapped data key does not authenticate under the real key', () => {
    const other = createSecretBox(randomBytes(32));
    const sealed = Buffer.from(other.seal(plain, context));
    Buffer.from(box.keyId, 'hex').copy(sealed, 1);
    expect(() => box.open(sealed, context)).toThrow(/altered/);
  });

  it('accepts only 32-byte master keys', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(RangeError);
    expect(() => createSecretBox(randomBytes(33))).toThrow(RangeError);
  });

  it('opens a Uint8Array view into a larger buffer', () => {
    const sealed = Buffer.from(box.seal(plain, context));
    const padded = new Uint8Array(sealed.length + 10);
    padded.set(sealed, 5);
    expect(Buffer.from(box.open(padded.subarray(5, 5 + sealed.length), context))).toEqual(plain);
  });
});
