import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/errors';
import { useSetAutoLock } from './queries';
import { useSignedIn } from '../auth/AuthProvider';
import { Field } from '../components/Field';
import { LicencePanel } from '../licence/LicencePanel';
import { StoreProfileForm } from './StoreProfileForm';
import { RecoveryCodeSettings } from '../auth/RecoveryCodeSettings';
import { SyncSettingsSection } from '../sync/SyncSwitch';

export const AUTO_LOCK_MIN = 1;
export const AUTO_LOCK_MAX = 240;

/** The owner's settings: for now, how long the counter may stay idle before the screen locks. */
export function SettingsScreen({ onOpenSync }: { onOpenSync: () => void }) {
  const { t } = useTranslation();
  const { autoLockMinutes, setAutoLockMinutes } = useSignedIn();
  const save = useSetAutoLock();
  const [minutes, setMinutes] = useState(String(autoLockMinutes));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const titleId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const value = Number(minutes.trim());
    if (minutes.trim() === '' || !Number.isInteger(value) || value < AUTO_LOCK_MIN || value > AUTO_LOCK_MAX) {
      setError(t('settings.autoLock.range', { min: AUTO_LOCK_MIN, max: AUTO_LOCK_MAX }));
      return;
    }
    setError(null);
    try {
      const out = await save.mutateAsync(value);
      setAutoLockMinutes(out.autoLockMinutes);
      setMinutes(String(out.autoLockMinutes));
      setSaved(true);
    } catch (err) {
      setError(errorMessage(err, t));
    }
  };

  return (
    <section className="admin-screen" aria-labelledby={titleId}>
      <div className="admin-head">
        <h1 id={titleId}>{t('settings.title')}</h1>
      </div>
      <form className="admin-card" noValidate onSubmit={(e) => void submit(e)} aria-label={t('settings.autoLock.title')}>
        <h2>{t('settings.autoLock.title')}</h2>
        <p className="muted">{t('settings.autoLock.intro')}</p>
        <div className="settings-row">
          <Field
            className="narrow"
            type="number"
            inputMode="numeric"
            min={AUTO_LOCK_MIN}
            max={AUTO_LOCK_MAX}
            step={1}
            label={t('settings.autoLock.label')}
            value={minutes}
            onChange={(e) => {
              setMinutes(e.target.value);
              setSaved(false);
              setError(null);
            }}
            error={error}
            hint={t('settings.autoLock.hint', { min: AUTO_LOCK_MIN, max: AUTO_LOCK_MAX })}
          />
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? t('settings.saving') : t('settings.save')}
          </button>
          <span role="status" className="flash">
            {saved ? t('settings.autoLock.saved', { count: autoLockMinutes }) : ''}
          </span>
        </div>
      </form>
      <StoreProfileForm />
      {/* The signed-in owner's recovery code (issue 12 item 12). */}
      <RecoveryCodeSettings />
      <SyncSettingsSection onOpenSync={onOpenSync} />
      <LicencePanel />
    </section>
  );
}
