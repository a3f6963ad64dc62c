import { DomainError } from '@visage/core';
import { CsvError, parse } from 'csv-parse/sync';

/** One row of an identity CSV: `line` as an editor shows it (the header is line 1). */
export interface IdentityCsvRow {
  readonly line: number;
  readonly name: string;
  readonly idNumber: string;
  /** The photo's file name, relative to the photos directory. */
  readonly photo: string;
}

const requiredColumns = ['name', 'id_number', 'photo'] as const;

/**
 * Reads an identity CSV (RFC 4180, UTF-8, a byte-order mark allowed): a header naming the columns name, id_number and
 * photo in any order (case-insensitive; other columns are ignored), then one person per row. A file that cannot be
 * read as CSV, or lacks a column, is registry.invalid_import with a `csv` row problem.
 */
export function parseIdentityCsv(csv: string): IdentityCsvRow[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(csv, {
      bom: true,
      columns: (header: string[]) => header.map((column) => column.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? 1;
      throw new DomainError('registry.invalid_import', { rows: [{ line, field: 'csv', problem: error.message }] });
    }
    throw error;
  }
  const header = records[0] ? Object.keys(records[0].record) : [];
  const missing = requiredColumns.filter((column) => records.length > 0 && !header.includes(column));
  if (records.length === 0 || missing.length > 0) {
    const problem = records.length === 0 ? 'no rows after the header' : `the header lacks ${missing.join(', ')}`;
    throw new DomainError('registry.invalid_import', { rows: [{ line: 1, field: 'csv', problem }] });
  }
  return records.map(({ record, info }) => ({
    // info.lines is the line the record ends on (a quoted field may span lines).
    line: info.lines,
    name: record['name'] ?? '',
    idNumber: record['id_number'] ?? '',
    photo: record['photo'] ?? '',
  }));
}
