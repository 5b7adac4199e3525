/**
 * What the client hears about the session in any answer, wherever the call was made: `required`
 * (the session is gone: sign in again) and `locked` (the core locked it: show the lock screen).
 */
export type AuthSignal = 'required' | 'locked';
type Listener = (signal: AuthSignal) => void;

export type AuthSignals = {
  emit(signal: AuthSignal): void;
  subscribe(listener: Listener): () => void;
};

export function createAuthSignals(): AuthSignals {
  const listeners = new Set<Listener>();
  return {
    emit(signal) {
      for (const listener of listeners) listener(signal);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** The signal an error code carries, if any. */
export function signalOf(code: string): AuthSignal | null {
  if (code === 'auth.required') return 'required';
  if (code === 'auth.locked') return 'locked';
  return null;
}
