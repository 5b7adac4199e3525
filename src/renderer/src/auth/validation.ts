import type { TFunction } from 'i18next';

/*
 * The account rules of the core (shared/staff/schema.ts), checked before asking it so the messages
 * are in the staff's language. The core checks them again.
 */
const USERNAME = /^[\p{L}\p{N}._-]+$/u;

export function usernameProblem(value: string, t: TFunction): string | null {
  const v = value.trim();
  if (v === '') return t('account.errors.usernameRequired');
  if (v.length < 2 || v.length > 50) return t('account.errors.usernameLength');
  if (!USERNAME.test(v)) return t('account.errors.usernameChars');
  return null;
}

export function displayNameProblem(value: string, t: TFunction): string | null {
  const v = value.trim();
  if (v === '') return t('account.errors.displayNameRequired');
  if (v.length > 100) return t('account.errors.displayNameLength');
  return null;
}

export function passwordProblem(value: string, t: TFunction): string | null {
  if (value.length < 10) return t('account.errors.passwordShort');
  if (value.length > 200) return t('account.errors.passwordLong');
  return null;
}

export function confirmProblem(password: string, confirm: string, t: TFunction): string | null {
  return password === confirm ? null : t('account.errors.passwordMismatch');
}

/**
 * The mismatch said as soon as it is certain (issue 12 item 11), whatever the password's length: while
 * the confirmation is typed, once it stops being the start of the password; once typed (the field
 * left, or the form sent), whenever the two differ. Nothing while the confirmation is empty and not
 * yet finished.
 */
export function confirmProblemSoFar(password: string, confirm: string, finished: boolean, t: TFunction): string | null {
  if (confirm === '' && !finished) return null;
  const differs = finished ? password !== confirm : !password.startsWith(confirm);
  return differs ? t('account.errors.passwordMismatch') : null;
}

/** An empty PIN is no PIN (it is optional). */
export function pinProblem(value: string, t: TFunction): string | null {
  if (value === '') return null;
  return /^\d{4,8}$/.test(value) ? null : t('account.errors.pin');
}

export type Problems<K extends string> = Partial<Record<K, string>>;

/**
 * A password form's problems once `field` was edited: that field's own goes, and the confirmation's
 * mismatch is said while it is typed, not only once the password is long enough.
 */
export function problemsAfterEdit<K extends string>(errors: Problems<K>, field: K, next: { password: string; confirm: string }, t: TFunction): Problems<K> {
  const rest: Problems<K> = { ...errors, [field]: undefined };
  if (field === 'confirm' || (field === 'password' && next.confirm)) {
    (rest as Problems<string>).confirm = confirmProblemSoFar(next.password, next.confirm, field === 'password', t) ?? undefined;
  }
  return rest;
}

/** Keeps the fields that have a problem. */
export function problems<K extends string>(checks: Record<K, string | null>): Problems<K> {
  const out: Problems<K> = {};
  for (const [key, message] of Object.entries(checks) as [K, string | null][]) if (message) out[key] = message;
  return out;
}
