/**
 * A Markdown table laid out the way prettier lays it out (columns padded to their widest cell), so generated docs
 * pass `prettier --check` unchanged.
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [header, ...rows].map((row) => row.map(escapeCell));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((row) => displayWidth(row[i] ?? ''))));
  const line = (row: readonly string[]) => `| ${widths.map((width, i) => pad(row[i] ?? '', width)).join(' | ')} |`;
  const [head, ...body] = cells;
  return [line(head!), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)].join('\n');
}

/** Inline code. */
export const code = (text: string): string => `\`${text}\``;

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

const pad = (text: string, width: number): string => text + ' '.repeat(width - displayWidth(text));

/** Columns a string takes in a monospace font: wide East Asian characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const point = char.codePointAt(0)!;
    width += isWide(point) ? 2 : 1;
  }
  return width;
}

function isWide(point: number): boolean {
  return (
    (point >= 0x1100 && point <= 0x115f) ||
    (point >= 0x2e80 && point <= 0xa4cf) ||
    (point >= 0xac00 && point <= 0xd7a3) ||
    (point >= 0xf900 && point <= 0xfaff) ||
    (point >= 0xfe30 && point <= 0xfe4f) ||
    (point >= 0xff00 && point <= 0xff60) ||
    (point >= 0xffe0 && point <= 0xffe6)
  );
}
