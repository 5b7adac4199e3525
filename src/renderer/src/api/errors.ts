import type { TFunction } from 'i18next';
import { AppError } from '../../../shared/errors';

/** A message staff can act on, in their language where the code is one we know. */
export function errorMessage(error: unknown, t: TFunction): string {
  if (error instanceof AppError) {
    switch (error.code) {
      case 'customer.emailTaken':
        return t('errors.customer.emailTaken');
      case 'customer.notFound':
        return t('errors.customer.notFound');
      case 'prescription.unchanged':
        return t('errors.prescription.unchanged');
      case 'host.unauthorized':
        return t('app.unauthorized');
      case 'auth.required':
        return t('errors.auth.required');
      case 'auth.locked':
        return t('errors.auth.locked');
      case 'auth.forbidden':
        return t('errors.auth.forbidden');
      case 'auth.invalidCredentials':
        return t('errors.auth.invalidCredentials');
      case 'auth.rateLimited':
        return t('errors.auth.rateLimited', { count: retryAfterSeconds(error) });
      case 'auth.busy':
        return t('errors.auth.busy', { count: retryAfterSeconds(error) });
      case 'staff.usernameTaken':
        return t('errors.staff.usernameTaken');
      case 'staff.notFound':
        return t('errors.staff.notFound');
      case 'store.restoring':
        return t('errors.store.restoring');
      case 'audit.trailMissing':
        return t('errors.audit.trailMissing');
      case 'licence.required':
        return t('errors.licence.required');
      case 'licence.offline':
        return t('errors.licence.offline');
      case 'licence.unknownKey':
        return t('errors.licence.unknownKey');
      case 'licence.revoked':
        return t('errors.licence.revoked');
      case 'licence.activationLimit':
        return t('errors.licence.activationLimit');
      case 'licence.insecureServer':
        return t('errors.licence.insecureServer');
      default:
        return error.message;
    }
  }
  // fetch() rejects with a TypeError when the host is gone; a non-JSON reply is a SyntaxError.
  if (error instanceof TypeError || error instanceof SyntaxError) return t('errors.network');
  return t('errors.unknown', { message: error instanceof Error ? error.message : String(error) });
}

/** The wait an `auth.rateLimited` or `auth.busy` answer asks for, in seconds (at least 1). */
export function retryAfterSeconds(error: AppError): number {
  const seconds = error.details?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? Math.ceil(seconds) : 60;
}
