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
      case 'host.unauthorized':
        return t('app.unauthorized');
      default:
        return error.message;
    }
  }
  // fetch() rejects with a TypeError when the host is gone; a non-JSON reply is a SyntaxError.
  if (error instanceof TypeError || error instanceof SyntaxError) return t('errors.network');
  return t('errors.unknown', { message: error instanceof Error ? error.message : String(error) });
}
