import { App } from '../App';
import { useAuthState, type AuthState } from './AuthProvider';
import { Loading, SetupScreen, SignInScreen, Unreachable } from './AuthScreens';
import { LockScreen } from './LockScreen';

/** The counter screens once someone is signed in (the lock screen over them when locked); else the way in. */
export function AuthGate() {
  const state = useAuthState();
  if (state.phase !== 'in') return <AuthScreensFor state={state} />;
  return (
    <>
      {/* A new sign-in starts the counter screens afresh; a lock keeps them as they are. */}
      <App key={state.n} />
      {state.locked ? <LockScreen /> : null}
    </>
  );
}

function AuthScreensFor({ state }: { state: Exclude<AuthState, { phase: 'in' }> }) {
  switch (state.phase) {
    case 'loading':
      return <Loading />;
    case 'unreachable':
      return <Unreachable error={state.error} />;
    case 'setup':
      return <SetupScreen />;
    case 'signIn':
      return <SignInScreen notice={state.notice} />;
  }
}
