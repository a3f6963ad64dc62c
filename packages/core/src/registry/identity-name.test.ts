import { describe, expect, it } from 'vitest';
import { identityNameProblem, maskIdentityName, normalizeIdentityName } from './identity-name.js';

describe('identity names', () => {
  it('compares names without spaces, with one separator dot and upper-case Latin letters', () => {
    expect(normalizeIdentityName(' 张 三 ')).toBe(normalizeIdentityName('张三'));
    expect(normalizeIdentityName('阿依古丽•买买提')).toBe(normalizeIdentityName('阿依古丽·买买提'));
    expect(normalizeIdentityName('ＪＯＨＮ．smith')).toBe(normalizeIdentityName('John·Smith'));
    expect(normalizeIdentityName('張三')).not.toBe(normalizeIdentityName('张三'));
    expect(normalizeIdentityName('张三')).not.toBe(normalizeIdentityName('张三丰'));
  });

  it('refuses empty, overlong and control-character names', () => {
    expect(identityNameProblem('  ')).toBe('empty');
    expect(identityNameProblem('张'.repeat(65))).toBe('too_long');
    expect(identityNameProblem('张\u0000三')).toBe('character');
    expect(identityNameProblem('张三')).toBeUndefined();
  });

  it('masks all but the first character', () => {
    expect(maskIdentityName('张三丰')).toBe('张**');
    expect(maskIdentityName('张')).toBe('*');
  });
});
