import { RecallOverride } from '../../../shared/recalls/schema';

export const overrideModes = ['store', 'months', 'date', 'none'] as const;
export type OverrideMode = (typeof overrideModes)[number];
/** The customer's recall rule as the form holds it: a mode, and the text of its months or date. */
export type OverrideValues = { mode: OverrideMode; months: string; date: string };

export function valuesOf(override: RecallOverride | null): OverrideValues {
  if (!override) return { mode: 'store', months: '', date: '' };
  if (override.type === 'months') return { mode: 'months', months: String(override.months), date: '' };
  if (override.type === 'date') return { mode: 'date', months: '', date: override.date };
  return { mode: 'none', months: '', date: '' };
}

/** What the form says, for `recalls.setOverride`; or which field is wrong (checked by the contract's own schema). */
export function overrideOf(v: OverrideValues): { ok: true; override: RecallOverride | null } | { ok: false; field: 'months' | 'date' } {
  if (v.mode === 'store') return { ok: true, override: null };
  if (v.mode === 'none') return { ok: true, override: { type: 'none' } };
  if (v.mode === 'months') {
    const months = /^\d+$/.test(v.months.trim()) ? Number(v.months.trim()) : NaN;
    const parsed = RecallOverride.safeParse({ type: 'months', months });
    return parsed.success ? { ok: true, override: parsed.data } : { ok: false, field: 'months' };
  }
  const parsed = RecallOverride.safeParse({ type: 'date', date: v.date });
  return parsed.success ? { ok: true, override: parsed.data } : { ok: false, field: 'date' };
}
