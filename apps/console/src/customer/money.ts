/** "123.45" yuan → 12345 fen; undefined when it is not a positive amount with at most two decimals. */
export function yuanToFen(text: string): number | undefined {
  const s = text.trim().replace(/,/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return undefined;
  const [whole = '0', frac = ''] = s.split('.');
  const fen = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return Number.isSafeInteger(fen) && fen > 0 ? fen : undefined;
}

export const fenToYuanText = (fen: number) => (fen / 100).toFixed(2);

/** The current UTC month, YYYY-MM. */
export function currentMonth(now = new Date()): string {
  return now.toISOString().slice(0, 7);
}
