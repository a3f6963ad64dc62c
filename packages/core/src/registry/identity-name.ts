/**
 * Names as the registry compares them: Unicode NFKC (full-width letters become ASCII), whitespace removed, the
 * separator dots of minority and transliterated names (· ・ • ‧ ． .) unified, Latin letters upper-cased.
 * "张 三" equals "张三", "阿依古丽·买买提" equals "阿依古丽•买买提"; "张三" does not equal "張三" (a different
 * character on the card).
 */
export function normalizeIdentityName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\s+/gu, '')
    .replace(/[·・•‧．.]/gu, '·')
    .toUpperCase();
}

/** Whether a name is acceptable for a record: 1-64 characters, no control characters. */
export function identityNameProblem(name: string): 'empty' | 'too_long' | 'character' | undefined {
  const normalized = normalizeIdentityName(name);
  if (normalized.length === 0) return 'empty';
  if ([...normalized].length > 64) return 'too_long';
  if (/\p{Cc}/u.test(normalized)) return 'character';
  return undefined;
}

/** The first character, the rest as '*': enough to tell records apart in a list. */
export function maskIdentityName(name: string): string {
  const chars = [...normalizeIdentityName(name)];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}
