import { describe, expect, it } from 'vitest';
import { argon2PasswordHasher, createArgon2PasswordHasher } from './argon2-password-hasher.js';

describe('argon2PasswordHasher', () => {
  it('hashes with argon2id at the OWASP parameters, salted', async () => {
    const a = await argon2PasswordHasher.hash('correct horse battery staple');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toContain('correct horse');
    expect(await argon2PasswordHasher.hash('correct horse battery staple')).not.toBe(a);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await argon2PasswordHasher.hash('correct horse battery staple');
    expect(await argon2PasswordHasher.verify(stored, 'correct horse battery staple')).toBe(true);
    expect(await argon2PasswordHasher.verify(stored, 'correct horse battery stapler')).toBe(false);
    expect(await argon2PasswordHasher.verify(stored, '')).toBe(false);
  });

  it('handles non-ASCII passwords byte-exactly', async () => {
    const stored = await argon2PasswordHasher.hash('pässwörd-密码');
    expect(await argon2PasswordHasher.verify(stored, 'pässwörd-密码')).toBe(true);
    expect(await argon2PasswordHasher.verify(stored, 'passwörd-密码')).toBe(false);
  });

  it('verifies hashes made with other parameters (they are in the hash)', async () => {
    const cheap = createArgon2PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
    const stored = await cheap.hash('secret-password');
    expect(stored).toContain('$m=1024,t=1,p=1$');
    expect(await argon2PasswordHasher.verify(stored, 'secret-password')).toBe(true);
  });

  it('throws on a stored hash that is not an argon2 hash, rather than answering false', async () => {
    await expect(argon2PasswordHasher.verify('not-a-hash', 'x')).rejects.toThrow(/not an argon2/);
    await expect(argon2PasswordHasher.verify('$argon2id$v=19$m=19456,t=2,p=1$xx$yy', 'x')).rejects.toThrow(/malformed/);
  });
});
