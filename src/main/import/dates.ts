/*
 * Dates as previous systems write them: 31/12/1985, 12/31/1985, 1985-12-31, 31.12.85, an Excel
 * serial (31412). Read into a `YYYY-MM-DD` day, real or not: the form's own schemas then say whether it
 * is a real date (31/02 is not), so the import gives the form's messages. Pure.
 */

export type DayOrder = 'dmy' | 'mdy' | 'ymd';

const YMD = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const PARTS = /^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{2}|\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$/;
const SERIAL = /^\d{4,5}(?:\.\d+)?$/;
/** Excel's day 0 (its 1900 leap-year bug included): serial 1 is 1900-01-01 only before March 1900, which no customer's date is. */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A two-digit year: the latest year it can be that is not after `thisYear` (a birth year, an exam year). */
function fullYear(yy: number, thisYear: number): number {
  const century = Math.floor(thisYear / 100) * 100;
  return century + yy > thisYear ? century - 100 + yy : century + yy;
}

/** The day the text stands for (maybe not a real one), or null when it is no date shape at all. */
export function readDay(text: string, order: DayOrder, thisYear: number): string | null {
  const s = text.trim();
  const ymd = YMD.exec(s);
  if (ymd) return `${ymd[1]}-${pad(Number(ymd[2]))}-${pad(Number(ymd[3]))}`;
  const parts = PARTS.exec(s);
  if (parts) {
    const [a, b] = [Number(parts[1]), Number(parts[2])];
    const y = parts[3]!.length === 2 ? fullYear(Number(parts[3]), thisYear) : Number(parts[3]);
    const [day, month] = order === 'mdy' ? [b, a] : [a, b];
    return `${pad(y, 4)}-${pad(month)}-${pad(day)}`;
  }
  if (SERIAL.test(s)) {
    const serial = Math.floor(Number(s));
    // 1 Jan 1900 (1) to about 2099 (73,000): outside that it is a number, not a date.
    if (serial < 1 || serial > 73_000) return null;
    return new Date(EXCEL_EPOCH + serial * 86_400_000).toISOString().slice(0, 10);
  }
  return null;
}

/**
 * The order the file writes its days in, from its own dates: a first part above 12 can only be a
 * day (dmy), a second part above 12 only a day too (mdy); null when every date fits both.
 */
export function orderFromSamples(samples: Iterable<string>): DayOrder | null {
  let dmy = 0;
  let mdy = 0;
  for (const text of samples) {
    const parts = PARTS.exec(text.trim());
    if (!parts) continue;
    if (Number(parts[1]) > 12) dmy++;
    else if (Number(parts[2]) > 12) mdy++;
  }
  if (dmy === 0 && mdy === 0) return null;
  return dmy >= mdy ? 'dmy' : 'mdy';
}

/** The store's habit when the file does not tell: month first in the United States, day first elsewhere. */
export function defaultOrder(country: string | null): DayOrder {
  return country === 'US' ? 'mdy' : 'dmy';
}
