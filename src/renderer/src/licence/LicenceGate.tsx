import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLicenceStatus } from './queries';
import { AuthFrame, Loading } from '../auth/AuthScreens';
import { ActivationForm } from './ActivationForm';
import { needsActivation, reasonText, type LicenceStatus } from './text';
import { StatusLine } from '../components/StatusLine';

/**
 * Before anything else: when the install is not licensed (trial over, expired, revoked, invalid) the
 * activation screen comes first. It always lets staff go on to a read-only counter — the app never
 * holds a store's data hostage; the core refuses the changes (`licence.required`) whatever the screen.
 * Once past it, the counter stays up: a licence that lapses meanwhile shows in the footer instead.
 */
export function LicenceGate({ children }: { children: ReactNode }) {
  const status = useLicenceStatus();
  const [passed, setPassed] = useState(false);
  // Passing is for good (the sign-in screens clear the query cache, which must not bring this back).
  // The core cannot be asked: the sign-in screens say so (and retry) as they always did.
  const through = passed || status.isError || (status.data !== undefined && !needsActivation(status.data));
  if (through && !passed) setPassed(true);
  if (through) return <>{children}</>;
  if (status.isPending || status.isError) return <Loading />;
  return <ActivationScreen status={status.data} onContinue={() => setPassed(true)} />;
}

export function ActivationScreen({ status, onContinue }: { status: LicenceStatus; onContinue: () => void }) {
  const { t, i18n } = useTranslation();
  const reason = reasonText(status, t, i18n.language);
  return (
    <AuthFrame title={t('licence.activate.title')}>
      <section className="auth-card wide licence-card" aria-labelledby="licence-activate-title">
        <h1 id="licence-activate-title">{t('licence.activate.title')}</h1>
        <StatusLine className="auth-notice">{reason}</StatusLine>
        <p className="muted">{t('licence.activate.intro')}</p>
        <ActivationForm status={status} onActivated={(s) => (s.canWrite ? onContinue() : undefined)} />
        <div className="licence-continue">
          <p className="muted">{t('licence.activate.readOnlyHint')}</p>
          <button type="button" onClick={onContinue}>
            {t('licence.activate.continueReadOnly')}
          </button>
        </div>
      </section>
    </AuthFrame>
  );
}

