import type { TestPlatform } from './test-platform.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read as loose JSON; the assertions check them
type Body = Record<string, any>;

/** A request from the hosted capture page: JSON in and out, bearing the page token once it has one. */
export async function capturePageRequest(
  t: TestPlatform,
  method: 'GET' | 'POST',
  url: string,
  pageToken?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Body }> {
  const response = await t.platform.app.inject({
    method,
    url,
    headers: {
      ...(pageToken ? { authorization: `Bearer ${pageToken}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: response.statusCode, json: response.body ? (response.json() as Body) : {} };
}
