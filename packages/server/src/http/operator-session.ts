import type {} from '@fastify/cookie';
import {
  actorOf,
  DomainError,
  isOperatorRole,
  operatorMay,
  type OperatorPermission,
  type OperatorRole,
  type Session,
  type Sessions,
  type User,
} from '@visage/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rejectUnparsedBody } from './body-parsers.js';
import { csrfHeaderName } from './console-session.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on signed-in admin routes once the operator's cookie (and, for writes, the CSRF token) held. */
    operatorSession?: SignedInOperator;
  }
}

export interface SignedInOperator {
  readonly user: User & { readonly role: OperatorRole };
  readonly session: Session;
  /** The raw session token from the cookie. */
  readonly token: string;
}

export const operatorCookieName = 'visage_admin_session';
/** The admin UI and its API live under /admin: the operator's cookie goes nowhere else, /console included. */
const cookiePath = '/admin';
const readOnlyMethods = new Set(['GET', 'HEAD']);

/** True for an operator: no organisation, and one of the operator roles. */
export function isOperator(user: User): user is User & { readonly role: OperatorRole } {
  return user.orgId === null && isOperatorRole(user.role);
}

/**
 * Every route registered inside `scope` needs a live operator session cookie ('auth.required'); a customer's session
 * is refused ('auth.forbidden'); a request that can change something needs the session's CSRF token in X-CSRF-Token
 * ('auth.csrf'). Runs before validation, so a stranger learns nothing from it. Each route then names the permission it
 * needs with `allow(permission)`.
 */
export function requireOperatorSession(
  scope: FastifyInstance,
  deps: { admin: { sessions: Pick<Sessions, 'authenticate' | 'checkCsrf'> } },
): void {
  scope.addHook('preValidation', async (request) => {
    const token = request.cookies[operatorCookieName];
    if (!token) throw new DomainError('auth.required');
    const { user, session } = await deps.admin.sessions.authenticate(token);
    if (!readOnlyMethods.has(request.method)) {
      deps.admin.sessions.checkCsrf(session, singleHeader(request.headers[csrfHeaderName]));
    }
    if (!isOperator(user)) throw new DomainError('auth.forbidden');
    request.operatorSession = { user, session, token };
  });
  scope.addHook('preValidation', rejectUnparsedBody);
}

/** A route's preHandler: 'auth.forbidden' unless the signed-in operator's role has `permission`. */
export function allow(permission: OperatorPermission): (request: FastifyRequest) => Promise<void> {
  return async function allowed(request: FastifyRequest): Promise<void> {
    const { user } = signedInOperatorOf(request);
    if (!operatorMay(user.role, permission)) throw new DomainError('auth.forbidden', { permission });
  };
}

export function signedInOperatorOf(request: FastifyRequest): SignedInOperator {
  if (!request.operatorSession) throw new Error('route registered outside a signed-in admin scope');
  return request.operatorSession;
}

/** The signed-in operator and the actor their actions are audited under (`operator:<username>`). */
export function operatorOf(request: FastifyRequest): { user: SignedInOperator['user']; actor: string } {
  const { user } = signedInOperatorOf(request);
  return { user, actor: actorOf(user) };
}

export function setOperatorCookie(
  reply: FastifyReply,
  token: string,
  { expiresAt, secure }: { expiresAt: string; secure: boolean },
): void {
  reply.setCookie(operatorCookieName, token, {
    path: cookiePath,
    httpOnly: true,
    sameSite: 'strict',
    secure,
    expires: new Date(expiresAt),
  });
}

export function clearOperatorCookie(reply: FastifyReply, { secure }: { secure: boolean }): void {
  reply.clearCookie(operatorCookieName, { path: cookiePath, httpOnly: true, sameSite: 'strict', secure });
}

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
