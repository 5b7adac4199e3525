import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useTranslation } from 'react-i18next';
import { createClient, httpTransport, ipcTransport, type Transport } from './api/client';
import { ApiProvider } from './api/context';
import { createQueryClient } from './api/queries';
import { App } from './App';
import './i18n';
import './styles.css';

const TOKEN_KEY = 'opticounter.hostToken';

/**
 * In Electron the preload exposes `window.api`. In a plain browser we talk to the browser host over
 * HTTP with the token it printed: it arrives once in the address (`#token=…`), is kept for this tab
 * in sessionStorage (a reload still works) and is taken out of the address bar and history.
 */
function pickTransport(): Transport | null {
  if (window.api) return ipcTransport(window.api);
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  const token = fromHash ?? sessionStorage.getItem(TOKEN_KEY);
  return token ? httpTransport(location.origin, token) : null;
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
const root = createRoot(document.getElementById('root') as HTMLElement);

if (!transport) {
  root.render(
    <StrictMode>
      <NoToken />
    </StrictMode>,
  );
} else {
  const queryClient = createQueryClient();
  root.render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <ApiProvider call={createClient(transport)}>
          <App />
        </ApiProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
