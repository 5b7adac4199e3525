import type { TFunction } from 'i18next';
import { AppError } from '../../../shared/errors';
import { messageText } from '../i18n/messages';

/** Codes whose words the renderer keeps elsewhere than `errors.<code>`. */
const elsewhere: Record<string, string> = { 'host.unauthorized': 'app.unauthorized' };

/**
 * A message staff can act on, in their language: `errors.<code>` (every code errors.ts declares has
 * one, a test says so), a refused field's own message for a validation error, the core's English
 * only for a code this renderer does not know (a newer core).
 */
export function errorMessage(error: unknown, t: TFunction): string {
  if (error instanceof AppError) {
    if (error.code === 'auth.rateLimited' || error.code === 'auth.busy') return t(`errors.${error.code}`, { count: retryAfterSeconds(error) });
    const field = error.code === 'validation' ? Object.values(error.fieldMessages ?? {})[0]?.[0] : undefined;
    if (field) return messageText(field, t);
    return t(elsewhere[error.code] ?? `errors.${error.code}`, { defaultValue: error.message });
  }
  // fetch() rejects with a TypeError when the host is gone; a non-JSON reply is a SyntaxError.
  if (error instanceof TypeError || error instanceof SyntaxError) return t('errors.network');
  return t('errors.unknown', { message: error instanceof Error ? error.message : String(error) });
}

/** The core's first message on a field, in the staff's language (its English when it sent no code). */
export function fieldErrorText(error: AppError, path: string, t: TFunction): string | undefined {
  const said = error.fieldMessages?.[path]?.[0];
  return said ? messageText(said, t) : error.fieldErrors?.[path]?.[0];
}

/** The wait an `auth.rateLimited` or `auth.busy` answer asks for, in seconds (at least 1). */
export function retryAfterSeconds(error: AppError): number {
  const seconds = error.details?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? Math.ceil(seconds) : 60;
}
