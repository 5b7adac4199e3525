import { useEffect, type KeyboardEvent, type RefObject } from 'react';
import { focusAfterLine, type RxDraft } from './draft';

/**
 * The grid's keyboard: Enter moves on to the next field, as Tab does (the last one goes to Save), and
 * after a refused save the first field in error takes the focus, so staff can fix it straight away.
 * Tab or Enter out of a sphere cell holding a whole line moves on to the next eye (focusAfterLine).
 */
export function useRxKeys(formRef: RefObject<HTMLFormElement | null>, saveRef: RefObject<HTMLButtonElement | null>, refused: unknown, draft: () => RxDraft) {
  useEffect(() => {
    if (refused) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [refused, formRef]);

  return (e: KeyboardEvent<HTMLFormElement>) => {
    const target = e.target as HTMLElement;
    if ((e.key !== 'Enter' && e.key !== 'Tab') || e.ctrlKey || e.metaKey || e.altKey || e.nativeEvent.isComposing || !target.hasAttribute('data-rx-nav')) return;
    const form = formRef.current;
    const afterLine =
      !e.shiftKey && target instanceof HTMLInputElement
        ? focusAfterLine(draft(), target.name, target.value)
            ?.map((name) => form?.querySelector<HTMLElement>(`[data-rx-nav][name="${name}"]`))
            .find((field) => field != null)
        : undefined;
    if (!afterLine && e.key === 'Tab') return;
    e.preventDefault();
    const fields = [...(form?.querySelectorAll<HTMLElement>('[data-rx-nav]') ?? [])];
    const next = afterLine ?? fields[fields.indexOf(target) + (e.shiftKey ? -1 : 1)] ?? saveRef.current;
    next?.focus();
    if (next instanceof HTMLInputElement) next.select();
  };
}
