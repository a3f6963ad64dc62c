import { defaultImageLimits } from '@visage/engine';
import {
  toBase64,
  VisageClient,
  type CaptureSession,
  type CaptureSessionCreated,
  type CaptureSessionRequest,
  type CompareRequest,
  type CompareResponse,
} from '@visage/sdk';
import { CliError } from '../cli-errors.js';
import { readInputFile } from '../input-files.js';

/**
 * The CLI's remote commands: calls to a running Visage server through the SDK, signed with an API key. The key's
 * secret comes from the environment only (VISAGE_KEY_SECRET), never from the command line, where `ps` shows it.
 */
export interface RemoteSettings {
  readonly baseUrl: string;
  readonly keyId: string;
  readonly secret: string;
}

export function remoteSettings(
  env: NodeJS.ProcessEnv,
  flags: { remote?: string | undefined; keyId?: string | undefined },
): RemoteSettings {
  const baseUrl = flags.remote || env['VISAGE_API_URL'];
  if (!baseUrl)
    throw new CliError('cli.bad_input', { reason: 'give the server with --remote <url> or VISAGE_API_URL' });
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new CliError('cli.bad_input', { option: '--remote', reason: 'not a URL' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError('cli.bad_input', { option: '--remote', reason: 'must be an http(s) URL' });
  }
  const keyId = flags.keyId || env['VISAGE_KEY_ID'];
  const secret = env['VISAGE_KEY_SECRET'];
  const missing = [...(keyId ? [] : ['VISAGE_KEY_ID (or --key-id)']), ...(secret ? [] : ['VISAGE_KEY_SECRET'])];
  if (!keyId || !secret) {
    throw new CliError('cli.bad_input', { reason: `the API key is missing: set ${missing.join(' and ')}` });
  }
  return { baseUrl, keyId, secret };
}

const clientOf = (settings: RemoteSettings) =>
  new VisageClient({ baseUrl: settings.baseUrl, keyId: settings.keyId, secret: settings.secret });

export interface ConsentFlags {
  readonly consentId?: string | undefined;
  readonly subjectRef?: string | undefined;
  readonly consentVersion?: string | undefined;
  readonly consentMethod?: string | undefined;
  /** ISO 8601; default: now. */
  readonly consentAt?: string | undefined;
}

/**
 * The consent the call carries: a recorded consent's id, or the evidence (whose, which text version, how; when
 * defaults to now). None at all is sent as none, and the server answers `consent.required`.
 */
export function consentOf(flags: ConsentFlags): Pick<CompareRequest, 'consent' | 'consent_id'> {
  const evidence = [flags.subjectRef, flags.consentVersion, flags.consentMethod];
  if (flags.consentId !== undefined) {
    if (evidence.some((v) => v !== undefined)) {
      throw new CliError('cli.bad_input', { reason: 'give either --consent-id or the consent evidence, not both' });
    }
    return { consent_id: flags.consentId };
  }
  if (evidence.every((v) => v === undefined)) return {};
  if (evidence.some((v) => v === undefined)) {
    throw new CliError('cli.bad_input', {
      reason: 'consent evidence needs --subject-ref, --consent-version and --consent-method',
    });
  }
  return {
    consent: {
      subject_ref: flags.subjectRef!,
      text_version: flags.consentVersion!,
      method: flags.consentMethod!,
      obtained_at: flags.consentAt ?? new Date().toISOString(),
    },
  };
}

export interface RemoteCompareOptions extends ConsentFlags {
  readonly bizNo?: string | undefined;
  readonly idempotencyKey?: string | undefined;
}

/** `visage compare --remote`: both photos to POST /v1/compare; the server's answer as it is. */
export async function compareRemote(
  settings: RemoteSettings,
  fileA: string,
  fileB: string,
  options: RemoteCompareOptions,
): Promise<CompareResponse> {
  const { maxBytes } = defaultImageLimits;
  const [a, b] = await Promise.all([readInputFile(fileA, maxBytes), readInputFile(fileB, maxBytes)]);
  return clientOf(settings).compare(
    {
      image1: toBase64(a),
      image2: toBase64(b),
      ...consentOf(options),
      ...(options.bizNo === undefined ? {} : { biz_no: options.bizNo }),
    },
    options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey },
  );
}

