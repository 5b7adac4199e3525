/**
 * The browser host's signed-in session: `auth.setupOwner` and `auth.login` hand out a token that every
 * later /api call carries in `x-opticounter-session`. It is kept for this tab in sessionStorage (a
 * reload stays signed in, a new tab signs in again) and dropped on sign-out, on `auth.required` and
 * after a backup restore (which ends every session).
 *
 * In Electron the session belongs to the window: main keeps it and the page holds nothing.
 */
export const SESSION_KEY = 'opticounter.session';
export { SESSION_HEADER } from '../../../shared/contract';

export interface SessionStore {
  get(): string | null;
  set(token: string | null): void;
}

/** sessionStorage, or the page's memory when storage is refused (privacy settings). */
export function browserSession(): SessionStore {
  let memory: string | null = null;
  return {
    get() {
      try {
        return sessionStorage.getItem(SESSION_KEY);
      } catch {
        return memory;
      }
    },
    set(token) {
      memory = token;
      try {
        if (token) sessionStorage.setItem(SESSION_KEY, token);
        else sessionStorage.removeItem(SESSION_KEY);
      } catch {
        // Kept in memory only: a reload will ask to sign in again.
      }
    },
  };
}
