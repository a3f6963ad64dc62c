import { describe, expect, it } from 'vitest';
import { parseSanctionsCsv } from './sanctions-csv.js';

describe('sanctions list CSV', () => {
  it('reads quoted fields, aliases split by ; or |, any column order and a byte-order mark', () => {
    const csv =
      '\uFEFFProgram,Name,Aliases,List,Remarks\r\n' +
      'EAR,"HUAWEI TECHNOLOGIES CO., LTD.","华为技术有限公司; Huawei Technologies Company Limited",Entity List,x\r\n' +
      'SDGT,"AL-RASHID TRUST","Al Rasheed Trust|Al-Rasheed ""Trust""",SDN,\r\n' +
      '\r\n' +
      'GLOMAG,"ZHANG, Wei",,SDN,"multi\nline"\n';
    expect(parseSanctionsCsv(csv)).toEqual([
      {
        name: 'HUAWEI TECHNOLOGIES CO., LTD.',
        list: 'Entity List',
        program: 'EAR',
        aliases: ['华为技术有限公司', 'Huawei Technologies Company Limited'],
      },
      { name: 'AL-RASHID TRUST', list: 'SDN', program: 'SDGT', aliases: ['Al Rasheed Trust', 'Al-Rasheed "Trust"'] },
      { name: 'ZHANG, Wei', list: 'SDN', program: 'GLOMAG', aliases: [] },
    ]);
  });

  it('takes the list from the request for rows that name none, and refuses rows naming another', () => {
    expect(parseSanctionsCsv('name,aliases\nAcme Evil Corp,', 'Internal')).toEqual([
      { name: 'Acme Evil Corp', list: 'Internal', program: '', aliases: [] },
    ]);
    expect(() => parseSanctionsCsv('name,list\nA,SDN', 'Internal')).toThrow(
      expect.objectContaining({ code: 'sanctions.invalid_csv', details: expect.objectContaining({ line: 2 }) }),
    );
  });

  it('says what is wrong with a malformed file', () => {
    const invalid = (csv: string) => {
      try {
        parseSanctionsCsv(csv);
      } catch (error) {
        return error;
      }
      throw new Error('accepted');
    };
    expect(invalid('aliases,list\nfoo,SDN')).toMatchObject({ code: 'sanctions.invalid_csv', details: { line: 1 } });
    expect(invalid('name,list\n"unterminated,SDN\n')).toMatchObject({ code: 'sanctions.invalid_csv' });
    expect(invalid('name,list\na,SDN,extra\n')).toMatchObject({ code: 'sanctions.invalid_csv' });
    expect(invalid('name,list\n,SDN\n')).toMatchObject({ details: { line: 2, reason: 'the name is empty' } });
    expect(invalid('name,list\n')).toMatchObject({ code: 'sanctions.invalid_csv' });
    expect(invalid('name\nfoo\n')).toMatchObject({ details: { reason: 'the list is empty and none was given' } });
  });
});
