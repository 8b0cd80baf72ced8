import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { onRequestError, request } from '../lib/client';
import { SessionContext, type Session, type SessionState } from './context';
import { LoginMutation, LogoutMutation, MeQuery } from './operations';

async function fetchSession(): Promise<SessionState> {
  try {
    const { me } = await request(MeQuery);
    return me ? { status: 'authenticated', user: me } : { status: 'anonymous', expired: false };
  } catch (error) {
    return { status: 'error', error };
  }
}

let prefetched: Promise<SessionState> | null = null;

/** Starts asking who is logged in as soon as the app's code runs, before React's first paint:
 * every view waits for the answer. */
export function prefetchSession(): void {
  prefetched ??= fetchSession();
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    let cancelled = false;
    const session = prefetched ?? fetchSession();
    prefetched = null;
    void session.then((s) => {
      if (!cancelled) setState(s);
    });
    return () => {
      cancelled = true;
    };
  }, []);

  const reload = useCallback(async () => {
    setState({ status: 'loading' });
    setState(await fetchSession());
  }, []);

  // A request that comes back UNAUTHENTICATED means the session ended (expired, logged out
  // elsewhere): drop to the login page.
  useEffect(
    () =>
      onRequestError((e) => {
        if (e.hasCode('UNAUTHENTICATED')) {
          setState((s) => (s.status === 'authenticated' ? { status: 'anonymous', expired: true } : s));
        }
      }),
    [],
  );

  const login = useCallback(async (email: string, password: string, code?: string) => {
    const { login } = await request(LoginMutation, { email, password, code: code || null });
    setState({ status: 'authenticated', user: login.user });
  }, []);

  const logout = useCallback(async () => {
    try {
      await request(LogoutMutation);
    } finally {
      setState({ status: 'anonymous', expired: false });
    }
  }, []);

  const value = useMemo<Session>(() => ({ state, login, logout, reload }), [state, login, logout, reload]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
