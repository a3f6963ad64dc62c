import { describe, expect, it } from 'vitest';
import { parseIdentityCsv } from './identity-csv.js';

const problemsOf = (csv: string) => {
  try {
    parseIdentityCsv(csv);
  } catch (error) {
    return { code: (error as { code: string }).code, details: (error as { details: unknown }).details };
  }
  return undefined;
};

describe('parseIdentityCsv', () => {
  it('reads the three columns in any order and case, with the line of each row', () => {
    const csv =
      '\uFEFFPhoto,ID_Number,name,note\r\na.jpg,11010119900307001X,张三,x\r\n\r\n"b.jpg",110101199003070028,"阿依古丽·\n买买提",\n';
    expect(parseIdentityCsv(csv)).toEqual([
      { line: 2, name: '张三', idNumber: '11010119900307001X', photo: 'a.jpg' },
      { line: 5, name: '阿依古丽·\n买买提', idNumber: '110101199003070028', photo: 'b.jpg' },
    ]);
  });

  it('refuses a file without rows or without a required column, naming line 1', () => {
    expect(problemsOf('name,id_number,photo\n')).toEqual({
      code: 'registry.invalid_import',
      details: { rows: [{ line: 1, field: 'csv', problem: 'no rows after the header' }] },
    });
    expect(problemsOf('name,photo\n张三,a.jpg\n')).toEqual({
      code: 'registry.invalid_import',
      details: { rows: [{ line: 1, field: 'csv', problem: 'the header lacks id_number' }] },
    });
  });

  it('refuses malformed CSV with the line where it broke', () => {
    const result = problemsOf('name,id_number,photo\n张三,1,a.jpg\n"open,2,b.jpg\n');
    expect(result?.code).toBe('registry.invalid_import');
    const rows = (result?.details as { rows: { line: number; field: string }[] }).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.field).toBe('csv');
    expect(rows[0]?.line).toBeGreaterThanOrEqual(3);
  });
});
