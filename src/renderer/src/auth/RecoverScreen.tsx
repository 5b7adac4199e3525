import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AppError } from '../../../shared/errors';
import { useCall } from '../api/context';
import { errorMessage, retryAfterSeconds } from '../api/errors';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { AuthFrame } from './AuthScreens';
import { useAuthActions } from './AuthProvider';
import { RecoveryCodeCard } from './RecoveryCode';
import { useCountdown } from './useCountdown';
import { ConfirmPasswordField } from './ConfirmPasswordField';
import { confirmProblemSoFar, passwordProblem, problems, problemsAfterEdit, type Problems } from './validation';

const fields = ['username', 'code', 'password', 'confirm'] as const;
type RecoverField = (typeof fields)[number];

/**
 * "Forgot password?" (issue 12 item 12): the owner's username, their recovery code and a new
 * password. The core answers a new code, shown once like the first, before the counter screens open.
 */
export function RecoverScreen({ username, onBack }: { username: string; onBack: () => void }) {
  const { t } = useTranslation();
  const call = useCall();
  const { signedIn } = useAuthActions();
  const [values, setValues] = useState<Record<RecoverField, string>>({ username, code: '', password: '', confirm: '' });
  const [errors, setErrors] = useState<Problems<RecoverField>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [newCode, setNewCode] = useState<string | null>(null);
  const wait = useCountdown();
  const formRef = useRef<HTMLFormElement>(null);
  const titleId = useId();

  const set = (field: RecoverField) => (e: { target: { value: string } }) => {
    const next = { ...values, [field]: e.target.value };
    setValues(next);
    setErrors(problemsAfterEdit(errors, field, next, t));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || wait.left > 0) return;
    setFormError(null);
    const found = problems<RecoverField>({
      username: values.username.trim() ? null : t('account.errors.usernameRequired'),
      code: values.code.trim() ? null : t('recovery.errors.codeRequired'),
      password: passwordProblem(values.password, t),
      confirm: confirmProblemSoFar(values.password, values.confirm, true, t),
    });
    setErrors(found);
    const first = fields.find((f) => found[f]);
    if (first) return formRef.current?.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
    setBusy(true);
    try {
      const out = await call('auth.recover', { username: values.username.trim(), recoveryCode: values.code, newPassword: values.password });
      setNewCode(out.recoveryCode);
    } catch (error) {
      setBusy(false);
      if (error instanceof AppError && error.code === 'auth.rateLimited') wait.start(retryAfterSeconds(error));
      else if (error instanceof AppError && error.code === 'auth.invalidCredentials') setFormError(t('recovery.invalid'));
      else setFormError(t('recovery.error', { message: errorMessage(error, t) }));
      formRef.current?.querySelector<HTMLInputElement>('[name="code"]')?.focus();
    }
  };

  if (newCode) {
    return (
      <AuthFrame title={t('recovery.shown.newTitle')}>
        <div className="auth-card wide">
          <p className="auth-notice" role="status">
            {t('recovery.done')}
          </p>
          <RecoveryCodeCard code={newCode} username={values.username.trim()} heading="h1" title={t('recovery.shown.newTitle')} doneLabel={t('recovery.shown.continue')} onDone={() => void signedIn()} />
        </div>
      </AuthFrame>
    );
  }

  const shownError = wait.left > 0 ? t('signIn.rateLimited', { count: wait.left }) : formError;
  return (
    <AuthFrame title={t('recovery.title')}>
      <form ref={formRef} className="auth-card" noValidate onSubmit={(e) => void submit(e)} aria-labelledby={titleId}>
        <h1 id={titleId}>{t('recovery.title')}</h1>
        <p className="muted">{t('recovery.intro')}</p>
        <FormError>{shownError}</FormError>
        <div className="auth-fields">
          <Field name="username" label={t('account.username')} value={values.username} onChange={set('username')} error={errors.username} autoComplete="username" spellCheck={false} autoFocus={!username} />
          <Field
            name="code"
            label={t('recovery.code')}
            value={values.code}
            onChange={set('code')}
            error={errors.code}
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="characters"
            dir="ltr"
            hint={t('recovery.codeHint')}
            autoFocus={!!username}
          />
          <Field name="password" type="password" label={t('recovery.newPassword')} value={values.password} onChange={set('password')} error={errors.password} autoComplete="new-password" hint={t('account.passwordHint')} />
          <ConfirmPasswordField password={values.password} value={values.confirm} onChange={set('confirm')} error={errors.confirm} onProblem={(confirm) => setErrors((errs) => ({ ...errs, confirm }))} />
        </div>
        <button type="submit" className="primary" disabled={busy || wait.left > 0}>
          {busy ? t('recovery.saving') : t('recovery.submit')}
        </button>
        <p className="auth-forgot">
          <button type="button" className="link" onClick={onBack}>
            {t('recovery.back')}
          </button>
        </p>
      </form>
    </AuthFrame>
  );
}
