/**
 * Fuzzy screening of a name against sanctions and entity lists. Names are normalised first (width, case, diacritics,
 * punctuation, legal-form suffixes, spacing), so that "HUAWEI TECHNOLOGIES CO., LTD." and "Huawei Technologies"
 * meet as the same string; the remaining differences (spelling variants, transliterations, word order) are scored
 * with Jaro-Winkler and token overlap. Chinese is not romanised: a Chinese name is compared with Chinese names.
 */

export interface ScreeningEntry {
  readonly list: string;
  readonly program: string;
  readonly name: string;
  readonly aliases: readonly string[];
}

export interface ScreeningMatch {
  readonly list: string;
  readonly program: string;
  /** The listed name or alias that matched. */
  readonly matchedName: string;
  /** The listed entry's primary name. */
  readonly entryName: string;
  /** 0..1; 1 is the same name after normalisation. */
  readonly score: number;
}

/**
 * Scores at or above this are shown to the reviewer. At 0.9, a name still matches with a word or two spelt or
 * transliterated differently ("Rosnieft" / "Rosneft", "Al Rashid" / "Al Rasheed"), in any word order or spacing,
 * or when it contains a listed name of several words; names that merely share a common word or a surname
 * ("Zhang Wenjie" / "Zhang Wei", "Acme Trust" / "Al-Rashid Trust") stay below it. Screening only raises matches for
 * a person to judge, so the threshold leans towards recall.
 */
export const screeningThreshold = 0.9;

/** Legal forms that say nothing about who the entity is. Matched as whole words (Latin) or as endings (Chinese). */
const latinLegalForms = new Set([
  'ltd', 'limited', 'co', 'company', 'corp', 'corporation', 'inc', 'incorporated', 'llc', 'llp', 'lp', 'plc',
  'gmbh', 'ag', 'kg', 'sa', 'sas', 'sarl', 'srl', 'spa', 'bv', 'nv', 'oy', 'ab', 'as', 'aps', 'jsc', 'ojsc',
  'pjsc', 'cjsc', 'ooo', 'oao', 'zao', 'pao', 'pte', 'pty', 'bhd', 'sdn', 'kk', 'fze', 'fzco', 'the', 'of', 'and',
]); // prettier-ignore
const chineseLegalForms = ['股份有限公司', '有限责任公司', '有限公司', '责任公司', '公司'];
const diacritics = /\p{M}+/gu;
const separators = /[\p{P}\p{S}\p{Z}\s]+/gu;

/** The comparable form of a name: NFKC, case-folded, without diacritics, punctuation, legal forms or extra spaces. */
export function normalizeName(name: string): string {
  let text = name.normalize('NFKC').toLowerCase().normalize('NFD').replace(diacritics, '').normalize('NFC');
  // Letters that NFD does not decompose but people write without their stroke.
  text = text
    .replace(/ß/g, 'ss')
    .replace(/[øœ]/g, (c) => (c === 'ø' ? 'o' : 'oe'))
    .replace(/æ/g, 'ae');
  text = text.replace(/[łđħı]/g, (c) => ({ ł: 'l', đ: 'd', ħ: 'h', ı: 'i' })[c]!);
  let tokens = text.split(separators).filter((t) => t.length > 0);
  const meaningful = tokens.filter((t) => !latinLegalForms.has(t));
  if (meaningful.length > 0) tokens = meaningful;
  const withoutForms = tokens.map(stripChineseLegalForm).filter((t) => t.length > 0);
  if (withoutForms.length > 0) tokens = withoutForms;
  return tokens.join(' ');
}

function stripChineseLegalForm(token: string): string {
  for (const form of chineseLegalForms) {
    if (token === form) return '';
    if (token.endsWith(form) && token.length > form.length) return token.slice(0, -form.length);
  }
  return token;
}

