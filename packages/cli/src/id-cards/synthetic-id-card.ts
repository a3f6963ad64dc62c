import { readFile } from 'node:fs/promises';
import { residentIdCheckCharacter } from '@visage/core';
import sharp from 'sharp';

/**
 * Synthetic Chinese resident ID cards (second generation, GB 11643 numbers) for tests and the OCR benchmark. Real
 * cards are personal data, so the layout is drawn here in SVG, the people are invented from a seeded generator,
 * and the portrait is one of the repository's face fixtures. Nothing here is a real person or a real card: the
 * national emblem and the security print are left out on purpose.
 */

export interface SyntheticPerson {
  readonly name: string;
  readonly sex: '男' | '女';
  readonly ethnicity: string;
  /** YYYY-MM-DD */
  readonly birthDate: string;
  readonly address: string;
  readonly idNumber: string;
  /** False for the cards deliberately printed with a wrong check character. */
  readonly validCheckDigit: boolean;
  readonly issuingAuthority: string;
  /** YYYY-MM-DD */
  readonly validFrom: string;
  /** YYYY-MM-DD, or 'long-term' (长期). */
  readonly validUntil: string;
}

export interface Degradation {
  /** Card width in the output image, in pixels. */
  readonly cardWidth: number;
  /** Clockwise rotation in degrees (small tilts, and 90/180/270). */
  readonly rotation: number;
  /** Gaussian blur sigma (0 = none). */
  readonly blur: number;
  /** Brightness multiplier (1 = unchanged). */
  readonly brightness: number;
  readonly grayscale: boolean;
  readonly jpegQuality: number;
  /** Amplitude of added luminance noise (0 = none). */
  readonly noise: number;
  /** 'clean' or 'mild' — which half of the benchmark the card belongs to. */
  readonly level: 'clean' | 'mild';
}

export interface SyntheticCard {
  readonly index: number;
  readonly person: SyntheticPerson;
  readonly front: Uint8Array;
  readonly back: Uint8Array;
  readonly degradation: Degradation;
}

/** Deterministic uniform [0, 1) generator (mulberry32): the same seed draws the same cards. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const surnames = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢',
];
const givenChars = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志文斌鹏辉宇浩然子轩梓涵欣怡思雨嘉诚俊杰晨阳雪梅海燕红霞春林',
];
const ethnicities = [
  '汉',
  '汉',
  '汉',
  '汉',
  '汉',
  '汉',
  '回',
  '满',
  '壮',
  '蒙古',
  '维吾尔',
  '藏',
  '苗',
  '彝',
  '土家',
  '朝鲜',
];
const regions: readonly (readonly [string, string, string])[] = [
  ['11', '北京市', '朝阳区'],
  ['12', '天津市', '河西区'],
  ['31', '上海市', '浦东新区'],
  ['32', '江苏省南京市', '鼓楼区'],
  ['33', '浙江省杭州市', '西湖区'],
  ['37', '山东省济南市', '历下区'],
  ['41', '河南省郑州市', '金水区'],
  ['42', '湖北省武汉市', '洪山区'],
  ['44', '广东省广州市', '天河区'],
  ['51', '四川省成都市', '武侯区'],
  ['61', '陕西省西安市', '雁塔区'],
  ['53', '云南省昆明市', '盘龙区'],
];
const roads = [...'和平解放人民建设中山新华文化光明幸福长江黄河东风'];
const roadSuffix = ['路', '街', '大道'];
const communities = ['花园小区', '家园', '新村', '公寓', '小区'];

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
const int = (rnd: () => number, lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function syntheticPerson(rnd: () => number, today: Date, badCheckDigit: boolean): SyntheticPerson {
  const name =
    pick(rnd, surnames) +
    Array.from({ length: rnd() < 0.7 ? 2 : 1 }, () => pick(rnd, givenChars)).join('') +
    (rnd() < 0.08 ? pick(rnd, givenChars) : '');
  const [province, city, district] = pick(rnd, regions);
  const year = int(rnd, 1950, today.getUTCFullYear() - 18);
  const month = int(rnd, 1, 12);
  const day = int(rnd, 1, new Date(Date.UTC(year, month, 0)).getUTCDate());
  const sequence = int(rnd, 0, 999);
  const sex = sequence % 2 === 1 ? '男' : '女';
  const first17 = `${province}${pad(int(rnd, 1, 9))}${pad(int(rnd, 1, 12))}${year}${pad(month)}${pad(day)}${pad(sequence, 3)}`;
  const check = residentIdCheckCharacter(first17);
  const wrong = '0123456789X'.replace(check, '');
  const idNumber = first17 + (badCheckDigit ? pick(rnd, [...wrong]) : check);
  const street = pick(rnd, roads) + pick(rnd, roads) + pick(rnd, roadSuffix) + `${int(rnd, 1, 999)}号`;
  const unit =
    rnd() < 0.6 ? `${pick(rnd, communities)}${int(rnd, 1, 30)}栋${int(rnd, 1, 6)}单元${int(rnd, 101, 2808)}室` : '';
  const address = `${city}${district}${street}${unit}`;
  // Cards are renewed: issued within the last 10 years, after the 16th birthday.
  const issueYear = Math.max(year + 16, today.getUTCFullYear() - int(rnd, 0, 9));
  const age = issueYear - year;
  const years = age < 26 ? 10 : age < 46 ? 20 : 0;
  const issue = `${issueYear}-${pad(int(rnd, 1, 12))}-${pad(int(rnd, 1, 28))}`;
  const until = years === 0 ? 'long-term' : `${issueYear + years}${issue.slice(4)}`;
  return {
    name,
    sex,
    ethnicity: pick(rnd, ethnicities),
    birthDate: `${year}-${pad(month)}-${pad(day)}`,
    address,
    idNumber,
    validCheckDigit: !badCheckDigit,
    issuingAuthority: `${city.replace(/^.*省/, '')}公安局${district}分局`,
    validFrom: issue,
    validUntil: until,
  };
}

const W = 856;
const H = 540;
const labelColour = '#2f5d8a';
const font = 'font-family="WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"';

const text = (x: number, y: number, size: number, colour: string, content: string, extra = ''): string =>
  `<text x="${x}" y="${y}" font-size="${size}" fill="${colour}" ${font} ${extra}>${content}</text>`;

function background(seedHue: number): string {
  // Guilloche-like pale waves: enough texture that the detector sees a printed card, not a white page.
  const waves = Array.from({ length: 14 }, (_, i) => {
    const y = 30 + i * 38;
    return `<path d="M0 ${y} Q ${W / 4} ${y - 18} ${W / 2} ${y} T ${W} ${y}" stroke="hsl(${seedHue},45%,84%)" stroke-width="1.2" fill="none"/>`;
  }).join('');
  return (
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${seedHue},40%,96%)"/>` +
    `<stop offset="1" stop-color="hsl(${seedHue + 30},35%,91%)"/></linearGradient></defs>` +
    `<rect x="0" y="0" width="${W}" height="${H}" rx="28" fill="url(#g)"/>${waves}`
  );
}

/** Splits the address into lines of at most 11 characters, as printed on the card. */
export function addressLines(address: string): string[] {
  const chars = [...address];
  const lines: string[] = [];
  for (let i = 0; i < chars.length; i += 11) lines.push(chars.slice(i, i + 11).join(''));
  return lines;
}

