/**
 * The consoles' one way to the JSON API. Cookies travel with every request (same origin); writes carry the session's
 * CSRF token in X-CSRF-Token. The token is kept in memory only: it comes from the sign-in answer and from GET session.
 */

export type Side = 'console' | 'admin';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const csrfTokens: Record<Side, string | null> = { console: null, admin: null };

/** Which session a path belongs to: `/admin/api/…` → the operator's, anything else → the customer's. */
export function sideOf(path: string): Side {
  return path.startsWith('/admin/') ? 'admin' : 'console';
}

export function setCsrfToken(side: Side, token: string | null | undefined): void {
  csrfTokens[side] = token ?? null;
}

export function csrfTokenOf(side: Side): string | null {
  return csrfTokens[side];
}

/** GET session again to learn the CSRF token (after a reload the cookie is there but the memory is empty). */
async function refreshCsrf(side: Side): Promise<string | null> {
  const response = await fetch(`/${side}/api/session`, { credentials: 'same-origin', headers: accept });
  if (!response.ok) return null;
  const body = (await response.json()) as { csrf_token?: string };
  setCsrfToken(side, body.csrf_token);
  return csrfTokens[side];
}

const accept = { accept: 'application/json' };

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A JSON request. Resolves with the parsed answer (undefined for 204), rejects with ApiError. */
export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { ...accept };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  };
  return send<T>(path, init, method);
}

/** A multipart request (file uploads). */
export async function apiForm<T>(method: Method, path: string, form: FormData): Promise<T> {
  return send<T>(path, { method, headers: { ...accept }, credentials: 'same-origin', body: form }, method);
}

async function send<T>(path: string, init: RequestInit, method: Method, retried = false): Promise<T> {
  const side = sideOf(path);
  if (method !== 'GET') {
    const token = csrfTokens[side] ?? (await refreshCsrf(side));
    if (token) (init.headers as Record<string, string>)['x-csrf-token'] = token;
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause));
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (response.ok) return parsed as T;
  const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  const code = error?.code ?? `http.${response.status}`;
  if (code === 'auth.csrf' && !retried && method !== 'GET') {
    setCsrfToken(side, null);
    await refreshCsrf(side);
    return send<T>(path, init, method, true);
  }
  if (code === 'auth.required' && !/^\/(console|admin)\/api\/session$/.test(path)) {
    // The session ended (expired, signed out elsewhere): the app shows its sign-in page.
    window.dispatchEvent(new CustomEvent(authRequiredEvent, { detail: side }));
  }
  throw new ApiError(response.status, code, error?.message ?? response.statusText, error?.details);
}

/** Dispatched on window (detail: the Side) when an API call answers auth.required. */
export const authRequiredEvent = 'visage:auth-required';

/** Query string from an object, skipping empty values. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(name, String(value));
  }
  const s = search.toString();
  return s === '' ? '' : `?${s}`;
}
