import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSignedIn } from '../auth/AuthProvider';
import { SyncIndicator } from '../sync/SyncIndicator';
import { LanguageSelect } from './LanguageSelect';

/** The areas of the app; all but the customers and their recalls are the owner's. */
export const sections = ['customers', 'recalls', 'staff', 'settings', 'backups', 'import', 'duplicates'] as const;
const staffSections = ['customers', 'recalls'] as const;
/** 'sync' is everyone's: opened from the header's sync indicator, not the owner's nav. */
export type Section = (typeof sections)[number] | 'sync';

type Props = {
  screenTitle: string;
  section: Section;
  onNavigate: (section: Section) => void;
  onSignOut: () => void;
};

// Memoised: the search box's state lives in App, and a keystroke must not draw the header again.
export const Header = memo(function Header({ screenTitle, section, onNavigate, onSignOut }: Props) {
  const { t } = useTranslation();
  const { staff, isOwner, lock } = useSignedIn();
  return (
    <header className="app-header">
      <span className="app-name">{t('app.name')}</span>
      <span className="screen-title" aria-live="polite">
        {screenTitle}
      </span>
      <SyncIndicator current={section === 'sync'} onOpen={() => onNavigate('sync')} />
      {/* Customers is everyone's way home (issue 12 item 10); the other areas are the owner's. */}
      <nav className="app-nav" aria-label={isOwner ? t('nav.label') : t('navAll.label')}>
        {(isOwner ? sections : staffSections).map((s) => (
          <button key={s} type="button" aria-current={s === section ? 'page' : undefined} onClick={() => onNavigate(s)}>
            {t(`nav.${s}`)}
          </button>
        ))}
      </nav>
      <span className="who" title={t('header.signedInAs', { name: staff.displayName, username: staff.username })}>
        <span className="who-name">{staff.displayName}</span>
        <span className="who-role">{t(`roles.${staff.role}`)}</span>
      </span>
      <button type="button" className="header-button" onClick={lock} title={t('header.lockHint')}>
        {t('header.lock')}
      </button>
      <button type="button" className="header-button" onClick={onSignOut}>
        {t('header.signOut')}
      </button>
      <LanguageSelect />
    </header>
  );
});