/** Jaro-Winkler similarity of two strings (code points), 0..1. */
export function jaroWinkler(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  if (s.length === 0 || t.length === 0) return s.length === t.length ? 1 : 0;
  const window = Math.max(0, Math.floor(Math.max(s.length, t.length) / 2) - 1);
  const sMatched = new Array<boolean>(s.length).fill(false);
  const tMatched = new Array<boolean>(t.length).fill(false);
  let matches = 0;
  for (let i = 0; i < s.length; i++) {
    for (let j = Math.max(0, i - window); j < Math.min(t.length, i + window + 1); j++) {
      if (tMatched[j] || s[i] !== t[j]) continue;
      sMatched[i] = tMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    if (!sMatched[i]) continue;
    while (!tMatched[j]) j++;
    if (s[i] !== t[j]) transpositions++;
    j++;
  }
  const jaro = (matches / s.length + matches / t.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < s.length && prefix < t.length && s[prefix] === t[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Two words count as the same when their Jaro-Winkler reaches this; short words (under 4 letters) must be near-equal. */
const wordMatch = 0.85;
const shortWordMatch = 0.95;

/**
 * Similarity of a normalised `name` to a normalised `listed` name, 0..1, the best of:
 * - word overlap (Dice): words are paired greedily by Jaro-Winkler, so word order does not matter and each word may
 *   differ by spelling or transliteration ("Rosnieft" / "Rosneft");
 * - containment: how much of a listed name of two or more words the name contains (a subsidiary or branch named
 *   after a listed entity), scored at most 0.95 so that it never looks like an exact match;
 * - when the word counts differ, Jaro-Winkler on both names without spaces ("Xin Jiang" / "Xinjiang").
 * Jaro-Winkler is not applied to the whole names with spaces: its prefix bonus would make "Zhang Wenjie" look like
 * "Zhang Wei".
 */
export function nameSimilarity(name: string, listed: string): number {
  if (name.length === 0 || listed.length === 0) return 0;
  if (name === listed) return 1;
  const a = name.split(' ');
  const b = listed.split(' ');
  const paired = pairedWordSimilarity(a, b);
  return Math.max(
    (2 * paired) / (a.length + b.length),
    b.length >= 2 ? (0.95 * paired) / b.length : 0,
    a.length === b.length ? 0 : jaroWinkler(a.join(''), b.join('')),
  );
}

/** The sum of the similarities of greedily paired words (best pairs first), each word used once. */
function pairedWordSimilarity(a: readonly string[], b: readonly string[]): number {
  const candidates: { i: number; j: number; score: number }[] = [];
  a.forEach((x, i) =>
    b.forEach((y, j) => {
      const score = x === y ? 1 : jaroWinkler(x, y);
      const needed = Math.min([...x].length, [...y].length) < 4 ? shortWordMatch : wordMatch;
      if (score >= needed) candidates.push({ i, j, score });
    }),
  );
  candidates.sort((p, q) => q.score - p.score);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  let sum = 0;
  for (const { i, j, score } of candidates) {
    if (usedA.has(i) || usedB.has(j)) continue;
    usedA.add(i);
    usedB.add(j);
    sum += score;
  }
  return sum;
}

/** A list prepared for screening: each entry's names normalised once. */
export interface PreparedList {
  readonly entries: readonly {
    readonly entry: ScreeningEntry;
    readonly names: readonly (readonly [string, string])[];
  }[];
}

export function prepareScreening(entries: readonly ScreeningEntry[]): PreparedList {
  return {
    entries: entries.map((entry) => ({
      entry,
      names: [entry.name, ...entry.aliases]
        .map((name) => [name, normalizeName(name)] as const)
        .filter(([, normalized]) => normalized.length > 0),
    })),
  };
}

/** The entries whose name or an alias scores at least `threshold` against `name`; best first, one per entry. */
export function screenName(name: string, list: PreparedList, threshold: number = screeningThreshold): ScreeningMatch[] {
  const query = normalizeName(name);
  if (query.length === 0) return [];
  const matches: ScreeningMatch[] = [];
  for (const { entry, names } of list.entries) {
    let best: { matchedName: string; score: number } | undefined;
    for (const [original, normalized] of names) {
      const score = nameSimilarity(query, normalized);
      if (score >= threshold && (!best || score > best.score)) best = { matchedName: original, score };
    }
    if (best) {
      matches.push({
        list: entry.list,
        program: entry.program,
        entryName: entry.name,
        matchedName: best.matchedName,
        score: Math.round(best.score * 1000) / 1000,
      });
    }
  }
  return matches.sort((x, y) => y.score - x.score);
}
