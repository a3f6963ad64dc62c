import { z } from 'zod';
import { base64Image } from './verification.schema.js';

/** Hosted capture sessions: the signed /v1/capture-sessions API and the capture page's /capture/api/*. */

export const captureChallenges = ['blink', 'open_mouth', 'turn_left', 'turn_right', 'nod'] as const;
export const captureStatuses = [
  'not_started',
  'in_progress',
  'passed',
  'failed',
  'cancelled',
  'expired',
  'unsupported',
] as const;
export const captureLocales = ['zh-CN', 'en'] as const;

const challengeSchema = z.enum(captureChallenges);
export const captureLivenessModes = ['still', 'action', 'flash'] as const;
/** The reflected-light challenge's palette (core/capture/flash-response.ts). */
export const captureFlashColors = ['red', 'green', 'blue', 'yellow', 'magenta', 'cyan'] as const;
/** Frame step names of the flash sequence's colour steps 0-5. */
export const captureFlashSteps = ['flash_0', 'flash_1', 'flash_2', 'flash_3', 'flash_4', 'flash_5'] as const;
const statusSchema = z.enum(captureStatuses);

export const captureSessionCreateRequestSchema = z
  .object({
    liveness: z
      .enum(captureLivenessModes)
      .describe(
        '`still`: passive, a few frames; `action`: a server-chosen random sequence of 2-4 challenges; `flash`: a server-chosen random sequence of 4-6 screen colours (400-700 ms each) whose reflection on the face must follow it (炫彩).',
      ),
    comparison: z
      .object({
        type: z.literal('reference').describe('Compare the best frame with a reference photo you supply (无源比对).'),
        image: base64Image,
      })
      .strict()
      .optional(),
    subject_ref: z.string().min(1).max(128).optional().describe('Your id for the person (pseudonymous).'),
    biz_no: z.string().min(1).max(128).optional().describe('Your business reference, echoed in the result.'),
    return_url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .describe('Where the page sends the person when done, with `capture_session_id` added to the query.'),
    notify_url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional()
      .describe(
        'Where this session’s `capture_session.finished` event is POSTed instead of the app’s webhook URL, signed with the app’s webhook secret (the app must have one: `capture.webhook_secret_required`). Checked like a webhook URL, now and at delivery (`capture.notify_url_refused`).',
      ),
    locale: z
      .enum(captureLocales)
      .optional()
      .describe('The page’s language; default: the browser’s Accept-Language (zh-CN or en), else zh-CN.'),
    expires_in: z.int().min(60).max(3600).default(600).describe('Seconds until the link expires (≤ 1 h).'),
    max_attempts: z.int().min(1).max(10).default(3).describe('How many capture attempts the person gets.'),
  })
  .strict()
  .meta({ id: 'CaptureSessionCreateRequest' });

export const captureSessionCreatedSchema = z
  .object({
    id: z.string(),
    url: z.string().describe('The hosted page with a single-use token: send the person there.'),
    expires_at: z.string(),
  })
  .meta({ id: 'CaptureSessionCreated' });

const challengeResultSchema = z.object({ name: z.string(), passed: z.boolean(), evidence: z.unknown().optional() });

export const captureLivenessSignalSchema = z
  .object({
    name: z
      .string()
      .describe(
        'Stable name, in this order: `passive` (anti-spoofing score of the best frames), `face_consistency` (the same face in every frame), then for `action` one `challenge:<challenge>` per challenge asked (in the order asked), for `flash` one `flash` (the face reflecting the colour sequence).',
      ),
    evaluated: z
      .boolean()
      .describe(
        'False when it could not be evaluated: a gatekeeper failed first (`liveness.too_few_frames`, `liveness.timing`, `liveness.no_face`, or a frame of a step not asked), or there was nothing to measure (`face_consistency` with one face frame).',
      ),
    fired: z
      .boolean()
      .nullable()
      .describe('True: this signal indicates an attack or a failure; false: clear; null: not evaluated.'),
    measures: z
      .record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]))
      .describe(
        'The number(s) behind it, rounded to 3 places; empty when not evaluated, except `face_consistency` with one face frame (`compared_frames: 0`). `passive`: `score`, `threshold`, `source` (as `passive_signal`), `frames`. `face_consistency`: `min_similarity` (lowest frame against the best frame), `threshold` (FAR 1e-4), `frame`, `mismatched_frames`, `compared_frames`. `challenge:*`: that challenge’s evidence. `flash`: `correlation`, `min_correlation`, `shift`, `min_shift`, `problem`.',
      ),
  })
  .meta({ id: 'CaptureLivenessSignal' });

