import type { OcrLine } from './id-card.ports.js';

/**
 * Reads the fields of a second-generation resident ID card out of OCR lines. The card's layout is fixed: labels
 * (姓名, 性别, 民族, 出生, 住址, 公民身份号码 on the front; 签发机关, 有效期限 on the back) stand left of their
 * values on the same row, and the address runs on under its first row. So the lines are grouped into rows in the
 * upright frame, each row is read left to right, and each field is the text after its label.
 */

export type CardSide = 'front' | 'back';

/** A field as read: its text and the lowest confidence among its characters. */
export interface ReadField {
  readonly value: string;
  readonly confidence: number;
}

export interface FrontFields {
  readonly name: ReadField | null;
  readonly sex: ReadField | null;
  readonly ethnicity: ReadField | null;
  /** YYYY-MM-DD */
  readonly birthDate: ReadField | null;
  readonly address: ReadField | null;
  readonly idNumber: ReadField | null;
}

export interface BackFields {
  readonly issuingAuthority: ReadField | null;
  /** YYYY-MM-DD as printed (not checked for being a real date here). */
  readonly validFrom: ReadField | null;
  /** YYYY-MM-DD, or 'long_term' for 长期. */
  readonly validUntil: ReadField | null;
}

/** A row of text: its characters with their confidences; lines on one row are joined by a space. */
interface Row {
  readonly text: string;
  /** Per UTF-16 code unit of `text`. */
  readonly conf: readonly number[];
}

/**
 * Specks: fragments of a neighbouring glyph or of the background that the detector boxed on their own. They are
 * much smaller than the card's text and read with low confidence; kept, they stick a stray character to a field.
 */
export function isSpeck(line: OcrLine, medianHeight: number): boolean {
  const confidence = line.charConfidences.reduce((s, c) => s + c, 0) / Math.max(1, line.charConfidences.length);
  return line.upright.height < 0.65 * medianHeight && confidence < 0.6;
}

export function groupRows(lines: readonly OcrLine[]): Row[] {
  const heights = lines.map((l) => l.upright.height).sort((a, b) => a - b);
  const median = heights[Math.floor(heights.length / 2)] ?? 0;
  const tolerance = 0.5 * median;
  const sorted = lines.filter((l) => !isSpeck(l, median)).sort((a, b) => a.upright.cy - b.upright.cy);
  const rows: OcrLine[][] = [];
  for (const line of sorted) {
    const row = rows[rows.length - 1];
    const mean = row ? row.reduce((s, l) => s + l.upright.cy, 0) / row.length : 0;
    if (row && Math.abs(line.upright.cy - mean) <= tolerance) row.push(line);
    else rows.push([line]);
  }
  return rows.map((row) => {
    let text = '';
    const conf: number[] = [];
    const left = (l: OcrLine) => l.upright.cx - l.upright.width / 2;
    row
      .sort((a, b) => left(a) - left(b))
      .forEach((line, i, ordered) => {
        let chars = [...line.text];
        let confs = line.charConfidences;
        const previous = ordered[i - 1];
        if (previous) {
          // Two boxes of one split line overlap where they meet, and both read the glyph there: keep it once.
          const overlap = previous.upright.cx + previous.upright.width / 2 - left(line);
          if (overlap > 0.3 * line.upright.height && [...previous.text].at(-1) === chars[0]) {
            chars = chars.slice(1);
            confs = confs.slice(1);
          }
          text += ' ';
          conf.push(1);
        }
        chars.forEach((ch, k) => {
          text += ch;
          for (let u = 0; u < ch.length; u++) conf.push(confs[k] ?? 0);
        });
      });
    return { text, conf };
  });
}

/** The text of capture group 1.. of `re` in `row`, spaces removed, with the lowest confidence of its characters. */
function capture(
  row: Row,
  re: RegExp,
  groups: readonly number[] = [1],
): { parts: string[]; confidence: number } | null {
  const match = new RegExp(re.source, `${re.flags.replace('d', '')}d`).exec(row.text);
  if (!match?.indices) return null;
  let confidence = 1;
  const parts: string[] = [];
  for (const g of groups) {
    const span = match.indices[g];
    if (!span) {
      parts.push('');
      continue;
    }
    for (let i = span[0]; i < span[1]; i++)
      if (row.text[i] !== ' ') confidence = Math.min(confidence, row.conf[i] ?? 0);
    parts.push(row.text.slice(span[0], span[1]).replace(/\s+/g, ''));
  }
  return { parts, confidence };
}

const field = (found: { parts: string[]; confidence: number } | null, value?: (parts: string[]) => string) =>
  found && found.parts.some((p) => p !== '')
    ? { value: value ? value(found.parts) : found.parts.join(''), confidence: round(found.confidence) }
    : null;

const round = (x: number): number => Math.round(x * 1000) / 1000;

