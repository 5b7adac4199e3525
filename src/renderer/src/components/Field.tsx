import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes } from 'react';

type Common = {
  label: string;
  error?: string | null | undefined;
  /** A line under the input, read with it by screen readers. */
  hint?: ReactNode;
  className?: string;
};

function useDescribed(error: Common['error'], hint: Common['hint']) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return { id, errorId, hintId, describedBy };
}

function Shell({ label, error, hint, className, ids, children }: Common & { ids: ReturnType<typeof useDescribed>; children: ReactNode }) {
  return (
    <div className={`field${error ? ' invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={ids.id}>{label}</label>
      {children}
      {hint ? (
        <p id={ids.hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={ids.errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A labelled input with its hint and error tied to it (aria-describedby), outside react-hook-form. */
export function Field({
  label,
  error,
  hint,
  className,
  ref,
  ...input
}: Common & Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> & { ref?: Ref<HTMLInputElement> }) {
  const ids = useDescribed(error, hint);
  return (
    <Shell label={label} error={error} hint={hint} className={className} ids={ids}>
      <input id={ids.id} ref={ref} {...input} aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy} />
    </Shell>
  );
}

export function SelectBox({
  label,
  error,
  hint,
  className,
  options,
  ...select
}: Common & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & { options: { value: string; label: string }[] }) {
  const ids = useDescribed(error, hint);
  return (
    <Shell label={label} error={error} hint={hint} className={className} ids={ids}>
      <select id={ids.id} {...select} aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy}>
        <Options options={options} />
      </select>
    </Shell>
  );
}

export type Option = { value: string; label: string };

/** A select's choices. */
export function Options({ options }: { options: readonly Option[] }) {
  return (
    <>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </>
  );
}
