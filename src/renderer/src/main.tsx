import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useTranslation } from 'react-i18next';
import { createClient, httpTransport, ipcTransport, type Transport } from './api/client';
import { ApiProvider } from './api/context';
import { httpEvents, ipcEvents } from './api/events';
import { createQueryClient } from './api/queryClient';
import { browserSession, type SessionStore } from './api/session';
import { AuthGate } from './auth/AuthGate';
import { AuthProvider } from './auth/AuthProvider';
import { createAuthSignals, signalOf } from './auth/signals';
import { LicenceGate } from './licence/LicenceGate';
import './i18n';
import './styles.css';
import { licenceKeys } from './licence/queries';

const TOKEN_KEY = 'opticounter.hostToken';

/**
 * In Electron the preload exposes `window.api`, and main keeps the window's session. In a plain
 * browser we talk to the browser host over HTTP with the token it printed: it arrives once in the
 * address (`#token=…`), is kept for this tab in sessionStorage (a reload still works) and is taken
 * out of the address bar and history; the signed-in session's token is kept beside it.
 */
const session: SessionStore | null = window.api ? null : browserSession();

function pickTransport(): Transport | null {
  if (window.api) return ipcTransport(window.api);
  if (!session) return null;
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    // Another host (or the same one restarted) does not know this tab's session.
    if (fromHash !== sessionStorage.getItem(TOKEN_KEY)) session.set(null);
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  const token = fromHash ?? sessionStorage.getItem(TOKEN_KEY);
  return token ? httpTransport(location.origin, token, session) : null;
}

function NoToken() {
  const { t } = useTranslation();
  return (
    <main className="no-token" role="alert">
      <h1>{t('app.noToken.title')}</h1>
      <p>{t('app.noToken.body')}</p>
      <p className="hint">{t('app.noToken.hint')}</p>
    </main>
  );
}

const transport = pickTransport();
// Main's "the sync status changed" events, over the same way in as the calls.
const hostToken = window.api ? null : sessionStorage.getItem(TOKEN_KEY);
const events = window.appEvents ? ipcEvents(window.appEvents) : hostToken ? httpEvents(location.origin, hostToken) : null;
const root = createRoot(document.getElementById('root') as HTMLElement);

if (!transport) {
  root.render(
    <StrictMode>
      <NoToken />
    </StrictMode>,
  );
} else {
  const queryClient = createQueryClient();
  // Any answer may say the session is gone or locked, whichever screen asked.
  const signals = createAuthSignals();
  const call = createClient(transport, {
    onError: (error) => {
      const signal = signalOf(error.code);
      if (signal) signals.emit(signal);
      // Refused for want of a licence: the page's licence status is out of date (revoked, expired
      // meanwhile); read it again so the write buttons say why.
      if (error.code === 'licence.required') void queryClient.invalidateQueries({ queryKey: licenceKeys.status });
    },
  });
  const forgetSession = () => session?.set(null);
  root.render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <ApiProvider call={call} events={events}>
          {/* Not licensed: the activation screen comes first (and lets staff go on, read-only). */}
          <LicenceGate>
            <AuthProvider signals={signals} forgetSession={forgetSession}>
              <AuthGate />
            </AuthProvider>
          </LicenceGate>
        </ApiProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
