import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { FormProvider, useForm, type FieldPath } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { errorMessage } from '../api/errors';
import { keys, useCreateCustomer, useCustomer, useDeleteCustomer, useUpdateCustomer } from '../api/queries';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { SelectField, TextField } from '../customers/fields';
import {
  createPayload,
  customerFormSchema,
  emptyFormValues,
  formFieldPaths,
  formValuesFromDetail,
  updatePayload,
  type CustomerFormOutput,
  type CustomerFormValues,
} from '../customers/formModel';
import { OpticGrid } from '../customers/OpticGrid';

type Detail = ChannelOutput<'customers.get'>;
/** Asked before leaving the screen: true to leave now, false if it will call `proceed` itself later. */
export type LeaveGuard = (proceed: () => void) => boolean;

type Props = {
  /** null for a new customer. */
  id: string | null;
  flash?: 'created' | undefined;
  onCreated: (id: string) => void;
  onBack: () => void;
  onDeleted: () => void;
  setLeaveGuard: (guard: LeaveGuard | null) => void;
};

export function CustomerScreen(props: Props) {
  if (props.id === null) return <CustomerForm detail={null} {...props} />;
  return <ExistingCustomer {...props} id={props.id} />;
}

function ExistingCustomer(props: Props & { id: string }) {
  const { t } = useTranslation();
  const query = useCustomer(props.id);
  if (query.isPending) {
    return (
      <p className="screen-message" role="status">
        {t('form.loading')}
      </p>
    );
  }
  if (query.isError) {
    const notFound = query.error instanceof AppError && query.error.code === 'customer.notFound';
    return (
      <div className="screen-message" role="alert">
        <p>{notFound ? t('form.notFound') : t('form.loadError', { message: errorMessage(query.error, t) })}</p>
        <button type="button" onClick={props.onBack}>
          {t('form.back')}
        </button>
      </div>
    );
  }
  return <CustomerForm detail={query.data} {...props} />;
}

