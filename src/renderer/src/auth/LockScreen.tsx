import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AppError } from '../../../shared/errors';
import { useCall } from '../api/context';
import { errorMessage, retryAfterSeconds } from '../api/errors';
import { Field } from '../components/Field';
import { ModalDialog } from '../components/ModalDialog';
import { useSignedIn } from './AuthProvider';
import { useCountdown } from './useCountdown';
import { FormError } from '../components/FormError';

/**
 * The locked screen: a modal over the counter screens, whose backdrop hides them (customers'
 * prescriptions are medical data) while they stay mounted, so a half-typed form is still there after
 * the PIN. Esc does not close it; only the PIN, or signing out, does.
 */
export function LockScreen() {
  const { t } = useTranslation();
  const call = useCall();
  const { staff, unlocked, signOut } = useSignedIn();
  const pinRef = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const whoId = useId();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const wait = useCountdown();


  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || wait.left > 0) return;
    if (!pin) {
      setError(t('lock.pinRequired'));
      pinRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      unlocked(await call('auth.unlock', { pin }));
    } catch (err) {
      setBusy(false);
      setPin('');
      if (err instanceof AppError && err.code === 'auth.rateLimited') wait.start(retryAfterSeconds(err));
      else if (err instanceof AppError && err.code === 'auth.invalidCredentials') setError(t('lock.wrongPin'));
      else if (err instanceof AppError && err.code === 'auth.noPin') setError(t('lock.noPin'));
      else setError(t('lock.error', { message: errorMessage(err, t) }));
      pinRef.current?.focus();
    }
  };

  const shownError = wait.left > 0 ? t('lock.rateLimited', { count: wait.left }) : error;

  return (
    <ModalDialog className="dialog lock-dialog" focusFirst={() => pinRef.current?.focus()} labelledBy={titleId} describedBy={whoId}>
      <form noValidate onSubmit={(e) => void submit(e)}>
        <svg className="lock-icon" viewBox="0 0 24 24" width="36" height="36" aria-hidden="true">
          <rect x="4.5" y="10.5" width="15" height="10" rx="2" fill="currentColor" />
          <path d="M8 10.5V7.5a4 4 0 0 1 8 0v3" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
        <h2 id={titleId}>{t('lock.title')}</h2>
        <p id={whoId} className="lock-who">
          {t('lock.signedInAs', { name: staff.displayName, username: staff.username })}
        </p>
        <FormError>{shownError}</FormError>
        {staff.hasPin ? (
          <>
            <Field
              ref={pinRef}
              className="lock-pin"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              maxLength={8}
              label={t('lock.pin')}
              value={pin}
              onChange={(e) => {
                setPin(e.target.value.replace(/\D/g, ''));
                setError(null);
              }}
            />
            <button type="submit" className="primary lock-unlock" disabled={busy || wait.left > 0}>
              {busy ? t('lock.unlocking') : t('lock.unlock')}
            </button>
          </>
        ) : (
          <p className="muted">{t('lock.noPin')}</p>
        )}
        <p className="lock-other">
          <button type="button" className="link" onClick={() => void signOut()}>
            {t('lock.signOut')}
          </button>
        </p>
      </form>
    </ModalDialog>
  );
}