export const captureLivenessDetailsSchema = z
  .object({
    mode: z.enum(captureLivenessModes),
    live: z.boolean(),
    reason: z.string().optional(),
    reason_details: z
      .record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null(), z.array(z.string())]))
      .optional()
      .describe(
        'The measurements behind `reason`, as the `liveness.*` error codes describe them (docs/errors.md): e.g. `frame` for `liveness.face_replaced`, `challenge` for `liveness.challenge_failed`, `problem` for `liveness.timing`. Absent on a pass.',
      ),
    challenges_asked: z.array(challengeSchema),
    challenges: z.array(challengeResultSchema),
    frame_count: z.int(),
    best_frame_quality: z.number().nullable().describe('The best frame’s quality score, 0-1.'),
    passive_score: z.number().nullable().describe('Median anti-spoofing score of the best frames.'),
    passive_threshold: z.number().nullable(),
    passive_signal: z
      .string()
      .nullable()
      .optional()
      .describe('What the passive score is: the fused model’s id (network at several crops + texture), or `network`.'),
    signals: z
      .array(captureLivenessSignalSchema)
      .optional()
      .describe(
        'Every signal the decision weighed, in a stable order, each evaluated unless a gatekeeper failed first. `reason` is the first that fired (or the gatekeeper); the others that fired are here too. Absent on results decided before this field existed.',
      ),
    signals_fired: z
      .array(z.string())
      .optional()
      .describe(
        'The names of the signals that fired, in the same order (e.g. `["passive", "flash"]`); empty on a pass and when a gatekeeper failed (nothing evaluated).',
      ),
  })
  .meta({ id: 'CaptureLivenessDetails' });

export const captureSessionSchema = z
  .object({
    id: z.string(),
    status: statusSchema,
    reason: z.string().nullable().describe('Why the session failed (a liveness.* or result.* code), else null.'),
    liveness: z.enum(captureLivenessModes),
    challenges: z.array(challengeSchema),
    subject_ref: z.string().nullable(),
    biz_no: z.string().nullable(),
    sandbox: z.boolean(),
    created_at: z.string(),
    expires_at: z.string(),
    finished_at: z.string().nullable(),
    attempts_used: z.int(),
    max_attempts: z.int(),
    consent_id: z.string().nullable(),
    result: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe(
        'When passed or failed on a completed attempt: the verification shape (result_code, billed, similarity, confidence, match, …) plus `liveness_details`.',
      ),
  })
  .meta({ id: 'CaptureSession' });

// The capture page's API (bearer page token).

export const capturePageOpenRequestSchema = z.object({ token: z.string().min(16).max(128) }).strict();

export const capturePageSessionSchema = z.object({
  id: z.string(),
  app_name: z.string(),
  org_name: z.string(),
  operator_name: z.string(),
  locale: z.enum(captureLocales).nullable(),
  liveness: z.enum(captureLivenessModes),
  challenges: z.array(challengeSchema),
  flash: z
    .array(z.object({ color: z.enum(captureFlashColors), duration_ms: z.int() }))
    .describe('For `flash`: the colours to show full-screen, in order, each for `duration_ms`; empty otherwise.'),
  consent: z.object({
    version: z.string(),
    locale: z
      .enum(captureLocales)
      .describe('The language of `text`: the session’s locale, else the browser’s Accept-Language, else zh-CN.'),
    text: z.string(),
    texts: z
      .object({ 'zh-CN': z.string(), en: z.string() })
      .describe('The same notice in both languages, for a page whose language the person switches.'),
  }),
  expires_at: z.string(),
  attempts_left: z.int(),
  status: statusSchema,
  return_url: z.string().describe('Where the page returns to (with `capture_session_id`), e.g. after a cancel.'),
});

export const capturePageOpenResponseSchema = z.object({ page_token: z.string(), session: capturePageSessionSchema });
export const capturePageConsentRequestSchema = z
  .object({
    accepted: z.literal(true),
    locale: z
      .enum(captureLocales)
      .optional()
      .describe('The language of the notice the person read; default: `consent.locale` of the session view.'),
  })
  .strict();
export const capturePageAttemptSchema = z.object({ attempt_id: z.string() });
export const capturePageFrameRequestSchema = z.object({
  step: z.enum(['still', ...captureChallenges, ...captureFlashSteps]),
  index: z.coerce.number().int().min(0).max(59),
  captured_at_ms: z.coerce.number().int().min(0).max(3_600_000),
  frame: base64Image,
});
export const capturePageFrameResponseSchema = z.object({
  face_count: z.int().describe('Faces found in this frame (guidance only: the decision is made at completion).'),
});
export const capturePageCompletionSchema = z.object({
  status: statusSchema,
  reason: z.string().optional(),
  attempts_left: z.int(),
  return_url: z.string(),
});
export const capturePageUnsupportedRequestSchema = z.object({ reason: z.string().min(1).max(200) }).strict();

export type CaptureSessionCreateRequest = z.infer<typeof captureSessionCreateRequestSchema>;
export type CaptureSessionView = z.infer<typeof captureSessionSchema>;
export type CapturePageSession = z.infer<typeof capturePageSessionSchema>;
export type CapturePageCompletion = z.infer<typeof capturePageCompletionSchema>;
