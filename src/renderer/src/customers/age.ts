/** A person's age on a day: whole years, or whole months under one year; null for no or a bad date. */
export function ageOn(dateOfBirth: string | null, today: Date): { years: number } | { months: number } | null {
  const m = dateOfBirth ? /^(\d{4})-(\d{2})-(\d{2})/.exec(dateOfBirth) : null;
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Calendar days where the counter is: a birthday counts from its morning, whatever the time zone.
  const [ty, tmo, td] = [today.getFullYear(), today.getMonth() + 1, today.getDate()];
  const months = (ty - y) * 12 + (tmo - mo) - (td < d ? 1 : 0);
  if (months < 0) return null;
  return months < 12 ? { months } : { years: Math.floor(months / 12) };
}
