import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Every string exists in both languages, with the same {{placeholders}}. Plural forms differ by language (English has
 * _one and _other, Chinese only _other), so a key is compared without its plural suffix.
 */
const dir = (language: string) => new URL(`./${language}/`, import.meta.url);
const pluralSuffix = /_(zero|one|two|few|many|other)$/;

type Strings = Map<string, Set<string>>;

function flatten(value: unknown, prefix: string, into: Strings): Strings {
  if (typeof value === 'string') {
    const key = prefix.replace(pluralSuffix, '');
    const placeholders = into.get(key) ?? new Set<string>();
    for (const match of value.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)) placeholders.add(match[1]!);
    into.set(key, placeholders);
    return into;
  }
  expect(value, `${prefix} is a string or an object`).toBeTypeOf('object');
  for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
    flatten(child, prefix === '' ? name : `${prefix}.${name}`, into);
  }
  return into;
}

const read = (language: string, file: string): Strings =>
  flatten(JSON.parse(readFileSync(new URL(file, dir(language)), 'utf8')) as unknown, '', new Map());

const files = readdirSync(dir('en')).filter((file) => file.endsWith('.json'));

describe('the console strings', () => {
  it('have the same files in both languages', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(
      readdirSync(dir('zh-CN'))
        .filter((file) => file.endsWith('.json'))
        .sort(),
    ).toEqual([...files].sort());
  });

  for (const file of files) {
    it(`${file}: the same keys and placeholders in en and zh-CN`, () => {
      const en = read('en', file);
      const zh = read('zh-CN', file);
      expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
      for (const [key, placeholders] of en) {
        expect([...(zh.get(key) ?? [])].sort(), `${file} ${key}`).toEqual([...placeholders].sort());
      }
    });
  }
});