function frontSvg(p: SyntheticPerson, hue: number): string {
  const [year, month, day] = p.birthDate.split('-').map(Number) as [number, number, number];
  const value = (x: number, y: number, s: string, size = 30) => text(x, y, size, '#111', s);
  const label = (x: number, y: number, s: string) => text(x, y, 24, labelColour, s);
  const address = addressLines(p.address)
    .map((line, i) => value(168, 318 + i * 42, line, 28))
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${background(hue)}` +
    label(60, 92, '姓 名') +
    value(168, 94, p.name, 34) +
    label(60, 160, '性 别') +
    value(168, 162, p.sex) +
    label(282, 160, '民 族') +
    value(378, 162, p.ethnicity) +
    label(60, 228, '出 生') +
    value(168, 230, String(year)) +
    label(252, 228, '年') +
    value(300, 230, String(month)) +
    label(348, 228, '月') +
    value(396, 230, String(day)) +
    label(444, 228, '日') +
    label(60, 316, '住 址') +
    address +
    label(60, 478, '公民身份号码') +
    text(262, 480, 34, '#111', p.idNumber, 'letter-spacing="3"') +
    `</svg>`
  );
}

const dotted = (date: string): string => date.replaceAll('-', '.');

function backSvg(p: SyntheticPerson, hue: number): string {
  const validity = `${dotted(p.validFrom)}-${p.validUntil === 'long-term' ? '长期' : dotted(p.validUntil)}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${background(hue)}` +
    // A plain red seal where the emblem goes: the real emblem is not reproduced.
    `<circle cx="130" cy="120" r="70" fill="none" stroke="#c8372d" stroke-width="8"/>` +
    `<circle cx="130" cy="120" r="44" fill="#c8372d" opacity="0.85"/>` +
    text(270, 110, 46, '#111', '中华人民共和国', 'letter-spacing="10"') +
    text(300, 200, 60, '#111', '居民身份证', 'letter-spacing="16"') +
    text(150, 420, 26, '#111', '签发机关') +
    text(290, 422, 28, '#111', p.issuingAuthority) +
    text(150, 482, 26, '#111', '有效期限') +
    text(290, 484, 28, '#111', validity) +
    `</svg>`
  );
}

/** Draws the card faces at 856 × 540 (10 px per mm of the real card). */
export async function renderCardFaces(
  person: SyntheticPerson,
  portrait: Uint8Array,
  hue: number,
): Promise<{ front: Buffer; back: Buffer }> {
  const photo = await sharp(portrait).resize(220, 272, { fit: 'cover', position: 'top' }).png().toBuffer();
  const front = await sharp(Buffer.from(frontSvg(person, hue)))
    .composite([{ input: photo, left: 590, top: 70 }])
    .png()
    .toBuffer();
  const back = await sharp(Buffer.from(backSvg(person, hue)))
    .png()
    .toBuffer();
  return { front, back };
}

/** Photographs a card face: scaled, turned, placed on a desk-coloured background, blurred, lit and compressed. */
export async function photograph(face: Buffer, d: Degradation, deskGrey: number): Promise<Uint8Array> {
  const scaled = await sharp(face)
    .resize(d.cardWidth)
    .rotate(d.rotation, { background: { r: deskGrey, g: deskGrey - 8, b: deskGrey - 20, alpha: 1 } })
    .flatten({ background: { r: deskGrey, g: deskGrey - 8, b: deskGrey - 20 } })
    .png()
    .toBuffer();
  const margin = Math.round(d.cardWidth * 0.08);
  let img = sharp(scaled).extend({
    top: margin,
    bottom: margin,
    left: margin,
    right: margin,
    background: { r: deskGrey, g: deskGrey - 8, b: deskGrey - 20 },
  });
  if (d.blur > 0) img = sharp(await img.png().toBuffer()).blur(d.blur);
  if (d.brightness !== 1) img = img.modulate({ brightness: d.brightness });
  if (d.grayscale) img = img.grayscale();
  if (d.noise > 0) {
    // Sensor noise: a photo's neighbouring pixels are rarely exactly equal, a rendered image's often are.
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    const rnd = seededRandom(data.length);
    for (let i = 0; i < data.length; i += info.channels) {
      const n = (rnd() + rnd() + rnd() - 1.5) * 2 * d.noise;
      for (let c = 0; c < info.channels; c++) data[i + c] = Math.max(0, Math.min(255, Math.round(data[i + c]! + n)));
    }
    img = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  }
  return new Uint8Array(await img.jpeg({ quality: d.jpegQuality }).toBuffer());
}

export function drawDegradation(rnd: () => number, level: 'clean' | 'mild'): Degradation {
  const cardWidth = pick(rnd, [640, 760, 856, 1000, 1200]);
  if (level === 'clean') {
    return { cardWidth, rotation: 0, blur: 0, brightness: 1, grayscale: false, jpegQuality: 92, noise: 0, level };
  }
  const turn = rnd();
  const tilt = Math.round((rnd() * 16 - 8) * 10) / 10;
  const rotation = turn < 0.55 ? tilt : turn < 0.7 ? 90 + tilt / 4 : turn < 0.85 ? 180 + tilt / 4 : 270 + tilt / 4;
  return {
    cardWidth,
    rotation,
    blur: rnd() < 0.6 ? Math.round((0.5 + rnd() * 0.8) * 100) / 100 : 0,
    brightness: Math.round((0.7 + rnd() * 0.55) * 100) / 100,
    grayscale: rnd() < 0.15,
    jpegQuality: int(rnd, 55, 90),
    noise: Math.round(rnd() * 6 * 10) / 10,
    level,
  };
}

export interface CardSetOptions {
  readonly count: number;
  readonly seed: number;
  /** Face photos to use as portraits (cycled). */
  readonly portraits: readonly string[];
  readonly today: Date;
  /** Every n-th card carries a wrong check character (0 = none). */
  readonly badCheckDigitEvery?: number;
}

/** The benchmark's card set: half clean, half mildly degraded, every `badCheckDigitEvery`-th with a wrong check. */
export async function* syntheticCards(options: CardSetOptions): AsyncGenerator<SyntheticCard> {
  const rnd = seededRandom(options.seed);
  const portraits = await Promise.all(options.portraits.map((p) => readFile(p)));
  const every = options.badCheckDigitEvery ?? 0;
  for (let index = 0; index < options.count; index++) {
    const person = syntheticPerson(rnd, options.today, every > 0 && index % every === every - 1);
    const degradation = drawDegradation(rnd, index % 2 === 0 ? 'clean' : 'mild');
    const hue = int(rnd, 150, 220);
    const desk = int(rnd, 70, 150);
    const faces = await renderCardFaces(person, portraits[index % portraits.length]!, hue);
    yield {
      index,
      person,
      degradation,
      front: await photograph(faces.front, degradation, desk),
      back: await photograph(faces.back, degradation, desk),
    };
  }
}
