import { type RefObject, useCallback, useEffect, useEffectEvent, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BackupsScreen } from './backups/BackupsScreen';
import { ImportScreen } from './import/ImportScreen';
import { SettingsScreen } from './settings/SettingsScreen';
import { StaffScreen } from './staff/StaffScreen';
import { useCustomer, useNobodyFound } from './customers/queries';
import { useSignedIn } from './auth/AuthProvider';
import { Footer } from './components/Footer';
import { Header, type Section } from './components/Header';
import { CustomerScreen, type LeaveGuard } from './customers/CustomerScreen';
import { SearchScreen } from './customers/SearchScreen';
import { emptySearchView, type SearchView } from './customers/searchView';
import { SyncScreen } from './sync/SyncScreen';
import { DuplicatesScreen } from './duplicates/DuplicatesScreen';
import { RecallsScreen } from './recalls/RecallsScreen';
import { UpdateBanner } from './update/UpdateBanner';
import { useWriteGate } from './licence/useWriteGate';
import { trackFocusInMain } from './components/focusReturn';
import { isSaveKey } from './components/useSaveShortcut';

/** A handful of screens is not worth a router: the current one is state. */
type Screen =
  | { name: 'search' }
  | { name: 'new'; n: number; prefill?: string | undefined }
  | { name: 'customer'; id: string; flash?: 'created' }
  // The owner's screens.
  | { name: 'staff' }
  | { name: 'settings' }
  | { name: 'backups' }
  | { name: 'import' }
  | { name: 'duplicates' }
  // Everyone's: the sync status, conflicts and parked changes (the settings are the owner's).
  | { name: 'sync' }
  // Everyone's: who to call back (issue 13 item 4).
  | { name: 'recalls' };

