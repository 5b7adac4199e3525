/*
 * Dates and sizes in the staff's language. Calendar days (`2026-03-14`, or seed 001's midnight-UTC
 * `1992-05-12T00:00:00.000Z`) are shown as that day everywhere, whatever the PC's time zone.
 */

/**
 * The locale dates and numbers are written in for a UI language: Arabic as in Morocco (the stores we
 * serve), Western digits and a 24-hour clock, whatever the ICU's default for plain "ar".
 */
export function intlLocale(language: string): string {
  return language === 'ar' ? 'ar-MA' : language;
}

// A formatter costs ~0.15 ms to make (the locale's data looked up), and a keystroke's results show
// ~100 days: one per language (issue 14, keystroke to screen). Days only: a formatter keeps the time
// zone it was made in, and a moment is shown in the PC's zone of now (review 5).
const dayFormats = new Map<string, Intl.DateTimeFormat>();
function dayFormat(language: string): Intl.DateTimeFormat {
  let format = dayFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(intlLocale(language), { dateStyle: 'medium', timeZone: 'UTC' });
    dayFormats.set(language, format);
  }
  return format;
}

// Days as written, by language: the same birthdays and exam days come back keystroke after keystroke.
const writtenDays = new Map<string, string>();

export function formatDay(value: string | null | undefined, language: string): string {
  if (!value) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return value;
  const key = `${language} ${m[0]}`;
  let written = writtenDays.get(key);
  if (written === undefined) {
    const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    written = dayFormat(language).format(date);
    // Bounded: a day of scrolling through every customer does not keep every birthday.
    if (writtenDays.size >= 20_000) writtenDays.clear();
    writtenDays.set(key, written);
  }
  return written;
}

/** A moment (createdAt), in local time; `seconds` where several can fall in one minute (backups). */
export function formatMoment(iso: string, language: string, precision: 'minutes' | 'seconds' = 'minutes'): string {
  const date = new Date(iso);
  const timeStyle = precision === 'seconds' ? 'medium' : 'short';
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(intlLocale(language), { dateStyle: 'medium', timeStyle }).format(date);
}

/** A size with the language's own unit symbols (168 KB, 168 ko). */
export function formatBytes(size: number, language: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  // Bytes in words ("97 bytes", "97 octets"): the short form reads "97 byte" in English.
  const unitDisplay = unit === 0 ? 'long' : 'short';
  return new Intl.NumberFormat(intlLocale(language), { style: 'unit', unit: units[unit], unitDisplay, maximumFractionDigits: digits }).format(value);
}
