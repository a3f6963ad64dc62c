import { describe, expect, it } from 'vitest';
import {
  jaroWinkler,
  nameSimilarity,
  normalizeName,
  prepareScreening,
  screeningThreshold,
  screenName,
  type ScreeningEntry,
} from './name-screening.js';

const entries: ScreeningEntry[] = [
  {
    list: 'Entity List',
    program: 'EAR',
    name: 'HUAWEI TECHNOLOGIES CO., LTD.',
    aliases: ['华为技术有限公司', 'Huawei Technologies Company Limited'],
  },
  { list: 'SDN', program: 'UKRAINE-EO13662', name: 'ROSNEFT OIL COMPANY', aliases: ['OAO Rosneft', 'NK Rosneft'] },
  { list: 'SDN', program: 'SDGT', name: 'AL-RASHID TRUST', aliases: ['Al Rasheed Trust', 'Al-Rasheed Trust'] },
  { list: 'EU', program: 'RUS', name: 'Société Générale de Négoce Énergétique', aliases: [] },
  { list: 'SDN', program: 'GLOMAG', name: 'ZHANG Wei', aliases: [] },
  {
    list: 'NS-MBS',
    program: 'XINJIANG',
    name: 'Xinjiang Production and Construction Corps',
    aliases: ['XPCC', '新疆生产建设兵团'],
  },
];
const prepared = prepareScreening(entries);
const screen = (name: string) => screenName(name, prepared);
const best = (name: string) => screen(name)[0];

describe('name normalisation', () => {
  it('folds width, case, diacritics, punctuation, legal forms and spacing', () => {
    expect(normalizeName('HUAWEI TECHNOLOGIES CO., LTD.')).toBe('huawei technologies');
    expect(normalizeName('Ｈｕａｗｅｉ　Ｔｅｃｈｎｏｌｏｇｉｅｓ')).toBe('huawei technologies');
    expect(normalizeName('Société  Générale')).toBe('societe generale');
    expect(normalizeName('Gazprom Neft PJSC')).toBe('gazprom neft');
    expect(normalizeName('Łukasz Øberg GmbH & Co. KG')).toBe('lukasz oberg');
    expect(normalizeName('华为技术有限公司')).toBe('华为技术');
    expect(normalizeName('中国平安保险（集团）股份有限公司')).toBe('中国平安保险 集团');
    expect(normalizeName('The Limited')).toBe('the limited');
  });
});

describe('similarity', () => {
  it('is Jaro-Winkler on the classic examples', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });

  it('ignores word order and spacing', () => {
    expect(nameSimilarity('wei zhang', 'zhang wei')).toBe(1);
    expect(nameSimilarity('xin jiang production', 'xinjiang production')).toBe(1);
  });
});

describe('screening', () => {
  it('finds a listed company written the way a customer writes it', () => {
    expect(best('Huawei Technologies Co., Ltd')).toMatchObject({ list: 'Entity List', program: 'EAR', score: 1 });
    expect(best('华为技术有限公司')).toMatchObject({ matchedName: '华为技术有限公司', score: 1 });
    expect(best('ＨＵＡＷＥＩ　ＴＥＣＨＮＯＬＯＧＩＥＳ')).toMatchObject({ score: 1 });
  });

  it('finds transliteration and spelling variants, diacritics and word order', () => {
    expect(best('Rosneft Oil Co')).toMatchObject({ entryName: 'ROSNEFT OIL COMPANY', score: 1 });
    expect(best('Rosnieft Oil Company')?.score).toBeGreaterThanOrEqual(screeningThreshold);
    expect(best('Al Rashid Trust')).toMatchObject({ list: 'SDN', program: 'SDGT', score: 1 });
    expect(best('Alrasheed Trust')?.entryName).toBe('AL-RASHID TRUST');
    expect(best('Societe Generale de Negoce Energetique SA')).toMatchObject({ score: 1 });
    expect(best('Wei ZHANG')).toMatchObject({ entryName: 'ZHANG Wei', score: 1 });
    expect(best('Xin Jiang Production & Construction Corps')?.entryName).toBe(
      'Xinjiang Production and Construction Corps',
    );
  });

  it('flags a name that contains a listed name of several words, below an exact match', () => {
    const match = best('Huawei Technologies (Shenzhen) Co., Ltd.');
    expect(match?.entryName).toBe('HUAWEI TECHNOLOGIES CO., LTD.');
    expect(match?.score).toBeGreaterThanOrEqual(screeningThreshold);
    expect(match?.score).toBeLessThan(1);
    expect(best('Muhammad Al Rashid Trust')?.entryName).toBe('AL-RASHID TRUST');
  });

  it('does not flag unrelated names that share a word or a few letters', () => {
    for (const name of [
      'Shenzhen Bright Foods Co., Ltd.',
      'Hua Xia Bank',
      'Rose Nest Interiors',
      'Zhang Wenjie',
      'Li Wei',
      '华夏银行股份有限公司',
      'Xinjiang Goldwind Science & Technology',
      'Acme Trust',
    ]) {
      expect(screen(name), name).toEqual([]);
    }
  });

  it('reports each entry once, with its best name, best first', () => {
    const matches = screenName('Huawei Technologies Company', prepared, 0.5);
    expect(matches.filter((m) => m.entryName === 'HUAWEI TECHNOLOGIES CO., LTD.')).toHaveLength(1);
    expect(matches.map((m) => m.score)).toEqual([...matches.map((m) => m.score)].sort((a, b) => b - a));
  });

  it('ignores names that normalise to nothing', () => {
    expect(screen(' ., ')).toEqual([]);
  });
});
