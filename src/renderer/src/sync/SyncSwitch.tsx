import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../../shared/sync/schema';
import { errorMessage } from '../api/errors';
import { useSetSyncEnabled, useSyncStatus } from './queries';

/**
 * The owner's switch: sync off (nothing sent or asked; changes wait here) or on again. Shown on the
 * sync screen and in Settings, once sync is set up.
 */
export function SyncSwitch({ status }: { status: SyncStatus }) {
  const { t } = useTranslation();
  const setEnabled = useSetSyncEnabled();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const headingId = useId();
  const off = status.state === 'off';

  const toggle = async () => {
    setMessage(null);
    try {
      const out = await setEnabled.mutateAsync({ enabled: off });
      setMessage({ ok: true, text: out.state === 'off' ? t('sync.switch.turnedOff') : t('sync.switch.turnedOn') });
    } catch (err) {
      setMessage({ ok: false, text: errorMessage(err, t) });
    }
  };

  return (
    <section className="admin-card sync-switch" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('sync.switch.title')}</h2>
      <p className="muted">{off ? t('sync.switch.offIntro') : t('sync.switch.onIntro')}</p>
      <div className="sync-actions">
        <button type="button" className={off ? 'primary' : undefined} disabled={setEnabled.isPending} onClick={() => void toggle()}>
          {setEnabled.isPending ? (off ? t('sync.switch.turningOn') : t('sync.switch.turningOff')) : off ? t('sync.switch.turnOn') : t('sync.switch.turnOff')}
        </button>
        <span role="status" className={message?.ok === false ? 'form-error' : 'flash'}>
          {message?.text ?? ''}
        </span>
      </div>
    </section>
  );
}

/** Settings' way to sync: where it stands, the switch, and the way to its setup on the sync screen. */
export function SyncSettingsSection({ onOpenSync }: { onOpenSync: () => void }) {
  const { t } = useTranslation();
  const status = useSyncStatus();
  const headingId = useId();
  const s = status.data;
  const setUp = s !== undefined && s.state !== 'disabled';
  return (
    <>
      <section className="admin-card sync-settings-link" aria-labelledby={headingId}>
        <h2 id={headingId}>{t('sync.settingsSection.title')}</h2>
        <p className="muted">{s ? (setUp ? t('sync.settingsSection.state', { state: t(`sync.state.${s.state}`) }) : t('sync.settingsSection.notSetUp')) : null}</p>
        <button type="button" onClick={onOpenSync}>
          {setUp ? t('sync.settingsSection.open') : t('sync.settingsSection.setUp')}
        </button>
      </section>
      {s && setUp ? <SyncSwitch status={s} /> : null}
    </>
  );
}
