import { zodResolver } from '@hookform/resolvers/zod';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { LicenceConfigureInput } from '../../../shared/licence/schema';
import { AppError } from '../../../shared/errors';
import { errorMessage } from '../api/errors';
import { useConfigureLicence, useDeactivateLicence, useLicenceStatus, useRefreshLicence } from './queries';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { formatMoment } from '../format';
import { ActivationForm } from './ActivationForm';
import { reasonText, type LicenceStatus } from './text';

/** The owner's licence panel (Settings): state, key, expiry, machine id; check, deactivate, server. */
export function LicencePanel() {
  const { t, i18n } = useTranslation();
  const status = useLicenceStatus();
  const refresh = useRefreshLicence();
  const deactivate = useDeactivateLicence();
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const titleId = useId();

  if (!status.data) {
    return (
      <section className="admin-card" aria-labelledby={titleId}>
        <h2 id={titleId}>{t('licence.panel.title')}</h2>
        <p className="muted">{status.error ? errorMessage(status.error, t) : t('signIn.loading')}</p>
      </section>
    );
  }
  const s = status.data;
  const hasLicence = s.key !== null;
  const reason = reasonText(s, t, i18n.language);

  const onRefresh = async () => {
    setMessage(null);
    try {
      const out = await refresh.mutateAsync({});
      setMessage({ ok: out.canWrite, text: t(`licence.state.${out.state}`) });
    } catch (err) {
      setMessage({ ok: false, text: errorMessage(err, t) });
    }
  };

  return (
    <section className="admin-card licence-panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('licence.panel.title')}</h2>
      <dl className="facts">
        <dt>{t('licence.panel.state')}</dt>
        <dd>
          <strong className={`licence-state ${s.canWrite ? 'ok' : 'bad'}`}>{t(`licence.state.${s.state}`)}</strong>
          {s.state === 'trial' ? <> · {t('licence.panel.daysLeft', { count: s.trialDaysLeft ?? 0 })}</> : null}
          {reason ? <span className="muted"> · {reason}</span> : null}
        </dd>
        {hasLicence ? (
          <>
            <dt>{t('licence.panel.key')}</dt>
            <dd>
              <code>{s.key}</code>
            </dd>
            <dt>{t('licence.panel.expires')}</dt>
            <dd>{s.expiresAt ? formatMoment(s.expiresAt, i18n.language) : t('licence.panel.never')}</dd>
            <dt>{t('licence.panel.lastChecked')}</dt>
            <dd>{s.lastCheckedAt ? formatMoment(s.lastCheckedAt, i18n.language) : t('licence.panel.neverChecked')}</dd>
          </>
        ) : null}
        <dt>{t('licence.panel.machineId')}</dt>
        <dd>
          <code className="licence-machine">{s.machineId ?? '—'}</code>
        </dd>
      </dl>
      {hasLicence ? (
        <div className="settings-row">
          <button type="button" onClick={() => void onRefresh()} disabled={refresh.isPending}>
            {refresh.isPending ? t('licence.panel.checking') : t('licence.panel.refresh')}
          </button>
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            {t('licence.panel.deactivate')}
          </button>
          <span role="status" className={message?.ok === false ? 'form-error' : 'flash'}>
            {message?.text ?? ''}
          </span>
        </div>
      ) : null}
      {!s.canWrite || !hasLicence ? (
        <>
          <h3>{t('licence.panel.activateTitle')}</h3>
          <ActivationForm status={s} onActivated={() => setMessage({ ok: true, text: t('licence.state.active') })} />
        </>
      ) : null}
      <ServerForm status={s} />
      {confirming ? (
        <ConfirmDialog
          title={t('licence.panel.deactivateTitle')}
          body={t('licence.panel.deactivateBody')}
          confirmLabel={t('licence.panel.deactivateConfirm')}
          cancelLabel={t('licence.panel.cancel')}
          danger
          busy={deactivate.isPending}
          error={deactivate.error ? errorMessage(deactivate.error, t) : null}
          onCancel={() => {
            deactivate.reset();
            setConfirming(false);
          }}
          onConfirm={() =>
            deactivate.mutate(
              {},
              {
                onSuccess: () => {
                  setConfirming(false);
                  setMessage({ ok: true, text: t('licence.panel.deactivated') });
                },
              },
            )
          }
        />
      ) : null}
    </section>
  );
}

type ServerValues = z.input<typeof LicenceConfigureInput>;

/** Where the licence server is (the store's cloud by default) and the store id it knows us by. */
function ServerForm({ status }: { status: LicenceStatus }) {
  const { t } = useTranslation();
  const configure = useConfigureLicence();
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const form = useForm<ServerValues, unknown, z.output<typeof LicenceConfigureInput>>({
    resolver: zodResolver(LicenceConfigureInput),
    defaultValues: { baseUrl: status.server.baseUrl, storeId: status.server.storeId ?? '' },
  });
  const urlId = useId();
  const storeId = useId();
  const { errors } = form.formState;

  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    setError(null);
    try {
      await configure.mutateAsync(values);
      setSaved(true);
    } catch (err) {
      const onField = err instanceof AppError ? err.fieldErrors?.baseUrl?.[0] : undefined;
      if (onField) form.setError('baseUrl', { type: 'server', message: onField }, { shouldFocus: true });
      else setError(errorMessage(err, t));
    }
  });

  return (
    <details className="licence-server">
      <summary>{t('licence.server.title')}</summary>
      <form noValidate onSubmit={(e) => void submit(e)} aria-label={t('licence.server.title')}>
        <div className="settings-row">
          <div className={`field${errors.baseUrl ? ' invalid' : ''}`}>
            <label htmlFor={urlId}>{t('licence.server.baseUrl')}</label>
            <input
              id={urlId}
              {...form.register('baseUrl')}
              spellCheck={false}
              aria-invalid={errors.baseUrl ? true : undefined}
              aria-describedby={errors.baseUrl ? `${urlId}-error` : undefined}
            />
            {errors.baseUrl ? (
              <p id={`${urlId}-error`} className="field-error">
                {/* The core's own words when it refused it; ours (translated) for the form's check. */}
                {errors.baseUrl.type === 'server' && errors.baseUrl.message ? errors.baseUrl.message : t('licence.server.invalidBaseUrl')}
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor={storeId}>{t('licence.activate.storeId')}</label>
            <input id={storeId} {...form.register('storeId')} spellCheck={false} />
          </div>
          <button type="submit" className="primary" disabled={configure.isPending}>
            {t('settings.save')}
          </button>
          <span role="status" className={error ? 'form-error' : 'flash'}>
            {error ?? (saved ? t('licence.server.saved') : '')}
          </span>
        </div>
      </form>
    </details>
  );
}
