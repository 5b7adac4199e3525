import type { RxExpiryMonths } from '../store-profile/schema';

/**
 * The expiry a new prescription is given by default: its exam date plus the store's months for its
 * kind, as `YYYY-MM-DD`; '' when the store sets none or the date cannot be read. A month end that the
 * target month lacks (31 Jan + 1 month) falls back to that month's last day, as an optician counts.
 */
export function defaultExpiry(examDate: string, kind: 'spectacles' | 'contacts', months: RxExpiryMonths): string {
  const n = months[kind];
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(examDate.trim());
  if (!m || n <= 0) return '';
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return '';
  const total = (mo - 1) + n;
  const year = y + Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const pad = (v: number) => String(v).padStart(2, '0');
  return `${year}-${pad(month)}-${pad(Math.min(d, last))}`;
}