function CustomerForm({ detail, flash: initialFlash, onCreated, onBack, onDeleted, setLeaveGuard }: Props & { detail: Detail | null }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const create = useCreateCustomer();
  const update = useUpdateCustomer();
  const del = useDeleteCustomer();

  const form = useForm<CustomerFormValues, unknown, CustomerFormOutput>({
    resolver: zodResolver(customerFormSchema),
    defaultValues: detail ? formValuesFromDetail(detail) : emptyFormValues(),
    mode: 'onSubmit',
    reValidateMode: 'onChange',
  });
  // Read during render so react-hook-form tracks them.
  const { isDirty, isSubmitting, dirtyFields, submitCount } = form.formState;

  const [flash, setFlash] = useState<'created' | 'saved' | null>(initialFlash ?? null);
  const [formError, setFormError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [pendingLeave, setPendingLeave] = useState<(() => void) | null>(null);

  // Fresh data from the core (e.g. a sync pull) shows up unless staff are in the middle of an edit.
  // Not on mount: the form already starts from it, and reset() would drop the first field's focus.
  const shownDetail = useRef(detail);
  useEffect(() => {
    if (!detail || detail === shownDetail.current) return;
    shownDetail.current = detail;
    if (!form.formState.isDirty) form.reset(formValuesFromDetail(detail));
  }, [detail, form]);

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    setLeaveGuard((proceed) => {
      if (!form.formState.isDirty) return true;
      setPendingLeave(() => proceed);
      return false;
    });
    return () => setLeaveGuard(null);
  }, [setLeaveGuard, form]);

  useEffect(() => {
    form.setFocus('customerData.firstName');
  }, [form]);

  const showServerError = (error: unknown) => {
    if (!(error instanceof AppError)) {
      setFormError(t('form.saveError', { message: errorMessage(error, t) }));
      return;
    }
    const fieldErrors = { ...error.fieldErrors };
    // A duplicate email belongs on the email field, whether or not the core named the field.
    if (error.code === 'customer.emailTaken') fieldErrors['customerData.email'] = [t('errors.customer.emailTaken')];
    let placed = 0;
    for (const [path, messages] of Object.entries(fieldErrors)) {
      const message = messages[0];
      if (!message || !formFieldPaths.has(path)) continue;
      form.setError(path as FieldPath<CustomerFormValues>, { type: 'server', message }, { shouldFocus: placed === 0 });
      placed++;
    }
    setFormError(placed > 0 ? t('form.fixErrors') : t('form.saveError', { message: errorMessage(error, t) }));
  };

  const onValid = async (values: CustomerFormOutput) => {
    setFormError(null);
    setFlash(null);
    try {
      if (!detail) {
        const out = await create.mutateAsync(createPayload(values));
        onCreated(out.customer.id);
        return;
      }
      const payload = updatePayload(detail.id, values, dirtyFields);
      if (payload) await update.mutateAsync(payload);
      // The mutation waited for the refetch: the form now starts from what the core stored.
      const fresh = qc.getQueryData<Detail>(keys.detail(detail.id));
      form.reset(fresh ? formValuesFromDetail(fresh) : form.getValues());
      setFlash('saved');
    } catch (error) {
      showServerError(error);
    }
  };
  const submit = form.handleSubmit(onValid, () => setFormError(t('form.fixErrors')));

  // Ctrl+S saves from anywhere on the screen (and keeps the browser from saving the page).
  const onKeyDown = useEffectEvent((e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault();
      if (!document.querySelector('dialog[open]')) void submit();
    }
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKeyDown(e);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const onDelete = async () => {
    if (!detail) return;
    setDeleteError(null);
    try {
      await del.mutateAsync(detail.id);
      setConfirmDelete(false);
      onDeleted();
    } catch (error) {
      setDeleteError(t('delete.error', { message: errorMessage(error, t) }));
    }
  };

  const when = (iso: string) => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  };
  const name = detail ? `${detail.localData.firstName} ${detail.localData.lastName}` : t('screen.new');
  const saving = isSubmitting || create.isPending || update.isPending;

  return (
    <FormProvider {...form}>
      <form className="customer-form" noValidate onSubmit={(e) => void submit(e)} aria-label={name}>
        <div className="form-toolbar">
          <button type="button" onClick={onBack} title="Esc">
            ← {t('form.back')}
          </button>
          <h1 className="form-title">{name}</h1>
          {detail ? (
            <span className="form-meta">
              {t('form.createdAt', { date: when(detail.createdAt) })}, {t('form.updatedAt', { date: when(detail.updatedAt) })}
            </span>
          ) : null}
          <span className="spacer" />
          <span role="status" className="flash">
            {/* "Saved" describes the form as stored: gone as soon as it is edited again. */}
            {isDirty ? '' : flash === 'created' ? t('form.created') : flash === 'saved' ? t('form.saved') : ''}
          </span>
          {detail ? (
            <button type="button" className="danger-outline" onClick={() => setConfirmDelete(true)}>
              {t('form.delete')}
            </button>
          ) : null}
          <button type="submit" className="primary" disabled={saving} title="Ctrl+S">
            {saving ? t('form.saving') : detail ? t('form.save') : t('form.create')}
          </button>
        </div>

        {formError && submitCount > 0 ? (
          <p className="form-error" role="alert">
            {formError}
          </p>
        ) : null}

        <div className="form-body">
          <fieldset className="section personal">
            <legend>{t('form.personal')}</legend>
            <TextField name="customerData.firstName" label={t('form.firstName')} autoComplete="off" />
            <TextField name="customerData.lastName" label={t('form.lastName')} autoComplete="off" />
            <TextField name="customerData.email" label={t('form.email')} type="email" autoComplete="off" className="wide" />
            <TextField name="customerData.phoneNumber" label={t('form.phoneNumber')} type="tel" autoComplete="off" />
            <TextField name="customerData.dateOfBirth" label={t('form.dateOfBirth')} type="date" />
            <SelectField
              name="customerData.sex"
              label={t('form.sex')}
              options={[
                { value: '', label: t('form.sexChoose') },
                { value: 'female', label: t('form.sexOptions.female') },
                { value: 'male', label: t('form.sexOptions.male') },
              ]}
            />
          </fieldset>

          <fieldset className="section address">
            <legend>{t('form.address')}</legend>
            <TextField name="address.street" label={t('form.street')} autoComplete="off" className="wide" />
            <TextField name="address.city" label={t('form.city')} autoComplete="off" />
            <TextField name="address.zipCode" label={t('form.zipCode')} autoComplete="off" />
            <TextField name="address.state" label={t('form.state')} autoComplete="off" />
          </fieldset>

          <fieldset className="section optic">
            <legend>{t('form.optic')}</legend>
            <OpticGrid />
          </fieldset>
        </div>
        <p className="form-hint">{t('form.hint')}</p>
      </form>

      {confirmDelete && detail ? (
        <ConfirmDialog
          title={t('delete.title')}
          body={t('delete.body', { name })}
          confirmLabel={del.isPending ? t('delete.deleting') : t('delete.confirm')}
          cancelLabel={t('delete.cancel')}
          danger
          busy={del.isPending}
          error={deleteError}
          onConfirm={() => void onDelete()}
          onCancel={() => {
            setConfirmDelete(false);
            setDeleteError(null);
          }}
        />
      ) : null}

      {pendingLeave ? (
        <ConfirmDialog
          title={t('discard.title')}
          body={t('discard.body')}
          confirmLabel={t('discard.confirm')}
          cancelLabel={t('discard.cancel')}
          danger
          onConfirm={() => {
            const proceed = pendingLeave;
            setPendingLeave(null);
            proceed();
          }}
          onCancel={() => setPendingLeave(null)}
        />
      ) : null}
    </FormProvider>
  );
}
