import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, masterKeyId, sealedKeyId, SecretBoxError } from './secret-box.js';

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

describe('a keyring of master keys', () => {
  const keyA = randomBytes(32);
  const keyB = randomBytes(32);
  const onlyA = createSecretBox(keyA);

  it('seals under the current key and opens under any key of the ring', () => {
    const ring = createSecretBox(keyB, [keyA]);
    expect(ring.keyId).toBe(masterKeyId(keyB).toString('hex'));
    expect(ring.keyIds).toEqual([ring.keyId, onlyA.keyId]);
    const underB = ring.seal(plain, context);
    expect(sealedKeyId(underB)).toBe(ring.keyId);
    expect(Buffer.from(ring.open(underB, context))).toEqual(plain);
    // What A sealed before the rotation opens after it, with A decrypt-only.
    const underA = onlyA.seal(plain, context);
    expect(Buffer.from(ring.open(underA, context))).toEqual(plain);
    // A phase-1 process (A current, B decrypt-only) opens what a phase-2 process sealed under B.
    expect(Buffer.from(createSecretBox(keyA, [keyB]).open(underB, context))).toEqual(plain);
    // A alone does not open B's values: the ring is what lets both run side by side.
    expect(() => onlyA.open(underB, context)).toThrow(`another master key (key id ${ring.keyId})`);
  });

  it('fails closed on a key id outside the ring, with the existing error', () => {
    const stranger = createSecretBox(randomBytes(32));
    const ring = createSecretBox(keyB, [keyA]);
    const sealed = stranger.seal(plain, context);
    expect(() => ring.open(sealed, context)).toThrow(SecretBoxError);
    expect(() => ring.open(sealed, context)).toThrow(
      `the value was sealed under another master key (key id ${stranger.keyId})`,
    );
    expect(() => ring.rewrap(sealed)).toThrow(`another master key (key id ${stranger.keyId})`);
  });

  it('re-wraps a value under the current key, changing only the header and the wrapped data key', () => {
    const ring = createSecretBox(keyB, [keyA]);
    const underA = Buffer.from(onlyA.seal(plain, context));
    const rewrapped = Buffer.from(ring.rewrap(underA)!);
    expect(rewrapped).toHaveLength(underA.length);
    expect(sealedKeyId(rewrapped)).toBe(ring.keyId);
    expect(rewrapped.subarray(65).equals(underA.subarray(65))).toBe(true); // payload IV, tag and ciphertext
    expect(rewrapped.subarray(0, 65).equals(underA.subarray(0, 65))).toBe(false);
    // Opens under B alone, still bound to its context; A cannot open it any more.
    const onlyB = createSecretBox(keyB);
    expect(Buffer.from(onlyB.open(rewrapped, context))).toEqual(plain);
    expect(() => onlyB.open(rewrapped, 'api_key:other')).toThrow(/another context/);
    expect(() => onlyA.open(rewrapped, context)).toThrow(SecretBoxError);
    // Already under the current key: nothing to do.
    expect(ring.rewrap(rewrapped)).toBeUndefined();
    expect(ring.rewrap(ring.seal(plain, context))).toBeUndefined();
  });

  it('refuses to re-wrap an altered value (the old data key does not authenticate)', () => {
    const ring = createSecretBox(keyB, [keyA]);
    const underA = Buffer.from(onlyA.seal(plain, context));
    for (const index of [0, 3, 10, 30, 60]) {
      const tampered = Buffer.from(underA);
      tampered[index]! ^= 0x01;
      expect(() => ring.rewrap(tampered), `byte ${index}`).toThrow(SecretBoxError);
    }
    expect(() => ring.rewrap(underA.subarray(0, 92))).toThrow(/truncated/);
  });

  it('keeps one copy of a key listed twice, and accepts only 32-byte keys in the ring', () => {
    expect(createSecretBox(keyA, [Buffer.from(keyA), keyB]).keyIds).toEqual([
      onlyA.keyId,
      masterKeyId(keyB).toString('hex'),
    ]);
    expect(() => createSecretBox(keyA, [randomBytes(31)])).toThrow(RangeError);
  });
});
