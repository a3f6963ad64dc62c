import { DomainError } from '../domain-error.js';
import type { Clock } from '../ports.js';
import type { CallInput, Caller, ConsentInput, VerificationService } from '../verification/verification.service.js';
import { checkBack, checkFront, type BackChecks, type FrontChecks } from './id-card-checks.js';
import {
  detectSide,
  parseBack,
  parseFront,
  type BackFields,
  type CardSide,
  type FrontFields,
  type ReadField,
} from './id-card-fields.js';
import type { OcrEnginePort, OcrImageSignals, OcrReading } from './id-card.ports.js';

export type RequestedSide = CardSide | 'auto';

/**
 * Thresholds of the two image hints, set on the synthetic benchmark cards (docs/benchmarks.md): grayscale cards have
 * a mean chroma of 0, colour ones 2 and more; rendered cards a flat-pixel share of 0.5 and more, cards with added
 * sensor noise mostly below 0.2. Neither has been validated on real photos; the hints say so.
 */
export const idCardHintThresholds = Object.freeze({ grayscaleChroma: 1.5, screenFlatShare: 0.45 });

export interface IdCardHint {
  readonly code: 'grayscale' | 'screen_capture';
  readonly message: string;
}

export function imageHints(signals: OcrImageSignals): IdCardHint[] {
  const hints: IdCardHint[] = [];
  if (signals.meanChroma < idCardHintThresholds.grayscaleChroma) {
    hints.push({
      code: 'grayscale',
      message:
        'The card has almost no colour: a photocopy, a grayscale scan or a black-and-white print. A hint, not a verdict.',
    });
  }
  if (signals.flatPixelShare > idCardHintThresholds.screenFlatShare) {
    hints.push({
      code: 'screen_capture',
      message:
        'Large areas of exactly equal pixels, as screenshots and rendered images have and camera photos rarely do. ' +
        'A hint, not a verdict; it does not detect a photo taken of a screen.',
    });
  }
  return hints;
}

const fieldView = (f: ReadField | null) => (f ? { value: f.value, confidence: f.confidence } : null);

export interface IdCardReadingFront {
  readonly side: 'front';
  readonly fields: FrontFields;
  readonly checks: FrontChecks;
}
export interface IdCardReadingBack {
  readonly side: 'back';
  readonly fields: BackFields;
  readonly checks: BackChecks;
}

/** Fields and checks of one card side from OCR lines; throws image.no_id_card when the side is not there. */
export function readIdCard(
  reading: OcrReading,
  side: RequestedSide,
  today: Date,
): IdCardReadingFront | IdCardReadingBack {
  const found = detectSide(reading.lines);
  if (!found || (side !== 'auto' && side !== found)) {
    throw new DomainError('image.no_id_card', { expected: side, ...(found ? { found } : {}) });
  }
  if (found === 'front') {
    const fields = parseFront(reading.lines);
    if (!fields.idNumber && !fields.name) throw new DomainError('image.no_id_card', { expected: side });
    return { side: 'front', fields, checks: checkFront(fields, today) };
  }
  const fields = parseBack(reading.lines);
  if (!fields.issuingAuthority && !fields.validFrom) throw new DomainError('image.no_id_card', { expected: side });
  return { side: 'back', fields, checks: checkBack(fields, today) };
}

/** Every field read and every check passed. */
export function idCardValid(card: IdCardReadingFront | IdCardReadingBack): boolean {
  return (
    Object.values(card.fields).every((f) => f !== null) &&
    Object.entries(card.checks).every(([name, outcome]) => name === 'idNumberProblem' || outcome === true)
  );
}

/** The response body's product part (snake_case, as the API shows it). */
export function idCardResponse(
  card: IdCardReadingFront | IdCardReadingBack,
  reading: OcrReading,
  { portrait = false }: { portrait?: boolean } = {},
) {
  const common = {
    side: card.side,
    valid: idCardValid(card),
    card: { quad: reading.cardQuad ?? null, rotation: reading.rotation },
    hints: imageHints(reading.signals),
    model_id: reading.modelId,
  };
  if (card.side === 'front') {
    const { fields: f, checks: c } = card;
    return {
      ...common,
      front: {
        ...(portrait ? { portrait: reading.portrait ? base64(reading.portrait) : null } : {}),
        name: fieldView(f.name),
        sex: fieldView(f.sex),
        ethnicity: fieldView(f.ethnicity),
        birth_date: fieldView(f.birthDate),
        address: fieldView(f.address),
        id_number: fieldView(f.idNumber),
      },
      checks: {
        id_number_valid: c.idNumberValid,
        id_number_problem: c.idNumberProblem,
        check_digit: c.checkDigit,
        region_plausible: c.regionPlausible,
        birth_date_matches_number: c.birthDateMatchesNumber,
        sex_matches_number: c.sexMatchesNumber,
      },
    };
  }
  const { fields: f, checks: c } = card;
  return {
    ...common,
    back: {
      issuing_authority: fieldView(f.issuingAuthority),
      valid_from: fieldView(f.validFrom),
      valid_until: fieldView(f.validUntil),
    },
    checks: { validity_well_formed: c.validityWellFormed, not_expired: c.notExpired },
  };
}

export type IdCardResponse = ReturnType<typeof idCardResponse>;

/**
 * ID-card OCR as a billed call (product `id_card_ocr`): consent, price and reservation, the engine, one metadata
 * record in the call log — never the image, the fields or the number — then post; bad input (no card, a bad image)
 * is a typed error, logged unbilled. The FaceID-compatible `ocridcard` maps onto `ocr`.
 */
export function createIdCardService(ports: {
  engine: OcrEnginePort;
  verification: Pick<VerificationService, 'chargedCall'>;
  clock: Clock;
}) {
  return {
    async ocr(input: {
      caller: Caller;
      requestId: string;
      consent: ConsentInput;
      bizNo?: string | undefined;
      image: Uint8Array;
      side: RequestedSide;
      /** Also return the card's portrait (front only), cropped as a JPEG. Never stored. */
      portrait?: boolean;
      /** Stores the answer for the idempotency key before the charge is posted (see `CallInput.beforeCharge`). */
      beforeCharge?: CallInput['beforeCharge'];
    }) {
      return ports.verification.chargedCall({
        beforeCharge: input.beforeCharge,
        caller: input.caller,
        requestId: input.requestId,
        consent: input.consent,
        bizNo: input.bizNo,
        product: 'id_card_ocr',
        run: async () => {
          const portrait = input.portrait === true && input.side !== 'back';
          const reading = await ports.engine.readText(input.image, { portrait });
          const card = readIdCard(reading, input.side, ports.clock.now());
          const response = idCardResponse(card, reading, { portrait });
          return { resultCode: response.valid ? 'result.id_card_valid' : 'result.id_card_invalid', response };
        },
      });
    },
  };
}

export type IdCardService = ReturnType<typeof createIdCardService>;

/** Standard base64 of bytes, without Node's Buffer (core runs on its ports only). */
function base64(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i]!, bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]!;
    out += b === undefined ? '=' : alphabet[(n >> 6) & 63]!;
    out += c === undefined ? '=' : alphabet[n & 63]!;
  }
  return out;
}
