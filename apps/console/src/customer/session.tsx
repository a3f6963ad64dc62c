import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, api, authRequiredEvent, setCsrfToken } from '../api/client';
import type { Session } from '../api/types';

interface SessionState {
  /** undefined while loading, null when signed out. */
  readonly session: Session | null | undefined;
  readonly signedIn: (session: Session) => void;
  /** Ends the session on the server and forgets it here; the sign-in page then shows signIn.notices.<notice>. */
  readonly signOut: (notice?: string) => Promise<void>;
  /** Forgets the session here (the server already ended it); the sign-in page shows signIn.notices.<notice>. */
  readonly forget: (notice?: string) => void;
  /** Why the session ended, for the sign-in page. */
  readonly notice: string | undefined;
  readonly refresh: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const refresh = useCallback(async () => {
    try {
      const current = await api<Session>('GET', '/console/api/session');
      setCsrfToken('console', current.csrf_token);
      setSession(current);
    } catch (error) {
      if (error instanceof ApiError && error.status !== 0) {
        setCsrfToken('console', null);
        setSession(null);
      } else {
        setSession(null);
      }
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  useEffect(() => {
    const ended = (event: Event) => {
      if ((event as CustomEvent<string>).detail !== 'console') return;
      setCsrfToken('console', null);
      setSession(null);
    };
    window.addEventListener(authRequiredEvent, ended);
    return () => window.removeEventListener(authRequiredEvent, ended);
  }, []);
  const signedIn = useCallback((next: Session) => {
    setCsrfToken('console', next.csrf_token);
    setNotice(undefined);
    setSession(next);
  }, []);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const forget = useCallback((why?: string) => {
    setCsrfToken('console', null);
    setNotice(why);
    setSession(null);
  }, []);
  const signOut = useCallback(
    async (why?: string) => {
      try {
        await api('DELETE', '/console/api/session');
      } catch {
        // signed out here anyway
      }
      forget(why);
    },
    [forget],
  );
  return (
    <SessionContext.Provider value={{ session, signedIn, signOut, forget, notice, refresh }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
