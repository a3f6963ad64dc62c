/**
 * The capture page's API (/capture/api, docs/capture.md). The URL's token is exchanged once for a page token, which
 * every other call carries as a bearer token; the page keeps it in sessionStorage so a reload in the same tab goes on
 * where it was (the URL's token is used up by then).
 */

export type Challenge = 'blink' | 'open_mouth' | 'turn_left' | 'turn_right' | 'nod';
/** A colour step of the reflected-light challenge (`liveness: "flash"`): `flash_<i>` for the i-th colour. */
export type FlashStepName = `flash_${0 | 1 | 2 | 3 | 4 | 5}`;
export type Step = 'still' | Challenge | FlashStepName;
export type FlashColor = 'red' | 'green' | 'blue' | 'yellow' | 'magenta' | 'cyan';

export interface CaptureSession {
  readonly id: string;
  readonly app_name: string;
  readonly org_name: string;
  readonly operator_name: string;
  readonly locale?: string | null;
  readonly liveness: 'still' | 'action' | 'flash';
  readonly challenges: readonly Challenge[];
  /** For `flash`: the server's colours, shown full-screen in this order, each for `duration_ms`. */
  readonly flash?: readonly { readonly color: FlashColor; readonly duration_ms: number }[];
  readonly consent: {
    readonly version: string | number;
    /** The language of `text` (the server's pick: session locale, else Accept-Language, else zh-CN). */
    readonly locale?: 'zh-CN' | 'en';
    readonly text: string;
    /** The notice in both languages: the page shows the one of its current language. */
    readonly texts?: { readonly 'zh-CN': string; readonly en: string };
  };
  readonly expires_at: string;
  readonly attempts_left: number;
  readonly status: string;
  /** Not promised by the open answer; used for the "return" link of a cancelled or unsupported session when given. */
  readonly return_url?: string | null;
}

export interface OpenAnswer {
  readonly page_token: string;
  readonly session: CaptureSession;
}

export interface CompletionAnswer {
  readonly status: string;
  readonly reason?: string | null;
  readonly attempts_left: number;
  readonly return_url?: string | null;
}

/** What an ended session (cancel, unsupported) may answer: possibly nothing (204). */
export interface EndAnswer {
  readonly status?: string;
  readonly return_url?: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let pageToken: string | null = null;

export function setPageToken(token: string | null): void {
  pageToken = token;
}

async function send<T>(path: string, init: RequestInit): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  if (pageToken) headers.set('authorization', `Bearer ${pageToken}`);
  let response: Response;
  try {
    response = await fetch(`/capture/api/${path}`, { ...init, headers, credentials: 'omit', cache: 'no-store' });
  } catch (cause) {
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause));
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? `http.${response.status}`, error?.message ?? text);
  }
  return parsed as T;
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const captureApi = {
  open: (token: string) => send<OpenAnswer>('open', json({ token })),
  session: () => send<CaptureSession>('session', { method: 'GET' }),
  /** `locale`: the language of the notice the person read (recorded with the consent). */
  consent: (locale?: 'zh-CN' | 'en') => send<void>('consent', json({ accepted: true, ...(locale ? { locale } : {}) })),
  startAttempt: () => send<{ attempt_id: string }>('attempts', json({})),
  uploadFrame: (attemptId: string, frame: { step: Step; index: number; capturedAtMs: number; jpeg: Blob }) => {
    const form = new FormData();
    // Fields before the file: a streaming parser knows the step before it reads the image.
    form.append('step', frame.step);
    form.append('index', String(frame.index));
    form.append('captured_at_ms', String(frame.capturedAtMs));
    form.append('frame', frame.jpeg, `${frame.step}-${frame.index}.jpg`);
    return send<unknown>(`attempts/${encodeURIComponent(attemptId)}/frames`, { method: 'POST', body: form });
  },
  complete: (attemptId: string) =>
    send<CompletionAnswer>(`attempts/${encodeURIComponent(attemptId)}/completion`, json({})),
  unsupported: (reason: string) => send<EndAnswer | undefined>('unsupported', json({ reason })),
  cancel: () => send<EndAnswer | undefined>('cancel', json({})),
};
