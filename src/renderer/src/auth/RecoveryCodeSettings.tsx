import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AppError } from '../../../shared/errors';
import { useCall } from '../api/context';
import { errorMessage, retryAfterSeconds } from '../api/errors';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { useSignedIn } from './AuthProvider';
import { RecoveryCodeCard } from './RecoveryCode';
import { useCountdown } from './useCountdown';

/**
 * The owner's recovery code in Settings: an owner of a store made before codes existed has none and
 * makes one here; any owner can replace theirs (the old one stops working). Their password first, so
 * an unattended open session cannot hand the store to someone else.
 */
export function RecoveryCodeSettings() {
  const { t } = useTranslation();
  const call = useCall();
  const { staff, hasRecoveryCode, refresh } = useSignedIn();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [code, setCode] = useState<string | null>(null);
  const wait = useCountdown();
  const titleId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || wait.left > 0) return;
    if (!password) return setError(t('account.errors.passwordRequired'));
    setBusy(true);
    setError(null);
    try {
      setCode((await call('auth.newRecoveryCode', { password })).recoveryCode);
      setPassword('');
    } catch (err) {
      if (err instanceof AppError && err.code === 'auth.rateLimited') wait.start(retryAfterSeconds(err));
      else if (err instanceof AppError && err.code === 'auth.invalidCredentials') setError(t('recovery.settings.wrongPassword'));
      else setError(errorMessage(err, t));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  if (code) {
    return (
      <div className="admin-card">
        <RecoveryCodeCard
          code={code}
          username={staff.username}
          heading="h2"
          title={t('recovery.shown.title')}
          doneLabel={t('recovery.shown.done')}
          onDone={() => {
            setCode(null);
            void refresh();
          }}
        />
      </div>
    );
  }

  return (
    <form className="admin-card" noValidate onSubmit={(e) => void submit(e)} aria-labelledby={titleId}>
      <h2 id={titleId}>{t('recovery.settings.title')}</h2>
      {hasRecoveryCode ? <p className="muted">{t('recovery.settings.has')}</p> : <p className="recovery-missing">{t('recovery.settings.missing')}</p>}
      <FormError>{wait.left > 0 ? t('signIn.rateLimited', { count: wait.left }) : null}</FormError>
      <div className="settings-row">
        <Field type="password" label={t('recovery.settings.password')} value={password} onChange={(e) => setPassword(e.target.value)} error={error} autoComplete="current-password" />
        <button type="submit" className={hasRecoveryCode ? undefined : 'primary'} disabled={busy || wait.left > 0}>
          {hasRecoveryCode ? t('recovery.settings.replace') : t('recovery.settings.make')}
        </button>
      </div>
    </form>
  );
}
