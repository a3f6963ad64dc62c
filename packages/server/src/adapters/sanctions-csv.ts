import type { SanctionsRecord } from '@visage/core';
import { DomainError } from '@visage/core';
import { CsvError, parse } from 'csv-parse/sync';

const aliasSeparator = /[;|]/;

/**
 * Reads a sanctions or entity list in CSV (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes, a
 * byte-order mark): a header row naming the columns name, aliases, list and program in any order (case-insensitive;
 * other columns are ignored), then one entry per row. Aliases are separated by ';' or '|'. Rows without a list take
 * `defaultList`; with `defaultList`, rows naming another list are refused.
 */
export function parseSanctionsCsv(csv: string, defaultList?: string): SanctionsRecord[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(csv, {
      bom: true,
      columns: (header: string[]) => header.map((column) => column.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      relax_quotes: false,
    }) as Record<string, string>[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new DomainError('sanctions.invalid_csv', { reason: error.message, ...(line ? { line } : {}) });
    }
    throw error;
  }
  if (rows.length === 0) throw new DomainError('sanctions.invalid_csv', { reason: 'no rows after the header' });
  if (!Object.hasOwn(rows[0]!, 'name')) {
    throw new DomainError('sanctions.invalid_csv', { reason: 'the header names no "name" column', line: 1 });
  }
  return rows.map((row, index) => {
    // Line numbers as an editor shows them, assuming one line per record (the header is line 1).
    const line = index + 2;
    const name = row['name'] ?? '';
    if (!name) throw new DomainError('sanctions.invalid_csv', { reason: 'the name is empty', line });
    const list = row['list'] || defaultList || '';
    if (!list) throw new DomainError('sanctions.invalid_csv', { reason: 'the list is empty and none was given', line });
    if (defaultList && list !== defaultList) {
      throw new DomainError('sanctions.invalid_csv', {
        reason: `the row names list "${list}", not "${defaultList}"`,
        line,
      });
    }
    return {
      name,
      list,
      program: row['program'] ?? '',
      aliases: (row['aliases'] ?? '')
        .split(aliasSeparator)
        .map((alias) => alias.trim())
        .filter((alias) => alias.length > 0),
    };
  });
}
