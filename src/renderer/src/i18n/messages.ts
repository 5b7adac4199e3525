import i18next, { type TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { type Message, type MessageCode, type ParamKind, messageContexts, messageParams, messageTerms } from '../../../shared/messages';
import { formatDay, intlLocale } from '../format';

/*
 * The one place a message of the core (a code and its parameters, src/shared/messages.ts) becomes
 * text in the staff's language. Screens keep the message itself and call this when they render, so
 * switching the language changes what is already on the screen.
 */

const isCode = (code: string): code is MessageCode => Object.hasOwn(messageParams, code);
const isTerm = (value: string) => (messageTerms as readonly string[]).includes(value);

/** A parameter as the language writes it; null when it cannot be said (a term the table lacks). */
function paramText(kind: ParamKind, value: string | number, t: TFunction, language: string): string | null {
  switch (kind) {
    case 'term':
      return isTerm(String(value)) ? t(`messages.terms.${String(value)}`) : null;
    case 'number':
      return new Intl.NumberFormat(intlLocale(language)).format(Number(value));
    case 'date':
      return formatDay(String(value), language);
    case 'diopter':
      // +1.25 stays one left-to-right piece inside right-to-left text (the sign would move to its end).
      return i18next.dir(language) === 'rtl' ? `\u2066${String(value)}\u2069` : String(value);
    case 'text':
      return String(value);
  }
}

/** The message in the UI's language, or its English text when this renderer cannot say it. */
export function messageText(message: Message, t: TFunction, language: string = i18next.resolvedLanguage ?? 'en'): string {
  if (!isCode(message.code)) return message.message;
  const kinds: Record<string, ParamKind> = messageParams[message.code];
  const params: Record<string, string> = {};
  for (const [name, kind] of Object.entries(kinds)) {
    const value = message.params[name];
    const text = value === undefined ? null : paramText(kind, value, t, language);
    if (text === null) return message.message;
    params[name] = text;
  }
  const context = messageContexts[message.code]?.param;
  return t(`messages.${message.code}`, { ...params, ...(context ? { context: String(message.params[context]) } : {}), defaultValue: message.message });
}

/**
 * What a screen will say, kept in its state instead of the text: said when rendered, so a message
 * already shown follows a change of language (a translated string in state stays in the old one).
 */
export type Wording = (t: TFunction) => string;

/** messageText bound to the current language; the component renders again when it changes. */
export function useMessageText(): (message: Message) => string {
  const { t, i18n } = useTranslation();
  return (message) => messageText(message, t, i18n.resolvedLanguage ?? 'en');
}
