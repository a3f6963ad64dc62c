import { hash, verify, type Algorithm } from '@node-rs/argon2';
import type { PasswordHasher } from '@visage/core';

/** Cost parameters of argon2id; the defaults are OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane). */
export interface Argon2Params {
  /** KiB of memory per hash. */
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

export const defaultArgon2Params: Argon2Params = Object.freeze({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });

// `Algorithm` is an ambient const enum, which isolated modules cannot read: Argon2id is 2.
const argon2id = 2 satisfies Algorithm;

/**
 * core's PasswordHasher on argon2id. Hashes are PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) that carry
 * their own parameters and random salt, so verifying keeps working after the parameters are raised.
 */
export function createArgon2PasswordHasher(params: Argon2Params = defaultArgon2Params): PasswordHasher {
  const options = { algorithm: argon2id, ...params };
  return {
    hash: (password) => hash(password, options),
    async verify(stored, password) {
      if (!stored.startsWith('$argon2')) throw new Error('the stored password hash is not an argon2 PHC string');
      try {
        return await verify(stored, password);
      } catch (error) {
        throw new Error('the stored password hash is malformed', { cause: error });
      }
    },
  };
}

export const argon2PasswordHasher: PasswordHasher = createArgon2PasswordHasher();
