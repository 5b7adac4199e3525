import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { get, useFormContext, useFormState, useWatch, type FieldPath } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Options, type Option } from '../components/Field';
import { formatMoment } from '../format';
import { saidOf } from '../components/messageResolver';
import { useMessageText } from '../i18n/messages';
import type { CustomerFormValues } from './formModel';

type Name = FieldPath<CustomerFormValues>;

/** The message react-hook-form holds for `name`, from zod on the client or setError from the core. */
function useFieldError(name: Name): string | undefined {
  const { errors } = useFormState<CustomerFormValues>({ name });
  const say = useMessageText();
  const error: unknown = get(errors, name);
  const said = saidOf(error);
  if (said) return say(said);
  return error && typeof error === 'object' && 'message' in error && typeof error.message === 'string' ? error.message : undefined;
}

type FieldProps = { name: Name; label: string; className?: string };

function FieldShell({
  label,
  className,
  error,
  children,
  inputId,
  errorId,
}: {
  label: string;
  className?: string | undefined;
  error: string | undefined;
  children: ReactNode;
  inputId: string;
  errorId: string;
}) {
  return (
    <div className={`field${error ? ' invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={inputId}>{label}</label>
      {children}
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A field of the customer form: registered, with its error (the client's or the core's) described. */
function useCustomerField(name: Name) {
  const { register } = useFormContext<CustomerFormValues>();
  const error = useFieldError(name);
  const id = useId();
  const errorId = `${id}-error`;
  const control = { id, ...register(name), 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? errorId : undefined };
  return { error, id, errorId, control };
}

export function TextField({ name, label, className, ...input }: FieldProps & Omit<InputHTMLAttributes<HTMLInputElement>, 'name'>) {
  const { error, id, errorId, control } = useCustomerField(name);
  return (
    <FieldShell label={label} className={className} error={error} inputId={id} errorId={errorId}>
      <input {...input} {...control} />
    </FieldShell>
  );
}

export function SelectField({ name, label, className, options }: FieldProps & { options: Option[] }) {
  const { error, id, errorId, control } = useCustomerField(name);
  return (
    <FieldShell label={label} className={className} error={error} inputId={id} errorId={errorId}>
      <select {...control}>
        <Options options={options} />
      </select>
    </FieldShell>
  );
}

/** A consent box; once given (and saved), the date it was given is shown beside it. */
export function ConsentBox({ name, label, givenAt }: { name: 'consent.marketing' | 'consent.sms'; label: string; givenAt: string | null }) {
  const { t, i18n } = useTranslation();
  const { register, control } = useFormContext<CustomerFormValues>();
  const checked = useWatch({ control, name });
  const id = useId();
  const hintId = `${id}-hint`;
  const hint = checked && givenAt ? t('consent.givenOn', { date: formatMoment(givenAt, i18n.language) }) : checked ? t('consent.onSave') : null;
  return (
    <div className="field wide consent-field">
      <label className="check" htmlFor={id}>
        <input id={id} type="checkbox" {...register(name)} aria-describedby={hint ? hintId : undefined} />
        {label}
      </label>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
