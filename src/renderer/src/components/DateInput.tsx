import { useId, useState, type InputHTMLAttributes, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { intlLocale } from '../format';
import { ageOn, dateOrderOf, formatTypedDate, isoToday, readTypedDate, type DateKind, type DateProblem } from '../format/typedDate';

type Props = {
  id: string;
  /** `YYYY-MM-DD` once what was typed reads as a date, '' when empty, else the text as typed. */
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  kind: DateKind;
  ref?: Ref<HTMLInputElement>;
  /** The host's own message (the form's, the core's); what was typed not being a date comes first. */
  error?: string | undefined;
  /** Other ids that describe the field (its hint, the core's messages). */
  describedBy?: string | undefined;
  /** The age beside a date of birth. */
  showAge?: boolean;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'onBlur' | 'type' | 'ref'>;

/**
 * One typed date, one tab stop (a text field, not the browser's three-part date input): read in the
 * language's order as staff type it (07/04/1958, 0704, 7.4.58), rewritten in full when left, with the
 * age beside a date of birth. Why it is not a date shows once the field is left.
 */
export function DateInput({ id, value, onChange, onBlur, kind, ref, error, describedBy, showAge, ...input }: Props) {
  const { t, i18n } = useTranslation();
  const order = dateOrderOf(i18n.language);
  const shown = (v: string) => formatTypedDate(v, order) ?? v;
  const [text, setText] = useState(() => shown(value));
  // The value (and order) the text stands for: a reset from outside, or a new language, rewrites it.
  const [standsFor, setStandsFor] = useState(`${order}|${value}`);
  if (standsFor !== `${order}|${value}`) {
    setStandsFor(`${order}|${value}`);
    setText(shown(value));
  }
  const [left, setLeft] = useState(false);
  const today = isoToday();
  const read = readTypedDate(text, order, kind, today);
  const problem = text.trim() !== '' && !read.ok ? problemText(read, t, i18n.language, order) : null;
  const message = (left || error) && problem ? problem : (error ?? null);
  const age = showAge && read.ok ? ageOn(read.iso, today) : null;
  const ids = useId();
  const ageId = `${ids}-age`;
  const errorId = `${ids}-error`;
  const described = [describedBy, age !== null ? ageId : null, message ? errorId : null].filter(Boolean).join(' ') || undefined;

  return (
    <>
      <span className="date-input">
        <input
          {...input}
          id={id}
          ref={ref}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          // Digits and slashes read left to right in Arabic too, as dates are written there.
          dir="ltr"
          placeholder={t(`dateInput.format.${order}`)}
          value={text}
          aria-invalid={message ? true : undefined}
          aria-describedby={described}
          onChange={(e) => {
            const typed = e.target.value;
            const r = readTypedDate(typed, order, kind, isoToday());
            const next = typed.trim() === '' ? '' : r.ok ? r.iso : typed;
            setText(typed);
            setLeft(false);
            setStandsFor(`${order}|${next}`);
            onChange(next);
          }}
          onBlur={() => {
            if (read.ok) setText(shown(read.iso));
            setLeft(true);
            onBlur?.();
          }}
        />
        {age !== null ? (
          <span id={ageId} className="date-age">
            {t('dateInput.age', { count: age })}
          </span>
        ) : null}
      </span>
      {message ? (
        <p id={errorId} className="field-error">
          {message}
        </p>
      ) : null}
    </>
  );
}

/** Why what was typed is not a date, in the staff's language. */
function problemText(problem: DateProblem, t: TFunction, language: string, order: 'dmy' | 'mdy'): string {
  const example = formatTypedDate('1958-04-07', order);
  switch (problem.code) {
    case 'unreadable':
      return t('dateInput.errors.unreadable', { format: t(`dateInput.format.${order}`), example });
    case 'noSuchMonth':
      return t('dateInput.errors.noSuchMonth', { month: problem.month });
    case 'noSuchDay': {
      const monthName = new Intl.DateTimeFormat(intlLocale(language), { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, problem.month - 1, 1)));
      return t('dateInput.errors.noSuchDay', { day: problem.day, monthName, year: problem.year });
    }
    case 'future':
      return t('dateInput.errors.future');
    case 'tooOld':
      return t('dateInput.errors.tooOld');
  }
}
