import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { clearSessionCookie, setSessionCookie } from './console-session.js';

async function cookieHeaderOf(secure: boolean, clear = false): Promise<string> {
  const app = Fastify();
  await app.register(fastifyCookie);
  app.get('/console/api/x', async (_request, reply) => {
    if (clear) clearSessionCookie(reply, { secure });
    else setSessionCookie(reply, 'token-1', { expiresAt: '2026-11-29T20:00:00.000Z', secure });
    return {};
  });
  const response = await app.inject({ method: 'GET', url: '/console/api/x' });
  await app.close();
  return String(response.headers['set-cookie']);
}

describe('the console session cookie', () => {
  it('is httpOnly, SameSite=Strict, limited to /console and expires with the session', async () => {
    expect(await cookieHeaderOf(false)).toBe(
      'visage_session=token-1; Path=/console; Expires=Sun, 29 Nov 2026 20:00:00 GMT; HttpOnly; SameSite=Strict',
    );
  });

  it('is Secure when the server is told that users come over HTTPS', async () => {
    expect(await cookieHeaderOf(true)).toMatch(/; Secure(;|$)/);
    expect(await cookieHeaderOf(true, true)).toMatch(/^visage_session=; .*Expires=Thu, 01 Jan 1970 .*; Secure/);
  });
});