function sectionOf(screen: Screen): Section {
  return screen.name === 'staff' || screen.name === 'settings' || screen.name === 'backups' || screen.name === 'import' || screen.name === 'sync' || screen.name === 'duplicates' || screen.name === 'recalls' ? screen.name : 'customers';
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * The lock screen's sign-out and switch of user end this session too: they ask the same question
 * about unsaved changes. And where the person works is remembered, for dialogs to give the focus back.
 */
function useSessionGuardAndFocus(guarded: (action: () => void) => void, share: (guard: ((proceed: () => void) => void) | null) => void, mainRef: RefObject<HTMLElement | null>) {
  useEffect(() => {
    share(guarded);
    return () => share(null);
  }, [guarded, share]);
  useEffect(() => (mainRef.current ? trackFocusInMain(mainRef.current) : undefined), [mainRef]);
}

/** The header's title for a screen (a customer's by name), also the window's. */
function useScreenTitle(screen: Screen): string {
  const { t } = useTranslation();
  const detail = useCustomer(screen.name === 'customer' ? screen.id : null);
  const name = detail.data ? ` · ${detail.data.localData.firstName} ${detail.data.localData.lastName}` : '';
  const title = screen.name === 'search' ? t('screen.search') : screen.name === 'customer' ? `${t('screen.customer')}${name}` : t(`screen.${screen.name}`);
  useEffect(() => {
    document.title = `${title} — ${t('app.name')}`;
  }, [title, t]);
  return title;
}

export function App() {
  const { t } = useTranslation();
  const { isOwner, signOut, setLeaveGuard: shareLeaveGuard } = useSignedIn();
  const mainRef = useRef<HTMLElement>(null);
  const [screen, setScreen] = useState<Screen>({ name: 'search' });
  const [searchView, setSearchView] = useState<SearchView>(emptySearchView);
  const searchRef = useRef<HTMLInputElement>(null);
  const guardRef = useRef<LeaveGuard | null>(null);
  const setLeaveGuard = useCallback((guard: LeaveGuard | null) => {
    guardRef.current = guard;
  }, []);

  /** Something staff asked for that leaves the screen: the screen may ask to confirm first. */
  const guarded = useCallback((action: () => void) => {
    if (guardRef.current && !guardRef.current(action)) return;
    action();
  }, []);
  const goTo = useCallback((next: Screen) => guarded(() => setScreen(next)), [guarded]);
  const toSearch = useCallback(() => goTo({ name: 'search' }), [goTo]);
  // Right after a search that found nobody, the new customer starts from what was typed (issue 12).
  const nobodyFound = useNobodyFound();
  const toNew = useCallback(() => goTo({ name: 'new', n: Date.now(), prefill: nobodyFound(searchView.search) }), [goTo, nobodyFound, searchView.search]);
  // Read-only: Ctrl+N opens no form that could not be saved (the New customer button says why).
  const createGate = useWriteGate('customers.create');
  const open = useCallback((id: string) => goTo({ name: 'customer', id }), [goTo]);
  const navigate = useCallback((section: Section) => goTo(section === 'customers' ? { name: 'search' } : { name: section }), [goTo]);
  // Signing out with unsaved changes asks first, like leaving the screen.
  const onSignOut = useCallback(() => guarded(() => void signOut()), [guarded, signOut]);
  useSessionGuardAndFocus(guarded, shareLeaveGuard, mainRef);

  const onKeyDown = useEffectEvent((e: KeyboardEvent) => {
    // Saving is each form's own (useSaveShortcut); anywhere else, and behind a dialog, Ctrl+S is not
    // the browser's "save the page" (review 35: on the search, or while a customer loads).
    if (isSaveKey(e)) e.preventDefault();
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
      if (!createGate.disabled) toNew();
    } else if (e.key === 'Escape' && screen.name !== 'search') {
      e.preventDefault();
      toSearch();
    }
  });
  // Listening from the commit, not after the paint: a shortcut pressed as soon as the screen shows works.
  useLayoutEffect(() => {
    const listener = (e: KeyboardEvent) => onKeyDown(e);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const title = useScreenTitle(screen);

  return (
    <div className="app">
      <Header screenTitle={title} section={sectionOf(screen)} onNavigate={navigate} onSignOut={onSignOut} />
      <main className="app-main" ref={mainRef}>
        {screen.name === 'sync' ? (
          <SyncScreen onOpenCustomer={open} />
        ) : screen.name === 'recalls' ? (
          <RecallsScreen onOpenCustomer={open} />
        ) : screen.name === 'search' ? (
          <SearchScreen view={searchView} onViewChange={setSearchView} onOpen={open} onNew={toNew} inputRef={searchRef} />
        ) : screen.name === 'staff' || screen.name === 'settings' || screen.name === 'backups' || screen.name === 'import' || screen.name === 'duplicates' ? (
          // Hidden from staff in the header (the core refuses them anyway); an owner who just made
          // themselves staff is shown the way back.
          isOwner ? (
            screen.name === 'staff' ? (
              <StaffScreen />
            ) : screen.name === 'settings' ? (
              <SettingsScreen onOpenSync={() => navigate('sync')} />
            ) : screen.name === 'import' ? (
              <ImportScreen />
            ) : screen.name === 'duplicates' ? (
              <DuplicatesScreen onOpenCustomer={open} />
            ) : (
              <BackupsScreen />
            )
          ) : (
            <div className="screen-message" role="alert">
              <p>{t('errors.auth.forbidden')}</p>
              <button type="button" onClick={toSearch}>
                {t('form.back')}
              </button>
            </div>
          )
        ) : (
          <CustomerScreen
            key={screen.name === 'new' ? `new-${screen.n}` : screen.id}
            id={screen.name === 'new' ? null : screen.id}
            flash={screen.name === 'customer' ? screen.flash : undefined}
            prefill={screen.name === 'new' ? screen.prefill : undefined}
            onOpenCustomer={open}
            onCreated={(id) => setScreen({ name: 'customer', id, flash: 'created' })}
            onBack={toSearch}
            onDeleted={() => setScreen({ name: 'search' })}
            onOpenSync={() => navigate('sync')}
            setLeaveGuard={setLeaveGuard}
          />
        )}
      </main>
      {/* A customer's screen open = someone is being served: no update offer then. */}
      <UpdateBanner busy={screen.name === 'new' || screen.name === 'customer'} />
      <Footer />
    </div>
  );
}
