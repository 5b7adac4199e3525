import { useMemo } from 'react';
import { type Message, messageFromIssue, say } from '../../../shared/messages';
import { checkRx } from '../../../shared/prescriptions/rules';
import { type PrescriptionVersion, type Rx, type RxCheck, RxInput } from '../../../shared/prescriptions/schema';
import { ILL_FORMED_TEXT_MESSAGE, illFormedTextPaths } from '../../../shared/well-formed-text';
import { localToday, rxInputFromDraft, type RxDraft } from './draft';

/** What the check compares with, as the core reads it: the customer's age and current prescription. */
export type RxCheckContext = { dateOfBirth: string | null; previous: Rx | null };

export function rxCheckContext(dateOfBirth: string | null | undefined, versions: readonly PrescriptionVersion[]): RxCheckContext {
  return { dateOfBirth: dateOfBirth || null, previous: versions.find((v) => v.current)?.rx ?? null };
}

/**
 * The grid as the core reads it, checked as the core checks it when it saves: the contract's limits,
 * then the shared rules (src/shared/prescriptions/rules.ts). Pure; `today` is the counter's day.
 */
export function checkDraft(draft: RxDraft, context: RxCheckContext, today: string): { input: RxInput; result: RxCheck } {
  const input = rxInputFromDraft(draft);
  const result = checkRx(input, { today, ...context });
  const refused = contractErrors(input);
  return { input, result: Object.keys(refused).length === 0 ? result : { ...result, valid: false, errors: { ...refused, ...result.errors } } };
}

/** What the contract itself refuses before any rule runs (lengths, broken characters), as dispatch does on save. */
function contractErrors(input: RxInput): Record<string, Message> {
  const errors: Record<string, Message> = {};
  const parsed = RxInput.safeParse(input);
  for (const issue of parsed.success ? [] : parsed.error.issues) errors[issue.path.join('.')] ??= messageFromIssue(issue);
  for (const path of illFormedTextPaths(input)) errors[path.join('.')] ??= say('text.illFormed', {}, ILL_FORMED_TEXT_MESSAGE);
  return errors;
}

/**
 * The Rx being typed, checked here on every change (no call to the core while typing: the rules are
 * shared and the grid holds the inputs); the core checks again on save.
 */
export function useRxCheck(draft: RxDraft, context: RxCheckContext) {
  const today = useMemo(() => localToday(), []);
  return useMemo(() => checkDraft(draft, context, today), [draft, context, today]);
}
