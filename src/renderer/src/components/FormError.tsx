import { type ReactNode, useRef } from 'react';
import { useFocusIfLost } from './focusReturn';

/**
 * What went wrong, said at once to screen readers too (role=alert); nothing when there is nothing to
 * say. It takes the focus if the focus was lost (the button pressed is gone, or disabled while it waited).
 */
export function FormError({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useFocusIfLost(ref, Boolean(children));
  return children ? (
    <p className="form-error" role="alert" ref={ref} tabIndex={-1}>
      {children}
    </p>
  ) : null;
}
