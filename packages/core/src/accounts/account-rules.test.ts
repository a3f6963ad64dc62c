import { describe, expect, it } from 'vitest';
import { accountFieldIssues, isWeakPassword, normalizeUsername } from './account-rules.js';

const pathsOf = (fields: Parameters<typeof accountFieldIssues>[0]) => accountFieldIssues(fields).map((i) => i.path);

describe('account field rules', () => {
  it('accepts 3-32 characters of a-z 0-9 _ . - as usernames, after lower-casing', () => {
    for (const ok of ['abc', 'a.b-c_9', 'x'.repeat(32), normalizeUsername('  Alice.Smith ')]) {
      expect(pathsOf({ username: ok }), ok).toEqual([]);
    }
    for (const bad of ['ab', 'x'.repeat(33), 'Alice', 'al ice', 'al@ice', 'ålice', '']) {
      expect(pathsOf({ username: bad }), bad).toEqual(['username']);
    }
  });

  it('checks email and mobile formats', () => {
    expect(pathsOf({ email: 'ops@example.cn', mobile: '+8613800138000' })).toEqual([]);
    expect(pathsOf({ mobile: '13800138000' })).toEqual([]);
    expect(pathsOf({ email: 'ops@example', mobile: '+86 138' })).toEqual(['email', 'mobile']);
    expect(pathsOf({ email: 'two@@example.cn', mobile: '1234567890123456' })).toEqual(['email', 'mobile']);
    expect(pathsOf({ email: 'first.last+tag@mail.example.cn' })).toEqual([]);
    // Mail headers would read these as several recipients, a group or a display name: not one mailbox.
    for (const email of [
      'root,ops@example.cn',
      'root;ops@example.cn',
      'team:ops@example.cn',
      'ops@example.cn>,<root',
    ]) {
      expect(pathsOf({ email }), email).toEqual(['email']);
    }
    expect(pathsOf({ email: 'ops@example.cn\u0000' })).toEqual(['email']);
    expect(pathsOf({ mobile: '12345' })).toEqual(['mobile']);
  });

  it('reports every bad field at once and ignores absent ones', () => {
    expect(pathsOf({ orgName: '', username: 'A', email: 'x', mobile: 'y' })).toEqual([
      'username',
      'email',
      'mobile',
      'orgName',
    ]);
    expect(pathsOf({})).toEqual([]);
  });
});

describe('password policy', () => {
  it('refuses short, common, username-equal and one-character passwords', () => {
    expect(isWeakPassword('short-pw1', 'alice')).toBe(true);
    expect(isWeakPassword('Password123', 'alice')).toBe(true);
    expect(isWeakPassword('qwertyuiop', 'alice')).toBe(true);
    expect(isWeakPassword('alice.smith', 'alice.smith')).toBe(true);
    expect(isWeakPassword('ALICE.SMITH', 'alice.smith')).toBe(true);
    expect(isWeakPassword('zzzzzzzzzzzz', 'alice')).toBe(true);
  });

  it('accepts a long uncommon password', () => {
    expect(isWeakPassword('correct horse battery', 'alice')).toBe(false);
    expect(isWeakPassword('tr0ub4dor&3x', 'alice')).toBe(false);
  });
});
