import type { ReactNode } from 'react';

/** A line saying how things stand, read out politely by screen readers (role=status); nothing when there is nothing to say. */
export function StatusLine({ className, children }: { className: string; children: ReactNode }) {
  return children ? (
    <p className={className} role="status">
      {children}
    </p>
  ) : null;
}
