import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { intlLocale } from '../format';

/*
 * How sync's facts are said on screen: a moment as "3 minutes ago", a conflict's field by its form
 * label, a conflict's value (opticData is the cloud's current grid, as one comparable JSON value).
 */

/** The current time, again every `everyMs`: relative times ("2 minutes ago") stay true on screen. */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/**
 * "just now", "5 minutes ago", "in 2 minutes", "yesterday"… in the staff's language. `past`: the
 * moment has happened (a last sync), even if `now` (refreshed every few seconds) is a little behind it.
 */
export function relativeTime(iso: string, now: number, language: string, t: TFunction, { past = false } = {}): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const diff = past ? Math.min(0, at - now) : at - now;
  if (Math.abs(diff) < 45_000) return diff > 0 ? t('sync.time.soon') : t('sync.time.justNow');
  const format = new Intl.RelativeTimeFormat(intlLocale(language), { numeric: 'auto' });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === 'minute') return format.format(Math.round(diff / ms), unit);
  }
  return iso;
}

/** "15:42": when the next try is, on the counter's clock (the cloud's Retry-After is minutes at most). */
export function clockTime(iso: string, language: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : new Intl.DateTimeFormat(intlLocale(language), { hour: '2-digit', minute: '2-digit' }).format(at);
}

const FIELD_LABELS: Record<string, string> = {
  'customerData.firstName': 'form.firstName',
  'customerData.lastName': 'form.lastName',
  'customerData.email': 'form.email',
  'customerData.phoneNumber': 'form.phoneNumber',
  'customerData.dateOfBirth': 'form.dateOfBirth',
  'customerData.sex': 'form.sex',
  'address.street': 'form.street',
  'address.city': 'form.city',
  'address.zipCode': 'form.zipCode',
  'address.state': 'form.state',
  opticData: 'sync.conflicts.opticData',
  '*': 'sync.conflicts.wholeCustomer',
};

/** The field a conflict is about, by the label staff know from the customer's form. */
export function fieldLabel(field: string, t: TFunction): string {
  const key = FIELD_LABELS[field];
  return key ? t(key) : field;
}

/** A refused cloud field: a prescription cell as "Distance vision, OD (right eye), SPH", else its form label. */
export function refusedFieldLabel(field: string, t: TFunction): string {
  const cell = /^opticData\.(\w+)\.(rightEye|leftEye)\.(sph|cyl|axis)$/.exec(field);
  if (cell) return t('optic.cell', { vision: t(`optic.${cell[1]}`), eye: t(`optic.${cell[2]}`), measure: t(`optic.${cell[3]}`) });
  return fieldLabel(field, t);
}

const VISIONS = ['distanceVision', 'intermediateVision', 'nearVision'] as const;
const EYES = ['rightEye', 'leftEye'] as const;

/** One side of a field conflict, as text ("—" for no value). */
export function valueText(field: string, value: unknown, t: TFunction): string {
  if (value === null || value === undefined || value === '') return t('sync.conflicts.empty');
  if (typeof value !== 'string') return JSON.stringify(value);
  if (field === 'customerData.sex') return t(`form.sexOptions.${value}`, { defaultValue: value });
  if (field === 'opticData') return opticText(value, t);
  return value;
}

/** "Dist. OD −1.25 / −0.25 × 90 · OS …" from the sync's comparable opticData value. */
function opticText(value: string, t: TFunction): string {
  let grid: Record<string, Record<string, Record<string, string>>>;
  try {
    grid = JSON.parse(value) as typeof grid;
  } catch {
    return value;
  }
  const parts: string[] = [];
  for (const vision of VISIONS) {
    for (const eye of EYES) {
      const cell = grid[vision]?.[eye];
      if (!cell) continue;
      const numbers = [cell.sph, cell.cyl].filter((n) => n !== undefined).join(' / ');
      const axis = cell.axis !== undefined ? ` × ${cell.axis}` : '';
      parts.push(`${t(`optic.${vision}Short`)} ${t(`optic.${eye}Short`)} ${numbers}${axis}`);
    }
  }
  return parts.length > 0 ? parts.join(' · ') : t('sync.conflicts.empty');
}
