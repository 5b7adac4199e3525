import type { TFunction } from 'i18next';
import type { ChannelOutput } from '../../../shared/contract';
import type { KeyCheck } from '../../../shared/licence/key';
import { intlLocale } from '../format';

export type LicenceStatus = ChannelOutput<'licence.status'>;

/** States in which the activation screen comes first (reading stays possible). */
export function needsActivation(status: LicenceStatus): boolean {
  return !status.canWrite;
}

/** Why the install is not licensed, in the staff's language (the core's words as a fallback). */
export function reasonText(status: LicenceStatus, t: TFunction, language: string): string | null {
  switch (status.reasonCode) {
    case null:
      return null;
    case 'trialOver':
      return t('licence.reason.trialOver');
    case 'expired':
      return status.expiresAt ? t('licence.reason.expired', { date: new Date(status.expiresAt).toLocaleDateString(intlLocale(language)) }) : t('licence.reason.expiredNoDate');
    default:
      return t(`licence.reason.${status.reasonCode}`, { defaultValue: status.reason ?? '' });
  }
}

/** The local key check's message, translated (before any call to the licence server). */
export function keyProblemText(check: Exclude<KeyCheck, { ok: true }>, t: TFunction, typed: string): string {
  switch (check.code) {
    case 'licence.keyLength':
      return t('licence.errors.keyLength', { count: typed.toUpperCase().replace(/[\s-]/g, '').length });
    case 'licence.keySymbol': {
      const bad = /"(.)"/.exec(check.message)?.[1] ?? '';
      return t('licence.errors.keySymbol', { symbol: bad });
    }
    case 'licence.keyCheck':
      return t('licence.errors.keyCheck');
  }
}
