import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { AppError } from '../../../shared/errors';
import { useCall } from '../api/context';
import i18next from 'i18next';
import { errorMessage, fieldErrorText, retryAfterSeconds } from '../api/errors';
import { Field } from '../components/Field';
import { LanguageSelect } from '../components/LanguageSelect';
import { formatMoment } from '../format';
import { useAuthActions, type SignInNotice } from './AuthProvider';
import { useCountdown } from './useCountdown';
import { ConfirmPasswordField } from './ConfirmPasswordField';
import { confirmProblemSoFar, displayNameProblem, passwordProblem, pinProblem, problems, usernameProblem, problemsAfterEdit, type Problems } from './validation';
import { RecoverScreen } from './RecoverScreen';
import { RecoveryCodeCard } from './RecoveryCode';
import { FormError } from '../components/FormError';
import { StatusLine } from '../components/StatusLine';

/** The frame of the screens shown before anyone is signed in: the app's name, the language, a card. */
export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} — ${t('app.name')}`;
  }, [title, t]);
  return (
    <div className="app auth-app">
      <header className="app-header">
        <span className="app-name">{t('app.name')}</span>
        <span className="spacer" />
        <LanguageSelect />
      </header>
      <main className="auth-main">{children}</main>
    </div>
  );
}

/** Server field errors (validation) onto the form's own fields; the rest is for the banner. */
function placeServerErrors<K extends string>(error: unknown, fields: readonly K[]): Problems<K> {
  if (!(error instanceof AppError) || !error.fieldErrors) return {};
  const out: Problems<K> = {};
  for (const [path, messages] of Object.entries(error.fieldErrors)) {
    if ((fields as readonly string[]).includes(path) && messages[0]) out[path as K] = fieldErrorText(error, path, i18next.t) ?? messages[0];
  }
  return out;
}

const setupFields = ['username', 'displayName', 'password', 'confirm', 'pin'] as const;
type SetupField = (typeof setupFields)[number];

/** First start: nobody can do anything before the owner account exists. */
export function SetupScreen() {
  const { t } = useTranslation();
  const call = useCall();
  const { signedIn, ownerExists } = useAuthActions();
  const [values, setValues] = useState<Record<SetupField, string>>({ username: '', displayName: '', password: '', confirm: '', pin: '' });
  const [errors, setErrors] = useState<Problems<SetupField>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The recovery code the core answered, shown once before the counter screens open.
  const [recoveryCode, setRecoveryCode] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const titleId = useId();

  const set = (field: SetupField) => (e: { target: { value: string } }) => {
    const next = { ...values, [field]: e.target.value };
    setValues(next);
    const rest = problemsAfterEdit(errors, field, next, t);
    setErrors(rest);
    // Every highlighted field fixed: the banner asking for it goes too.
    if (!setupFields.some((f) => rest[f])) setFormError(null);
  };

  const focusFirstError = (found: Problems<SetupField>) => {
    const first = setupFields.find((f) => found[f]);
    if (first) formRef.current?.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const found = problems<SetupField>({
      username: usernameProblem(values.username, t),
      displayName: displayNameProblem(values.displayName, t),
      password: passwordProblem(values.password, t),
      confirm: confirmProblemSoFar(values.password, values.confirm, true, t),
      pin: pinProblem(values.pin, t),
    });
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setFormError(t('form.fixErrors'));
      focusFirstError(found);
      return;
    }
    setBusy(true);
    try {
      const out = await call('auth.setupOwner', {
        username: values.username.trim(),
        displayName: values.displayName.trim(),
        password: values.password,
        ...(values.pin ? { pin: values.pin } : {}),
      });
      setRecoveryCode(out.recoveryCode);
    } catch (error) {
      setBusy(false);
      // Set up meanwhile (another tab): there is an owner to sign in as.
      if (error instanceof AppError && error.code === 'auth.forbidden') return ownerExists();
      const placed = placeServerErrors(error, setupFields);
      setErrors(placed);
      setFormError(Object.keys(placed).length > 0 ? t('form.fixErrors') : t('setup.error', { message: errorMessage(error, t) }));
      focusFirstError(placed);
    }
  };

  if (recoveryCode) {
    return (
      <AuthFrame title={t('recovery.shown.title')}>
        <div className="auth-card wide">
          <RecoveryCodeCard code={recoveryCode} username={values.username.trim()} heading="h1" title={t('recovery.shown.title')} doneLabel={t('recovery.shown.continue')} onDone={() => void signedIn()} />
        </div>
      </AuthFrame>
    );
  }

  return (
    <AuthFrame title={t('setup.title')}>
      <form ref={formRef} className="auth-card wide" noValidate onSubmit={(e) => void submit(e)} aria-labelledby={titleId}>
        <h1 id={titleId}>{t('setup.title')}</h1>
        <p className="muted">{t('setup.intro')}</p>
        <FormError>{formError}</FormError>
        <div className="auth-fields two">
          <Field name="username" label={t('account.username')} value={values.username} onChange={set('username')} error={errors.username} autoComplete="username" autoFocus spellCheck={false} />
          <Field name="displayName" label={t('account.displayName')} value={values.displayName} onChange={set('displayName')} error={errors.displayName} autoComplete="name" hint={t('account.displayNameHint')} />
          <Field name="password" type="password" label={t('account.password')} value={values.password} onChange={set('password')} error={errors.password} autoComplete="new-password" hint={t('account.passwordHint')} />
          <ConfirmPasswordField password={values.password} value={values.confirm} onChange={set('confirm')} error={errors.confirm} onProblem={(confirm) => setErrors((errs) => ({ ...errs, confirm }))} />
          <Field
            name="pin"
            type="password"
            inputMode="numeric"
            label={t('account.pinOptional')}
            value={values.pin}
            onChange={set('pin')}
            error={errors.pin}
            autoComplete="off"
            maxLength={8}
            hint={t('account.pinHint')}
          />
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('setup.creating') : t('setup.submit')}
        </button>
      </form>
    </AuthFrame>
  );
}

function noticeText(notice: SignInNotice, t: ReturnType<typeof useTranslation>['t'], language: string): string {
  switch (notice.kind) {
    case 'ended':
      return t('signIn.notice.ended');
    case 'signedOut':
      return t('signIn.notice.signedOut');
    case 'restored':
      return t('signIn.notice.restored', { date: formatMoment(notice.backupCreatedAt, language) });
  }
}

export function SignInScreen({ notice }: { notice: SignInNotice | null }) {
  const { t, i18n } = useTranslation();
  const call = useCall();
  const { signedIn } = useAuthActions();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Problems<'username' | 'password'>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [forgot, setForgot] = useState(false);
  const wait = useCountdown();
  const passwordRef = useRef<HTMLInputElement>(null);
  const usernameRef = useRef<HTMLInputElement>(null);
  const titleId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (wait.left > 0) return;
    setFormError(null);
    const found = problems({
      username: username.trim() ? null : t('account.errors.usernameRequired'),
      password: password ? null : t('account.errors.passwordRequired'),
    });
    setErrors(found);
    if (found.username) return usernameRef.current?.focus();
    if (found.password) return passwordRef.current?.focus();
    setBusy(true);
    try {
      await call('auth.login', { username: username.trim(), password });
      await signedIn();
    } catch (error) {
      setBusy(false);
      setPassword('');
      if (error instanceof AppError && error.code === 'auth.rateLimited') {
        wait.start(retryAfterSeconds(error));
      } else {
        setFormError(error instanceof AppError && error.code === 'auth.invalidCredentials' ? t('signIn.invalid') : t('signIn.error', { message: errorMessage(error, t) }));
      }
      passwordRef.current?.focus();
    }
  };

  const shownError = wait.left > 0 ? t('signIn.rateLimited', { count: wait.left }) : formError;

  if (forgot) return <RecoverScreen username={username.trim()} onBack={() => setForgot(false)} />;

  return (
    <AuthFrame title={t('signIn.title')}>
      <form className="auth-card" noValidate onSubmit={(e) => void submit(e)} aria-labelledby={titleId}>
        <h1 id={titleId}>{t('signIn.title')}</h1>
        {/* One message at a time: a failure replaces the note on why this screen is shown. */}
        {notice && !shownError ? <StatusLine className="auth-notice">{noticeText(notice, t, i18n.language)}</StatusLine> : null}
        <FormError>{shownError}</FormError>
        <div className="auth-fields">
          <Field
            ref={usernameRef}
            label={t('account.username')}
            value={username}
            onChange={(e) => {
              setUsername(e.target.value);
              setErrors((errs) => ({ ...errs, username: undefined }));
            }}
            error={errors.username}
            autoComplete="username"
            autoFocus
            spellCheck={false}
          />
          <Field
            ref={passwordRef}
            type="password"
            label={t('account.password')}
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
              setErrors((errs) => ({ ...errs, password: undefined }));
            }}
            error={errors.password}
            autoComplete="current-password"
          />
        </div>
        <button type="submit" className="primary" disabled={busy || wait.left > 0}>
          {busy ? t('signIn.signingIn') : t('signIn.submit')}
        </button>
        <p className="auth-forgot">
          <button type="button" className="link" onClick={() => setForgot(true)}>
            {t('recovery.forgot')}
          </button>
        </p>
      </form>
    </AuthFrame>
  );
}

/** The core could not be asked who is signed in: the host is down, or refused the page's token. */
export function Unreachable({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const { start } = useAuthActions();
  return (
    <AuthFrame title={t('app.name')}>
      <div className="auth-card" role="alert">
        <p>{errorMessage(error, t)}</p>
        <button type="button" onClick={() => void start()}>
          {t('search.retry')}
        </button>
      </div>
    </AuthFrame>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <AuthFrame title={t('app.name')}>
      <p className="screen-message" role="status">
        {t('signIn.loading')}
      </p>
    </AuthFrame>
  );
}
