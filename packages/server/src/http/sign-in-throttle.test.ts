import { DomainError } from '@visage/core';
import { describe, expect, it } from 'vitest';
import { createSignInThrottle } from './sign-in-throttle.js';

const wrongPassword = () => Promise.reject(new DomainError('auth.invalid_credentials'));
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: DomainError) => error.code,
  );

describe('sign-in throttle', () => {
  it('locks a username after its failures, without trying the password, until the window passes', async () => {
    let clock = 0;
    const throttle = createSignInThrottle({ perUsername: 3, perAddress: 100, windowSeconds: 60 }, () => clock);
    for (let i = 0; i < 3; i++)
      expect(await codeOf(throttle.attempt('Alice', '10.0.0.1', wrongPassword))).toBe('auth.invalid_credentials');
    let tried = false;
    const locked = throttle.attempt('alice', '10.0.0.2', async () => (tried = true));
    await expect(locked).rejects.toMatchObject({
      code: 'auth.too_many_attempts',
      details: { retry_after_seconds: 60 },
    });
    expect(tried).toBe(false);
    clock = 60_001;
    expect(await codeOf(throttle.attempt('alice', '10.0.0.2', async () => 'signed in'))).toBe('ok');
  });

  it('limits one address across usernames, and a success clears only the username', async () => {
    const throttle = createSignInThrottle({ perUsername: 2, perAddress: 3, windowSeconds: 60 }, () => 0);
    await codeOf(throttle.attempt('a', '10.0.0.9', wrongPassword));
    await codeOf(throttle.attempt('a', '10.0.0.9', async () => 'ok'));
    expect(await codeOf(throttle.attempt('a', '10.0.0.9', wrongPassword))).toBe('auth.invalid_credentials');
    expect(await codeOf(throttle.attempt('b', '10.0.0.9', wrongPassword))).toBe('auth.invalid_credentials');
    expect(await codeOf(throttle.attempt('c', '10.0.0.9', async () => 'ok'))).toBe('auth.too_many_attempts');
  });

  it('counts guesses sent in parallel before any of them is checked', async () => {
    const throttle = createSignInThrottle({ perUsername: 3, perAddress: 100, windowSeconds: 60 }, () => 0);
    const slowWrongPassword = () =>
      new Promise<never>((_, reject) => setTimeout(() => reject(new DomainError('auth.invalid_credentials')), 10));
    const codes = await Promise.all(
      Array.from({ length: 10 }, () => codeOf(throttle.attempt('a', 'x', slowWrongPassword))),
    );
    expect(codes.filter((c) => c === 'auth.invalid_credentials')).toHaveLength(3);
    expect(codes.filter((c) => c === 'auth.too_many_attempts')).toHaveLength(7);
  });

  it('does not count other failures', async () => {
    const throttle = createSignInThrottle({ perUsername: 1, perAddress: 1, windowSeconds: 60 }, () => 0);
    await codeOf(throttle.attempt('a', 'x', () => Promise.reject(new Error('database down'))));
    expect(await codeOf(throttle.attempt('a', 'x', async () => 'ok'))).toBe('ok');
  });
});
