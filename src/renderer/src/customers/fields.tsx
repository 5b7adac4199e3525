import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { get, useController, useFormContext, useFormState, useWatch, type FieldPath } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { DateInput } from '../components/DateInput';
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

type FieldProps = {
  name: Name;
  label: string;
  className?: string;
  /** The store's cloud still needs it (issue 12): marked as to do while it is empty, not as an error. */
  todo?: boolean;
};

function FieldShell({
  label,
  className,
  error,
  todoId,
  children,
  inputId,
  errorId,
}: {
  label: string;
  className?: string | undefined;
  error: string | undefined;
  /** Set while the field is still to do: the id its note carries. */
  todoId: string | null;
  children: ReactNode;
  inputId: string;
  errorId: string;
}) {
  return (
    <div className={`field${error ? ' invalid' : ''}${todoId ? ' todo' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={inputId}>{label}</label>
      {children}
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
      {todoId && !error ? <TodoNote id={todoId} /> : null}
    </div>
  );
}

/** Whether a field the cloud still needs is still empty: the id of its to-do note then. */
function useTodo(name: Name, todo: boolean | undefined, id: string): string | null {
  const value: unknown = useWatch<CustomerFormValues>({ name });
  return todo && (value === '' || value == null) ? `${id}-todo` : null;
}

/** A field of the customer form: registered, with its error (the client's or the core's) described. */
function useCustomerField(name: Name, todo: boolean | undefined) {
  const { register } = useFormContext<CustomerFormValues>();
  const error = useFieldError(name);
  const id = useId();
  const errorId = `${id}-error`;
  const todoId = useTodo(name, todo, id);
  const describedBy = error ? errorId : (todoId ?? undefined);
  const control = { id, ...register(name), 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy };
  return { error, id, errorId, todoId, control };
}

export function TextField({ name, label, className, todo, ...input }: FieldProps & Omit<InputHTMLAttributes<HTMLInputElement>, 'name'>) {
  const { error, id, errorId, todoId, control } = useCustomerField(name, todo);
  return (
    <FieldShell label={label} className={className} error={error} todoId={todoId} inputId={id} errorId={errorId}>
      <input {...input} {...control} />
    </FieldShell>
  );
}

export function SelectField({ name, label, className, options, todo }: FieldProps & { options: Option[] }) {
  const { error, id, errorId, todoId, control } = useCustomerField(name, todo);
  return (
    <FieldShell label={label} className={className} error={error} todoId={todoId} inputId={id} errorId={errorId}>
      <select {...control}>
        <Options options={options} />
      </select>
    </FieldShell>
  );
}

/** The date of birth: typed in the language's order, one tab stop, the age beside it (components/DateInput). */
export function DateField({ name, label, className, todo }: FieldProps & { name: 'customerData.dateOfBirth' }) {
  const {
    field: { ref, value, onChange, onBlur },
  } = useController<CustomerFormValues, typeof name>({ name });
  const error = useFieldError(name);
  const id = useId();
  const todoId = useTodo(name, todo, id);
  return (
    <div className={`field${error ? ' invalid' : ''}${todoId ? ' todo' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      <DateInput id={id} name={name} ref={ref} value={value ?? ''} onChange={onChange} onBlur={onBlur} kind="birth" showAge error={error} describedBy={todoId ?? undefined} />
      {todoId && !error ? <TodoNote id={todoId} /> : null}
    </div>
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

/** A field a walk-in still needs before the cloud takes it: a to-do, not an error. */
function TodoNote({ id }: { id: string }) {
  const { t } = useTranslation();
  return (
    <p id={id} className="field-todo">
      {t('todo.field')}
    </p>
  );
}
