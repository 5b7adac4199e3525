import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type Dispatch, type ReactNode, type SetStateAction } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { Call } from '../api/client';
import { useCall } from '../api/context';
import type { AuthSignals } from './signals';

export type Me = ChannelOutput<'auth.me'>;
export type StaffMember = Me['staff'];

/** Why the sign-in screen is shown, when it is not the first visit. */
export type SignInNotice = { kind: 'ended' } | { kind: 'signedOut' } | { kind: 'restored'; backupCreatedAt: string };

export type AuthState =
  | { phase: 'loading' }
  | { phase: 'unreachable'; error: unknown }
  | { phase: 'setup' }
  | { phase: 'signIn'; notice: SignInNotice | null }
  /** `n` counts sign-ins: the counter screens start afresh for each one. */
  | { phase: 'in'; me: Me; locked: boolean; n: number };

type Where = Exclude<AuthState, { phase: 'loading' | 'in' }> | { phase: 'in'; me: Me };

/** Where we stand: no owner yet, signed out, or signed in (possibly locked), or no core to ask. */
async function whereWeStand(call: Call): Promise<Where> {
  try {
    const status = await call('auth.status', {});
    if (!status.ownerExists) return { phase: 'setup' };
    if (!status.signedIn) return { phase: 'signIn', notice: null };
    return { phase: 'in', me: await call('auth.me', {}) };
  } catch (error) {
    if (error instanceof AppError && error.code === 'auth.required') return { phase: 'signIn', notice: null };
    return { phase: 'unreachable', error };
  }
}

type Actions = {
  /** Asks the core again where we stand (first start, a retry after the host was unreachable). */
  start(): Promise<void>;
  /** After auth.setupOwner, auth.login, auth.recover or auth.switchUser answered. */
  signedIn(): Promise<void>;
  lock(): void;
  unlocked(me: Me): void;
  signOut(): Promise<void>;
  /** The session is over without signing out (a restore): back to the sign-in screen. */
  endSession(notice: SignInNotice): void;
  setAutoLockMinutes(minutes: number): void;
  /** Reads the signed-in account again (after the owner edited their own). */
  refresh(): Promise<void>;
  /** The setup screen found an owner already there (set up from another tab). */
  ownerExists(): void;
  /** The counter screens' question before leaving them (unsaved changes), for the lock screen's ways out. */
  setLeaveGuard(guard: ((proceed: () => void) => void) | null): void;
  /** Runs `proceed` once the counter screens agree to be left (at once when nothing is unsaved). */
  guarded(proceed: () => void): void;
};

const StateContext = createContext<AuthState | null>(null);
const ActionsContext = createContext<Actions | null>(null);

/** How often the page asks the core whether the session is still open and unlocked. */
export const ME_POLL_MS = 30_000;
/** How often the page checks for the staff's own idleness (no key, click, touch or mouse move). */
const IDLE_CHECK_MS = 5_000;
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

type Props = {
  signals: AuthSignals;
  /** Drops the session the page holds (browser host); nothing to do in Electron. */
  forgetSession: () => void;
  children: ReactNode;
};

/**
 * The core locks a session idle too long; asking it now and then shows the lock screen without
 * waiting for the next click. auth.me does not count as activity.
 */
function useMePoll(phaseIn: boolean, call: Call, setState: Dispatch<SetStateAction<AuthState>>) {
  useEffect(() => {
    if (!phaseIn) return;
    const timer = setInterval(() => {
      call('auth.me', {}).then(
        // A poll may lock the screen, never unlock it: only the PIN does.
        (me) => setState((s) => (s.phase === 'in' ? { ...s, me, locked: s.locked || me.locked } : s)),
        () => undefined, // auth.required / auth.locked arrive as signals; a dropped connection is retried next time
      );
    }, ME_POLL_MS);
    return () => clearInterval(timer);
  }, [phaseIn, call, setState]);
}

/**
 * The staff's own idleness: no input for the auto-lock delay locks the screen, even while the page
 * keeps talking to the core (a search refreshing does not mean someone is there). `minutes` null: off.
 */
function useIdleLock(minutes: number | null, lock: () => void) {
  useEffect(() => {
    if (minutes === null) return;
    let last = Date.now();
    const active = () => {
      last = Date.now();
    };
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, active, { capture: true, passive: true });
    const timer = setInterval(() => {
      if (Date.now() - last >= minutes * 60_000) lock();
    }, IDLE_CHECK_MS);
    return () => {
      clearInterval(timer);
      for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, active, { capture: true });
    };
  }, [minutes, lock]);
}

/** The counter screens' question before they are left, held for the lock screen (outside them). */
function useLeaveGuardSlot(): Pick<Actions, 'setLeaveGuard' | 'guarded'> {
  const slot = useRef<((proceed: () => void) => void) | null>(null);
  return useMemo(
    () => ({
      setLeaveGuard(guard) {
        slot.current = guard;
      },
      guarded(proceed) {
        if (slot.current) slot.current(proceed);
        else proceed();
      },
    }),
    [],
  );
}

