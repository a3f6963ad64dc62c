import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, api, setCsrfToken } from '../api/client';
import type { AdminSession } from './types';

/** The operator permissions the console knows (core's operatorPermissions). */
export type Permission =
  | 'dashboard.read'
  | 'customers.read'
  | 'customers.standing'
  | 'certification.review'
  | 'sanctions.manage'
  | 'finance.topups'
  | 'finance.bonus'
  | 'finance.ledger'
  | 'prices.manage'
  | 'agreements.manage'
  | 'announcements.send'
  | 'complaints.handle'
  | 'mail.read'
  | 'audit.read'
  | 'operators.manage';

interface AdminSessionState {
  /** undefined while loading, null when signed out. */
  readonly session: AdminSession | null | undefined;
  readonly signedIn: (session: AdminSession) => void;
  readonly signOut: () => Promise<void>;
  /** The API said the session is gone ('auth.required'): forget it here too. */
  readonly expired: () => void;
  /** Whether the signed-in operator's role has this permission (the API checks it again). */
  readonly can: (permission: Permission) => boolean;
}

const Context = createContext<AdminSessionState | null>(null);

export function AdminSessionProvider({ children }: { readonly children: ReactNode }) {
  const [session, setSession] = useState<AdminSession | null | undefined>(undefined);
  useEffect(() => {
    let current = true;
    api<AdminSession>('GET', '/admin/api/session').then(
      (value) => {
        if (!current) return;
        setCsrfToken('admin', value.csrf_token);
        setSession(value);
      },
      (error: unknown) => {
        if (!current) return;
        if (error instanceof ApiError) setCsrfToken('admin', null);
        setSession(null);
      },
    );
    return () => {
      current = false;
    };
  }, []);
  const signedIn = useCallback((next: AdminSession) => {
    setCsrfToken('admin', next.csrf_token);
    setSession(next);
  }, []);
  const signOut = useCallback(async () => {
    try {
      await api('DELETE', '/admin/api/session');
    } catch {
      // signed out here anyway; the cookie expires on its own
    } finally {
      setCsrfToken('admin', null);
      setSession(null);
    }
  }, []);
  const expired = useCallback(() => {
    setCsrfToken('admin', null);
    setSession(null);
  }, []);
  const can = useCallback(
    (permission: Permission) => Boolean(session && session.permissions.includes(permission)),
    [session],
  );
  return <Context.Provider value={{ session, signedIn, signOut, expired, can }}>{children}</Context.Provider>;
}

export function useAdminSession(): AdminSessionState {
  const state = useContext(Context);
  if (!state) throw new Error('useAdminSession outside AdminSessionProvider');
  return state;
}
