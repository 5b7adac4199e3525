import { zodResolver } from '@hookform/resolvers/zod';
import { useId, useRef, useState, type ChangeEvent } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { checkKey } from '../../../shared/licence/key';
import { errorMessage } from '../api/errors';
import { useActivateLicence, useImportLicence, useRequestCode } from './queries';
import { keyProblemText, type LicenceStatus } from './text';
import { FormError } from '../components/FormError';

type Props = {
  status: LicenceStatus;
  /** After a successful activation or import. */
  onActivated?: (status: LicenceStatus) => void;
};

type Values = { key: string; storeId: string };

/**
 * A licence key (checked here with the same check symbol the core uses, so a typo never reaches the
 * licence server), the store id when none is configured, and offline activation: the request code
 * to give the vendor and the import of the licence file they send back.
 */
export function ActivationForm({ status, onActivated }: Props) {
  const { t } = useTranslation();
  const activate = useActivateLicence();
  const needStore = status.server.storeId === null;
  const schema = z.object({
    key: z.string().superRefine((value, ctx) => {
      const check = checkKey(value);
      if (!check.ok) ctx.addIssue({ code: 'custom', message: value.trim() ? keyProblemText(check, t, value) : t('licence.errors.keyRequired') });
    }),
    storeId: needStore ? z.string().trim().min(1, t('licence.errors.storeIdRequired')) : z.string(),
  });
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { key: '', storeId: '' }, mode: 'onSubmit', reValidateMode: 'onSubmit' });
  const [formError, setFormError] = useState<string | null>(null);
  const keyId = useId();
  const storeIdId = useId();
  const { errors } = form.formState;

  const submit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const out = await activate.mutateAsync({ key: values.key, ...(needStore ? { storeId: values.storeId.trim() } : {}) });
      onActivated?.(out);
    } catch (error) {
      // The core checks the key again; its field errors go where they belong.
      const field = error instanceof AppError ? error.fieldErrors : undefined;
      if (field?.key?.[0]) form.setError('key', { message: errorMessage(error, t) });
      else if (field?.storeId?.[0]) form.setError('storeId', { message: t('licence.errors.storeIdRequired') });
      else setFormError(errorMessage(error, t));
    }
  });

  return (
    <div className="licence-activation">
      <form noValidate onSubmit={(e) => void submit(e)} aria-label={t('licence.activate.form')}>
        <FormError>{formError}</FormError>
        <div className="auth-fields">
          <div className={`field${errors.key ? ' invalid' : ''}`}>
            <label htmlFor={keyId}>{t('licence.activate.key')}</label>
            <input
              id={keyId}
              className="licence-key-input"
              {...form.register('key')}
              placeholder="XXXX-XXXX-XXXX-XXXX"
              autoComplete="off"
              spellCheck={false}
              autoCapitalize="characters"
              aria-invalid={errors.key ? true : undefined}
              aria-describedby={errors.key ? `${keyId}-error` : `${keyId}-hint`}
            />
            <p id={`${keyId}-hint`} className="field-hint">
              {t('licence.activate.keyHint')}
            </p>
            {errors.key?.message ? (
              <p id={`${keyId}-error`} className="field-error" role="alert">
                {errors.key.message}
              </p>
            ) : null}
          </div>
          {needStore ? (
            <div className={`field${errors.storeId ? ' invalid' : ''}`}>
              <label htmlFor={storeIdId}>{t('licence.activate.storeId')}</label>
              <input
                id={storeIdId}
                {...form.register('storeId')}
                autoComplete="off"
                spellCheck={false}
                aria-invalid={errors.storeId ? true : undefined}
                aria-describedby={errors.storeId ? `${storeIdId}-error` : `${storeIdId}-hint`}
              />
              <p id={`${storeIdId}-hint`} className="field-hint">
                {t('licence.activate.storeIdHint')}
              </p>
              {errors.storeId?.message ? (
                <p id={`${storeIdId}-error`} className="field-error">
                  {errors.storeId.message}
                </p>
              ) : null}
            </div>
          ) : null}
        </div>
        <button type="submit" className="primary" disabled={activate.isPending}>
          {activate.isPending ? t('licence.activate.activating') : t('licence.activate.submit')}
        </button>
      </form>
      <OfflineActivation onActivated={onActivated} />
    </div>
  );
}

/** No internet at the store: a request code for the vendor, and the licence file they send back. */
function OfflineActivation({ onActivated }: { onActivated?: (status: LicenceStatus) => void }) {
  const { t } = useTranslation();
  const requestCode = useRequestCode();
  const importFile = useImportLicence();
  const [error, setError] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const fileId = useId();

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setError(null);
    try {
      const out = await importFile.mutateAsync({ contents: await file.text() });
      onActivated?.(out);
    } catch (err) {
      setError(errorMessage(err, t));
    }
  };

  return (
    <details className="licence-offline">
      <summary>{t('licence.offline.title')}</summary>
      <p className="muted">{t('licence.offline.intro')}</p>
      <div className="licence-offline-step">
        <button type="button" onClick={() => requestCode.mutate()} disabled={requestCode.isPending}>
          {t('licence.offline.showCode')}
        </button>
        {requestCode.data ? (
          <p>
            <span className="muted">{t('licence.offline.codeLabel')}</span>{' '}
            <code className="licence-code" aria-label={t('licence.offline.codeLabel')}>
              {requestCode.data.code}
            </code>
          </p>
        ) : null}
        {requestCode.error ? <FormError>{errorMessage(requestCode.error, t)}</FormError> : null}
      </div>
      <div className="licence-offline-step">
        <label htmlFor={fileId}>{t('licence.offline.import')}</label>{' '}
        <input ref={fileRef} id={fileId} type="file" accept=".json,.lic,application/json,text/plain" onChange={(e) => void onFile(e)} disabled={importFile.isPending} />
        <FormError>{error}</FormError>
      </div>
    </details>
  );
}