export function formatRemoteCompare(r: CompareResponse): string {
  return [
    `${r.match ? 'SAME PERSON' : 'NOT THE SAME PERSON'} at FAR ${r.decision_far} — similarity ${r.similarity}, ` +
      `confidence ${r.confidence}/100 (${r.result_code})`,
    `thresholds: ${Object.entries(r.thresholds)
      .map(([far, t]) => `${far} ${t}`)
      .join('   ')}`,
    `${r.sandbox ? 'sandbox' : 'live'}, ${r.billed ? 'billed' : 'not billed'}, request ${r.request_id}, ` +
      `model ${r.model_id}, ${r.time_used_ms} ms`,
  ].join('\n');
}

export interface SessionCreateFlags {
  readonly liveness: string;
  readonly returnUrl: string;
  readonly reference?: string | undefined;
  readonly subjectRef?: string | undefined;
  readonly bizNo?: string | undefined;
  readonly notifyUrl?: string | undefined;
  readonly locale?: string | undefined;
  readonly expiresIn?: string | undefined;
  readonly maxAttempts?: string | undefined;
}

/** `visage sessions create`: POST /v1/capture-sessions; the server validates every field (request.invalid). */
export async function createSession(
  settings: RemoteSettings,
  flags: SessionCreateFlags,
): Promise<CaptureSessionCreated> {
  const reference = flags.reference && (await readInputFile(flags.reference, defaultImageLimits.maxBytes));
  const request = {
    liveness: flags.liveness,
    return_url: flags.returnUrl,
    ...(reference ? { comparison: { type: 'reference', image: toBase64(reference) } } : {}),
    ...(flags.subjectRef === undefined ? {} : { subject_ref: flags.subjectRef }),
    ...(flags.bizNo === undefined ? {} : { biz_no: flags.bizNo }),
    ...(flags.notifyUrl === undefined ? {} : { notify_url: flags.notifyUrl }),
    ...(flags.locale === undefined ? {} : { locale: flags.locale }),
    ...(flags.expiresIn === undefined ? {} : { expires_in: wholeNumber('--expires-in', flags.expiresIn) }),
    ...(flags.maxAttempts === undefined ? {} : { max_attempts: wholeNumber('--max-attempts', flags.maxAttempts) }),
  };
  // The choices (liveness, locale) and bounds are the server's to check: it answers request.invalid naming them.
  return clientOf(settings).createCaptureSession(request as CaptureSessionRequest);
}

/** `visage sessions get`: GET /v1/capture-sessions/{id}. */
export function getSession(settings: RemoteSettings, id: string): Promise<CaptureSession> {
  return clientOf(settings).getCaptureSession(id);
}

export const formatSessionCreated = (s: CaptureSessionCreated): string =>
  [`session ${s.id}`, `url ${s.url}`, `expires ${s.expires_at}`].join('\n');

export function formatSession(s: CaptureSession): string {
  const lines = [
    `session ${s.id}: ${s.status}${s.reason ? ` (${s.reason})` : ''}`,
    `liveness ${s.liveness}${s.challenges.length > 0 ? ` [${s.challenges.join(', ')}]` : ''}, ` +
      `attempts ${s.attempts_used}/${s.max_attempts}, ${s.sandbox ? 'sandbox' : 'live'}`,
    `created ${s.created_at}, expires ${s.expires_at}${s.finished_at ? `, finished ${s.finished_at}` : ''}`,
  ];
  if (s.result) {
    const r = s.result;
    lines.push(
      `result ${String(r['result_code'])}` +
        (typeof r['confidence'] === 'number' ? `, confidence ${r['confidence']}/100` : '') +
        (typeof r['match'] === 'boolean' ? `, ${r['match'] ? 'match' : 'no match'}` : ''),
    );
  }
  return lines.join('\n');
}

function wholeNumber(option: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new CliError('cli.bad_input', { option, reason: 'not a whole number' });
  return n;
}
