import { useMemo } from 'react';
import { checkRx } from '../../../shared/prescriptions/rules';
import type { PrescriptionVersion, Rx, RxCheck, RxInput } from '../../../shared/prescriptions/schema';
import { localToday, rxInputFromDraft, type RxDraft } from './draft';

/** What the check compares with, as the core reads it: the customer's age and current prescription. */
export type RxCheckContext = { dateOfBirth: string | null; previous: Rx | null };

export function rxCheckContext(dateOfBirth: string | null | undefined, versions: readonly PrescriptionVersion[]): RxCheckContext {
  return { dateOfBirth: dateOfBirth || null, previous: versions.find((v) => v.current)?.rx ?? null };
}

/**
 * The grid as the core reads it, checked with the same shared rules the core applies when it saves
 * (src/shared/prescriptions/rules.ts). Pure; `today` is the counter's day.
 */
export function checkDraft(draft: RxDraft, context: RxCheckContext, today: string): { input: RxInput; result: RxCheck } {
  const input = rxInputFromDraft(draft);
  return { input, result: checkRx(input, { today, ...context }) };
}

/**
 * The Rx being typed, checked here on every change (no call to the core while typing: the rules are
 * shared and the grid holds the inputs); the core checks again on save.
 */
export function useRxCheck(draft: RxDraft, context: RxCheckContext) {
  const today = useMemo(() => localToday(), []);
  return useMemo(() => checkDraft(draft, context, today), [draft, context, today]);
}
