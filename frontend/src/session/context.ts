import { createContext, useContext } from 'react';
import type { MeQuery } from '../gql/graphql';

export type SessionUser = NonNullable<MeQuery['me']>;

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; expired: boolean }
  | { status: 'error'; error: unknown }
  | { status: 'authenticated'; user: SessionUser };

export interface Session {
  state: SessionState;
  /** `code`: the second factor's code, once the server asked for it. */
  login: (email: string, password: string, code?: string) => Promise<void>;
  logout: () => Promise<void>;
  reload: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export function useUser(): SessionUser {
  const { state } = useSession();
  if (state.status !== 'authenticated') throw new Error('useUser without a session');
  return state.user;
}

export function canCoordinate(user: SessionUser): boolean {
  return user.role === 'ADMIN' || user.role === 'COORDINATOR';
}
