import type { Statement } from '@visage/core';

/** A UTF-8 byte-order mark: without it, Excel reads a CSV file in the machine's code page and garbles Chinese. */
const byteOrderMark = '\uFEFF';

export const statementCsvColumns = [
  'created_at',
  'kind',
  'reference',
  'transaction_id',
  'cash_change_yuan',
  'bonus_change_yuan',
  'held_change_yuan',
  'cash_balance_yuan',
  'bonus_balance_yuan',
  'held_balance_yuan',
] as const;

/**
 * One month's statement as CSV (RFC 4180: CRLF, every field quoted where needed, quotes doubled): an opening row,
 * a row per transaction with the changes and the balances after it, and a closing row. Amounts are yuan with two
 * decimals, exact (computed from whole fen). Text a spreadsheet would take for a formula is defused with a leading
 * apostrophe.
 */
export function statementCsv(statement: Statement): string {
  const rows: string[][] = [[...statementCsvColumns]];
  const running = { ...statement.opening };
  const balances = () => [yuan(running.cash), yuan(running.bonus), yuan(running.held)];
  rows.push([statement.from, 'opening', '', '', '', '', '', ...balances()]);
  for (const entry of statement.entries) {
    running.cash += entry.cash;
    running.bonus += entry.bonus;
    running.held += entry.held;
    rows.push([
      entry.createdAt,
      entry.kind,
      text(entry.reference ?? ''),
      entry.transactionId,
      yuan(entry.cash),
      yuan(entry.bonus),
      yuan(entry.held),
      ...balances(),
    ]);
  }
  rows.push([
    statement.to,
    'closing',
    '',
    '',
    '',
    '',
    '',
    yuan(statement.closing.cash),
    yuan(statement.closing.bonus),
    yuan(statement.closing.held),
  ]);
  return byteOrderMark + rows.map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

/** Whole fen as yuan with two decimals, without floating point: -1234 → "-12.34". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const whole = Math.abs(fen);
  return `${sign}${Math.trunc(whole / 100)}.${String(whole % 100).padStart(2, '0')}`;
}

function text(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
