import { describe, expect, it } from 'vitest';
import type { OcrLine } from './id-card.ports.js';
import { detectSide, parseBack, parseFront } from './id-card-fields.js';

/** An OCR line at (left, cy) in the upright frame, 30 px high, every character at `conf`. */
function line(text: string, left: number, cy: number, conf = 0.99): OcrLine {
  const width = [...text].length * 30;
  return {
    text,
    charConfidences: [...text].map(() => conf),
    quad: [
      { x: left, y: cy - 15 },
      { x: left + width, y: cy - 15 },
      { x: left + width, y: cy + 15 },
      { x: left, y: cy + 15 },
    ],
    upright: { cx: left + width / 2, cy, width, height: 30 },
  };
}

const front = [
  line('姓名', 60, 90),
  line('王春欣', 170, 92),
  line('性别', 60, 160),
  line('男', 170, 161),
  line('民族汉', 280, 159),
  line('出生', 60, 228),
  line('1977年3月18日', 170, 230),
  line('住址', 60, 316),
  line('浙江省杭州市西湖区长文', 170, 318),
  line('路368号新村9栋6单', 170, 360),
  line('元771室', 170, 402),
  line('公民身份号码', 60, 478),
  line('330302197703187295', 262, 480),
];

describe('parseFront', () => {
  it('reads every field after its label, the address over several rows', () => {
    const f = parseFront(front);
    expect(f.name?.value).toBe('王春欣');
    expect(f.sex?.value).toBe('男');
    expect(f.ethnicity?.value).toBe('汉');
    expect(f.birthDate?.value).toBe('1977-03-18');
    expect(f.address?.value).toBe('浙江省杭州市西湖区长文路368号新村9栋6单元771室');
    expect(f.idNumber?.value).toBe('330302197703187295');
  });

  it('does not depend on the order the lines come in, and rows tolerate a slight slope', () => {
    const shuffled = [...front]
      .reverse()
      .map((l, i) => ({ ...l, upright: { ...l.upright, cy: l.upright.cy + (i % 3) } }));
    expect(parseFront(shuffled).address?.value).toBe('浙江省杭州市西湖区长文路368号新村9栋6单元771室');
  });

  it('gives each field the lowest confidence among its characters', () => {
    const lines = front.map((l) =>
      l.text === '330302197703187295'
        ? { ...l, charConfidences: l.charConfidences.map((c, i) => (i === 4 ? 0.41 : c)) }
        : l,
    );
    expect(parseFront(lines).idNumber).toEqual({ value: '330302197703187295', confidence: 0.41 });
    expect(parseFront(lines).name?.confidence).toBe(0.99);
  });

  it('prefers a name on its own line to marks stuck to the label, and upper-cases x', () => {
    const lines = [line('姓名店', 60, 90), line('蔡燕', 170, 92), line('公民身份号码 11010519491231002x', 60, 478)];
    const f = parseFront(lines);
    expect(f.name?.value).toBe('蔡燕');
    expect(f.idNumber?.value).toBe('11010519491231002X');
  });

  it('ignores specks: small, low-confidence fragments boxed on their own', () => {
    const speck = (text: string, left: number, cy: number): OcrLine => {
      const l = line(text, left, cy, 0.12);
      return { ...l, upright: { ...l.upright, width: 12, height: 12 } };
    };
    const f = parseFront([...front, speck('E', 150, 92), speck('商', 262, 160)]);
    expect(f.name?.value).toBe('王春欣');
    expect(f.ethnicity?.value).toBe('汉');
    // A small character read with confidence is text (a 日 set apart from its date), not a speck.
    const small = { ...line('日', 560, 230), upright: { ...line('日', 560, 230).upright, height: 18 } };
    const dated = [...front.filter((l) => !l.text.startsWith('1977')), line('1977年3月18', 170, 230), small];
    expect(parseFront(dated).birthDate?.value).toBe('1977-03-18');
  });

  it('reads the glyph where two boxes of a split line overlap once', () => {
    // "1999年9" ends at x = 170 + 6 * 30 = 350; "9月17日" starts at 335, overlapping by half a character.
    const split = [
      ...front.filter((l) => !l.text.startsWith('1977')),
      line('1999年9', 170, 230),
      line('9月17日', 335, 230),
    ];
    expect(parseFront(split).birthDate?.value).toBe('1999-09-17');
    // Apart, the same characters are two digits.
    const apart = [
      ...front.filter((l) => !l.text.startsWith('1977')),
      line('出生1999年1', 60, 230),
      line('1月2日', 420, 230),
    ];
    expect(parseFront(apart).birthDate?.value).toBe('1999-11-02');
  });

  it('leaves a field null when it is not there', () => {
    const f = parseFront(front.filter((l) => !l.text.startsWith('1977')));
    expect(f.birthDate).toBeNull();
    expect(f.name?.value).toBe('王春欣');
  });
});

const back = [
  line('中华人民共和国', 270, 110),
  line('居民身份证', 300, 200),
  line('签发机关', 150, 420),
  line('杭州市公安局西湖区分局', 290, 422),
  line('有效期限', 150, 482),
  line('2018.03.05-2038.03.05', 290, 484),
];

describe('parseBack', () => {
  it('reads the authority and both validity dates', () => {
    const b = parseBack(back);
    expect(b.issuingAuthority?.value).toBe('杭州市公安局西湖区分局');
    expect(b.validFrom?.value).toBe('2018-03-05');
    expect(b.validUntil?.value).toBe('2038-03-05');
  });

  it('reads 长期 as long_term and a dash read as 一', () => {
    const lines = [...back.slice(0, 5), line('2010.01.02一长期', 290, 484)];
    expect(parseBack(lines).validUntil?.value).toBe('long_term');
    expect(parseBack(lines).validFrom?.value).toBe('2010-01-02');
  });
});

describe('detectSide', () => {
  it('tells the sides apart by their labels, and finds nothing in other text', () => {
    expect(detectSide(front)).toBe('front');
    expect(detectSide(back)).toBe('back');
    expect(detectSide([line('Hello world', 0, 0), line('收据 2024', 0, 50)])).toBeUndefined();
  });
});