/**
 * Who is at the counter: the first-start owner setup, sign-in, the signed-in staff member, and the
 * screen lock. The lock comes from three places: the Lock button, the page's own idle timer (no
 * input for the auto-lock delay), and the core (any `auth.locked` answer, or `auth.me`, polled).
 * Locking never unmounts the screens, so a half-typed form is still there after the PIN.
 */
export function AuthProvider({ signals, forgetSession, children }: Props) {
  const call = useCall();
  const qc = useQueryClient();
  const [state, setState] = useState<AuthState>({ phase: 'loading' });
  const signIns = useRef(0);
  const leaveGuard = useLeaveGuardSlot();

  const enter = useCallback((me: Me) => {
    signIns.current += 1;
    setState({ phase: 'in', me, locked: me.locked, n: signIns.current });
  }, []);

  const show = useCallback(
    (where: Where) => {
      if (where.phase === 'in') enter(where.me);
      else setState(where);
    },
    [enter],
  );

  useEffect(() => {
    let live = true;
    void whereWeStand(call).then((where) => {
      if (live) show(where);
    });
    return () => {
      live = false;
    };
  }, [call, show]);

  const start = useCallback(async () => {
    setState({ phase: 'loading' });
    show(await whereWeStand(call));
  }, [call, show]);

  // Nothing of one person's session stays in memory for the next one.
  const outside = state.phase !== 'in';
  useEffect(() => {
    if (outside) qc.clear();
  }, [outside, qc]);

  useEffect(
    () =>
      signals.subscribe((signal) => {
        if (signal === 'locked') setState((s) => (s.phase === 'in' && !s.locked ? { ...s, locked: true } : s));
        else setState((s) => (s.phase === 'in' ? { phase: 'signIn', notice: { kind: 'ended' } } : s));
      }),
    [signals],
  );

  const phaseIn = state.phase === 'in';
  const locked = state.phase === 'in' && state.locked;
  const autoLockMinutes = state.phase === 'in' ? state.me.autoLockMinutes : null;

  useMePoll(phaseIn, call, setState);

  const lock = useCallback(() => {
    setState((s) => (s.phase === 'in' && !s.locked ? { ...s, locked: true } : s));
    // The screen is locked at once; the core is told so a call from elsewhere is refused too.
    call('auth.lock', {}).catch(() => undefined);
  }, [call]);

  useIdleLock(phaseIn && !locked ? autoLockMinutes : null, lock);

  const actions = useMemo<Actions>(
    () => ({
      start,
      async signedIn() {
        // A colleague taking over a locked screen: nothing of the previous session stays for them.
        qc.clear();
        try {
          enter(await call('auth.me', {}));
        } catch (error) {
          setState({ phase: 'unreachable', error });
        }
      },
      lock,
      unlocked(me) {
        setState((s) => (s.phase === 'in' ? { ...s, me, locked: false } : s));
        // What failed while the screen was locked is asked again.
        void qc.invalidateQueries({ predicate: (q) => q.state.status === 'error' });
      },
      async signOut() {
        // The screens go first, so nothing they would still ask for races the sign-out.
        setState({ phase: 'signIn', notice: { kind: 'signedOut' } });
        // The transport forgets the session once the core has closed it; if the core could not be
        // told, the page forgets it anyway.
        await call('auth.logout', {}).catch(() => forgetSession());
      },
      endSession(notice) {
        forgetSession();
        setState({ phase: 'signIn', notice });
      },
      setAutoLockMinutes(minutes) {
        setState((s) => (s.phase === 'in' ? { ...s, me: { ...s.me, autoLockMinutes: minutes } } : s));
      },
      ownerExists() {
        setState({ phase: 'signIn', notice: null });
      },
      ...leaveGuard,

      async refresh() {
        const me = await call('auth.me', {}).catch(() => null);
        if (me) setState((s) => (s.phase === 'in' ? { ...s, me, locked: s.locked || me.locked } : s));
      },
    }),
    [start, enter, call, lock, qc, forgetSession, leaveGuard],
  );

  return (
    <ActionsContext.Provider value={actions}>
      <StateContext.Provider value={state}>{children}</StateContext.Provider>
    </ActionsContext.Provider>
  );
}

export function useAuthState(): AuthState {
  const state = useContext(StateContext);
  if (!state) throw new Error('useAuthState outside <AuthProvider>');
  return state;
}

export function useAuthActions(): Actions {
  const actions = useContext(ActionsContext);
  if (!actions) throw new Error('useAuthActions outside <AuthProvider>');
  return actions;
}

/** The signed-in staff member, for the counter screens (rendered only once signed in). */
export function useSignedIn() {
  const state = useAuthState();
  const actions = useAuthActions();
  if (state.phase !== 'in') throw new Error('useSignedIn outside a signed-in session');
  return {
    staff: state.me.staff,
    isOwner: state.me.staff.role === 'owner',
    autoLockMinutes: state.me.autoLockMinutes,
    hasRecoveryCode: state.me.hasRecoveryCode,
    locked: state.locked,
    ...actions,
  };
}
