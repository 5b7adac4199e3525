import { useEffect, type KeyboardEvent, type RefObject } from 'react';

/**
 * The grid's keyboard: Enter moves on to the next field, as Tab does (the last one goes to Save), and
 * after a refused save the first field in error takes the focus, so staff can fix it straight away.
 */
export function useRxKeys(formRef: RefObject<HTMLFormElement | null>, saveRef: RefObject<HTMLButtonElement | null>, refused: unknown) {
  useEffect(() => {
    if (refused) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [refused, formRef]);

  return (e: KeyboardEvent<HTMLFormElement>) => {
    const target = e.target as HTMLElement;
    if (e.key !== 'Enter' || e.ctrlKey || e.metaKey || e.altKey || e.nativeEvent.isComposing || !target.hasAttribute('data-rx-nav')) return;
    e.preventDefault();
    const fields = [...(formRef.current?.querySelectorAll<HTMLElement>('[data-rx-nav]') ?? [])];
    const next = fields[fields.indexOf(target) + (e.shiftKey ? -1 : 1)] ?? saveRef.current;
    next?.focus();
    if (next instanceof HTMLInputElement) next.select();
  };
}
