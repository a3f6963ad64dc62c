import type { ValidationIssue } from '../invalid-request.js';

/** Usernames compare and are stored in lower case; the same normalisation applies at registration and login. */
export function normalizeUsername(raw: string): string {
  return raw.trim().toLowerCase();
}

const fieldRules = {
  username: { pattern: /^[a-z0-9_.-]{3,32}$/, message: 'must be 3-32 characters of a-z, 0-9, _, . and -' },
  // No characters that mail headers give a meaning to (lists, groups, display names, quoting) nor control ones: the
  // address is the recipient of mails as it stands, and must name exactly one mailbox.
  email: {
    pattern: /^(?=.{3,254}$)[^\s@,;:<>()[\]\\"\p{Cc}]+@[^\s@,;:<>()[\]\\"\p{Cc}]+\.[^\s@,;:<>()[\]\\"\p{Cc}]+$/u,
    message: 'must be an email address',
  },
  mobile: { pattern: /^\+?[0-9]{6,15}$/, message: 'must be a phone number of 6-15 digits, optionally after +' },
  orgName: { pattern: /^(?=.{1,200}$)\S.*$/su, message: 'must be 1-200 characters' },
  // An upper bound keeps an attacker from making the password hash do megabytes of work.
  password: { pattern: /^.{0,256}$/su, message: 'must be at most 256 characters' },
} as const;

export type AccountField = keyof typeof fieldRules;

/** One issue per field present in `fields` that breaks its format rule. */
export function accountFieldIssues(fields: Partial<Record<AccountField, string>>): ValidationIssue[] {
  return (Object.keys(fieldRules) as AccountField[]).flatMap((field) => {
    const value = fields[field];
    const rule = fieldRules[field];
    return value === undefined || rule.pattern.test(value) ? [] : [{ path: field, message: rule.message }];
  });
}

export const minimumPasswordLength = 10;

// Passwords of ten or more characters that lead breached-password lists; shorter ones fail on length already.
const commonPasswords = new Set([
  '0000000000',
  '0123456789',
  '1111111111',
  '1234567890',
  '12345678910',
  '1234567890a',
  '1234512345',
  '123456789a',
  '123456789q',
  '1q2w3e4r5t',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  '5201314520',
  '9876543210',
  'a123456789',
  'aa12345678',
  'abc1234567',
  'abcd123456',
  'abcdefghij',
  'admin12345',
  'administrator',
  'asdfghjkl1',
  'asdfghjkl;',
  'changeme123',
  'football123',
  'iloveyou123',
  'letmein123',
  'passw0rd123',
  'password01',
  'password12',
  'password123',
  'password1234',
  'password1!',
  'princess123',
  'q1w2e3r4t5',
  'qazwsxedc123',
  'qwe1234567',
  'qwerty1234',
  'qwerty12345',
  'qwerty123456',
  'qwertyuiop',
  'qwertyuiop1',
  'sunshine123',
  'welcome123',
  'woaini1314',
  'zxcvbnm123',
]);

export function isWeakPassword(password: string, username: string): boolean {
  const lower = password.toLowerCase();
  return (
    password.length < minimumPasswordLength ||
    lower === username.toLowerCase() ||
    commonPasswords.has(lower) ||
    /^(.)\1*$/su.test(password)
  );
}
