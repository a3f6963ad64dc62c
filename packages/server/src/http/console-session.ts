import type {} from '@fastify/cookie';
import { actorOf, DomainError, type Session, type Sessions, type User } from '@visage/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rejectUnparsedBody } from './body-parsers.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on signed-in console routes once the session cookie (and, for writes, the CSRF token) held. */
    consoleSession?: SignedIn;
  }
}

export interface SignedIn {
  readonly user: User;
  readonly session: Session;
  /** The raw session token from the cookie. */
  readonly token: string;
}

export const sessionCookieName = 'visage_session';
export const csrfHeaderName = 'x-csrf-token';
/** The console UI and its API live under /console: the cookie goes nowhere else, /v1 included. */
const cookiePath = '/console';
const readOnlyMethods = new Set(['GET', 'HEAD']);

/**
 * Every route registered inside `scope` needs a live session cookie ('auth.required'), and a request that can change
 * something the session's CSRF token in X-CSRF-Token ('auth.csrf'). With `customersOnly`, operators (who belong to no
 * organisation) are refused ('auth.forbidden'). Runs before validation, so a stranger learns nothing from it.
 */
export function requireConsoleSession(
  scope: FastifyInstance,
  deps: { console: { sessions: Pick<Sessions, 'authenticate' | 'checkCsrf'> } },
  { customersOnly }: { customersOnly: boolean },
): void {
  scope.addHook('preValidation', async (request) => {
    const token = request.cookies[sessionCookieName];
    if (!token) throw new DomainError('auth.required');
    const { user, session } = await deps.console.sessions.authenticate(token);
    if (!readOnlyMethods.has(request.method)) {
      deps.console.sessions.checkCsrf(session, singleHeader(request.headers[csrfHeaderName]));
    }
    if (customersOnly && user.orgId === null) throw new DomainError('auth.forbidden');
    request.consoleSession = { user, session, token };
  });
  scope.addHook('preValidation', rejectUnparsedBody);
}

export function signedInOf(request: FastifyRequest): SignedIn {
  if (!request.consoleSession) throw new Error('route registered outside a signed-in console scope');
  return request.consoleSession;
}

/** The signed-in customer, their organisation and the actor their changes are audited under. */
export function customerOf(request: FastifyRequest): { user: User; orgId: string; actor: string } {
  const { user } = signedInOf(request);
  if (user.orgId === null) throw new DomainError('auth.forbidden');
  return { user, orgId: user.orgId, actor: actorOf(user) };
}

export function setSessionCookie(
  reply: FastifyReply,
  token: string,
  { expiresAt, secure }: { expiresAt: string; secure: boolean },
): void {
  reply.setCookie(sessionCookieName, token, {
    path: cookiePath,
    httpOnly: true,
    sameSite: 'strict',
    secure,
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(reply: FastifyReply, { secure }: { secure: boolean }): void {
  reply.clearCookie(sessionCookieName, { path: cookiePath, httpOnly: true, sameSite: 'strict', secure });
}

/** The User-Agent as the session list shows it, bounded so that a client cannot store kilobytes per sign-in. */
export function userAgentOf(request: FastifyRequest): string | null {
  return singleHeader(request.headers['user-agent'])?.slice(0, 512) ?? null;
}

// A repeated header is joined rather than picked from, so a second X-CSRF-Token can only make the check fail.
function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
