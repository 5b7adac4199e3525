import type { ReactNode } from 'react';

/** What went wrong, said at once to screen readers too (role=alert); nothing when there is nothing to say. */
export function FormError({ children }: { children: ReactNode }) {
  return children ? (
    <p className="form-error" role="alert">
      {children}
    </p>
  ) : null;
}
