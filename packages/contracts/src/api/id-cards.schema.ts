import { z } from 'zod';
import { base64Image, bizNo, callFields, consentFields } from './verification.schema.js';

export const idCardSides = ['front', 'back', 'auto'] as const;

export const idCardOcrRequestSchema = z
  .object({
    image: base64Image.describe('A photo or scan of one side of a resident ID card (JPEG, PNG or WebP), as base64.'),
    side: z
      .enum(idCardSides)
      .default('auto')
      .describe('Which side the image shows; `auto` decides from the labels printed on it.'),
    portrait: z
      .boolean()
      .default(false)
      .describe('Also return the card’s portrait, cropped, as base64 JPEG (front only; never stored).'),
    ...consentFields,
    biz_no: bizNo,
  })
  .strict()
  .meta({ id: 'IdCardOcrRequest' });

const readField = z
  .object({
    value: z.string(),
    confidence: z.number().describe('Lowest recogniser confidence among the field’s characters, 0-1.'),
  })
  .nullable()
  .describe('Null when the field was not found on the card.');

const check = z.boolean().nullable().describe('True passed, false failed, null not checked (a field was missing).');

const point = z.object({ x: z.number(), y: z.number() });

const commonFields = {
  ...callFields,
  valid: z.boolean().describe('Every field was read and every check passed (result.id_card_valid).'),
  card: z.object({
    quad: z
      .tuple([point, point, point, point])
      .nullable()
      .describe('The card’s outline in the image, clockwise from its top-left; null when it does not stand out.'),
    rotation: z.number().describe('Direction of the text in the image, clockwise degrees: 0 upright, 90 on its side.'),
  }),
  hints: z
    .array(
      z.object({
        code: z.enum(['grayscale', 'screen_capture']),
        message: z.string(),
      }),
    )
    .describe('Image hints (photocopy, screen capture): measurements, not verdicts — see docs/id-cards.md.'),
};

export const idCardOcrResponseSchema = z
  .discriminatedUnion('side', [
    z.object({
      ...commonFields,
      side: z.literal('front'),
      front: z.object({
        portrait: z
          .string()
          .nullable()
          .optional()
          .describe('With `portrait: true`: the portrait as base64 JPEG, or null when no face was found.'),
        name: readField,
        sex: readField.describe('男 or 女.'),
        ethnicity: readField,
        birth_date: readField.describe('YYYY-MM-DD.'),
        address: readField,
        id_number: readField.describe('18 characters as read (X upper-case), even when a check fails.'),
      }),
      checks: z.object({
        id_number_valid: check.describe(
          'A well-formed GB 11643 number: length, characters, region, birth date, check.',
        ),
        id_number_problem: z
          .enum(['length', 'character', 'region', 'birth_date', 'check_digit'])
          .nullable()
          .describe('The first thing wrong with the number, or null.'),
        check_digit: check.describe('The 18th character is the ISO 7064 MOD 11-2 check of the first 17.'),
        region_plausible: check.describe('The first two digits are a province-level region code.'),
        birth_date_matches_number: check,
        sex_matches_number: check.describe('The 17th digit is odd for 男, even for 女.'),
      }),
    }),
    z.object({
      ...commonFields,
      side: z.literal('back'),
      back: z.object({
        issuing_authority: readField,
        valid_from: readField.describe('YYYY-MM-DD.'),
        valid_until: readField.describe('YYYY-MM-DD, or `long_term` (长期).'),
      }),
      checks: z.object({
        validity_well_formed: check.describe(
          'Both dates real, the start not in the future, the span 5, 10 or 20 years to the day or long-term.',
        ),
        not_expired: check,
      }),
    }),
  ])
  .meta({ id: 'IdCardOcrResponse' });

export type IdCardOcrRequest = z.infer<typeof idCardOcrRequestSchema>;
export type IdCardOcrResponse = z.infer<typeof idCardOcrResponseSchema>;
