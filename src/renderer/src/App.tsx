import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCustomer } from './api/queries';
import { Footer } from './components/Footer';
import { Header } from './components/Header';
import { CustomerScreen, type LeaveGuard } from './screens/CustomerScreen';
import { SearchScreen } from './screens/SearchScreen';

/** Three screens are not worth a router: the current one is state. */
type Screen = { name: 'search' } | { name: 'new'; n: number } | { name: 'customer'; id: string; flash?: 'created' };

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function App() {
  const { t } = useTranslation();
  const [screen, setScreen] = useState<Screen>({ name: 'search' });
  const [search, setSearch] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);
  const guardRef = useRef<LeaveGuard | null>(null);
  const setLeaveGuard = useCallback((guard: LeaveGuard | null) => {
    guardRef.current = guard;
  }, []);

  /** Navigation that staff asked for: the screen being left may ask to confirm first. */
  const goTo = useCallback((next: Screen) => {
    const proceed = () => setScreen(next);
    if (guardRef.current && !guardRef.current(proceed)) return;
    proceed();
  }, []);
  const toSearch = useCallback(() => goTo({ name: 'search' }), [goTo]);
  const toNew = useCallback(() => goTo({ name: 'new', n: Date.now() }), [goTo]);
  const open = useCallback((id: string) => goTo({ name: 'customer', id }), [goTo]);

  const onKeyDown = useEffectEvent((e: KeyboardEvent) => {
    // An open dialog owns the keyboard (the browser closes it on Esc).
    if (e.defaultPrevented || e.isComposing || document.querySelector('dialog[open]')) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if ((mod && !e.altKey && key === 'k') || (e.key === '/' && !mod && !e.altKey && !isEditable(e.target))) {
      e.preventDefault();
      if (screen.name === 'search') {
        searchRef.current?.focus();
        searchRef.current?.select();
      } else {
        toSearch();
      }
    } else if (mod && !e.altKey && !e.shiftKey && key === 'n') {
      e.preventDefault();
      toNew();
    } else if (e.key === 'Escape' && screen.name !== 'search') {
      e.preventDefault();
      toSearch();
    }
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKeyDown(e);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const detail = useCustomer(screen.name === 'customer' ? screen.id : null);
  const title =
    screen.name === 'search'
      ? t('screen.search')
      : screen.name === 'new'
        ? t('screen.new')
        : detail.data
          ? `${t('screen.customer')} · ${detail.data.localData.firstName} ${detail.data.localData.lastName}`
          : t('screen.customer');

  useEffect(() => {
    document.title = `${title} — ${t('app.name')}`;
  }, [title, t]);

  return (
    <div className="app">
      <Header screenTitle={title} />
      <main className="app-main">
        {screen.name === 'search' ? (
          <SearchScreen search={search} onSearchChange={setSearch} onOpen={open} onNew={toNew} inputRef={searchRef} />
        ) : (
          <CustomerScreen
            key={screen.name === 'new' ? `new-${screen.n}` : screen.id}
            id={screen.name === 'new' ? null : screen.id}
            flash={screen.name === 'customer' ? screen.flash : undefined}
            onCreated={(id) => setScreen({ name: 'customer', id, flash: 'created' })}
            onBack={toSearch}
            onDeleted={() => setScreen({ name: 'search' })}
            setLeaveGuard={setLeaveGuard}
          />
        )}
      </main>
      <Footer />
    </div>
  );
}