const labels = {
  name: /姓\s*名/,
  sex: /性\s*别/,
  ethnicity: /民\s*族/,
  birth: /出\s*生/,
  address: /住\s*址/,
  idNumber: /公\s*民\s*身\s*份\s*号\s*码|身\s*份\s*号\s*码/,
  authority: /签\s*发\s*机\s*关/,
  validity: /有\s*效\s*期\s*限/,
  title: /居\s*民\s*身\s*份\s*证|中\s*华\s*人\s*民\s*共\s*和\s*国/,
} as const;

const idPattern = /(?<![0-9Xx])([0-9](?:\s?[0-9]){16}\s?[0-9Xx])(?![0-9Xx])/;

/** Which side the lines come from, by the labels present; undefined when neither side's labels are there. */
export function detectSide(lines: readonly OcrLine[]): CardSide | undefined {
  const all = lines.map((l) => l.text).join('\n');
  const front = [labels.name, labels.sex, labels.ethnicity, labels.birth, labels.address, labels.idNumber].filter(
    (re) => re.test(all),
  ).length;
  const back = [labels.authority, labels.validity, labels.title].filter((re) => re.test(all)).length;
  if (front === 0 && back === 0) return idPattern.test(all) ? 'front' : undefined;
  return front >= back ? 'front' : 'back';
}

const pad2 = (s: string): string => s.padStart(2, '0');

export function parseFront(lines: readonly OcrLine[]): FrontFields {
  const rows = groupRows(lines);
  const rowOf = (re: RegExp) => rows.findIndex((r) => re.test(r.text));
  const find = (re: RegExp, groups?: number[]) => {
    for (const row of rows) {
      const got = capture(row, re, groups);
      if (got) return got;
    }
    return null;
  };
  // A value on its own line wins over characters stuck to the label (a stray mark read as part of 姓名).
  const name = field(find(/姓\s*名\S{0,2}\s+(\S.*)$/)) ?? field(find(/姓\s*名\s*(.+)$/));
  const sex = field(find(/性\s*别\s*([男女])/));
  const ethnicity = field(find(/民\s*族\s*([\u4e00-\u9fff](?:\s?[\u4e00-\u9fff]){0,5})/));
  const birthDate = field(
    find(/出\s*生\s*(\d(?:\s?\d){3})\s*年\s*(\d(?:\s?\d)?)\s*月\s*(\d(?:\s?\d)?)\s*日?/, [1, 2, 3]),
    ([y, m, d]) => `${y}-${pad2(m!)}-${pad2(d!)}`,
  );

  // The address: the rest of its label's row, then the rows under it until the number's row or another label.
  let address: ReadField | null = null;
  const addressRow = rowOf(labels.address);
  if (addressRow >= 0) {
    const first = capture(rows[addressRow]!, /住\s*址\s*(.*)$/);
    const parts = [first?.parts[0] ?? ''];
    let confidence = first?.confidence ?? 1;
    for (let i = addressRow + 1; i < rows.length; i++) {
      const row = rows[i]!;
      if (Object.values(labels).some((re) => re.test(row.text)) || idPattern.test(row.text)) break;
      const rest = capture(row, /^(.+)$/)!;
      parts.push(rest.parts[0]!);
      confidence = Math.min(confidence, rest.confidence);
    }
    const value = parts.join('');
    address = value === '' ? null : { value, confidence: round(confidence) };
  }

  // The number: on the row of its label if there is one, else any 18-character run that looks like one.
  const numberRow = rowOf(labels.idNumber);
  const candidates = numberRow >= 0 ? [rows[numberRow]!, ...rows] : rows;
  let idNumber: ReadField | null = null;
  for (const row of candidates) {
    const got = field(capture(row, idPattern), ([id]) => id!.toUpperCase());
    if (got) {
      idNumber = got;
      break;
    }
  }
  return { name, sex, ethnicity, birthDate, address, idNumber };
}

export function parseBack(lines: readonly OcrLine[]): BackFields {
  const rows = groupRows(lines);
  const find = (re: RegExp, groups?: number[]) => {
    for (const row of rows) {
      const got = capture(row, re, groups);
      if (got) return got;
    }
    return null;
  };
  const issuingAuthority = field(find(/签\s*发\s*机\s*关\s*(.+)$/));
  const date = /(\d{4})\s*[.\-·。,]?\s*(\d{2})\s*[.\-·。,]?\s*(\d{2})/.source;
  const validity = find(new RegExp(`${date}\\s*[-—–~至一]?\\s*(?:${date}|(长\\s*期))`), [1, 2, 3, 4, 5, 6, 7]);
  const validFrom = validity
    ? field({ parts: validity.parts.slice(0, 3), confidence: validity.confidence }, ([y, m, d]) => `${y}-${m}-${d}`)
    : null;
  let validUntil: ReadField | null = null;
  if (validity) {
    const [, , , y, m, d, longTerm] = validity.parts;
    if (longTerm) validUntil = { value: 'long_term', confidence: round(validity.confidence) };
    else if (y) validUntil = { value: `${y}-${m}-${d}`, confidence: round(validity.confidence) };
  }
  return { issuingAuthority, validFrom, validUntil };
}
