import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useEffectEvent, useId, useRef, useState, type KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';
import { FormProvider, useForm, useFormContext, useWatch, type FieldPath } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { errorMessage } from '../api/errors';
import { customerKeys, useCreateCustomer, useCustomer, useDeleteCustomer, useExportCustomer, useUpdateCustomer } from './queries';
import { useSignedIn } from '../auth/AuthProvider';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { SelectField, TextField } from './fields';
import {
  createPayload,
  customerFormSchema,
  emptyFormValues,
  formFieldPaths,
  formValuesFromDetail,
  updatePayload,
  type CustomerFormOutput,
  type CustomerFormValues,
} from './formModel';
import { HistoryPanel } from '../history/HistoryPanel';
import { PurgeDialog } from './PurgeDialog';
import { DocumentsPanel } from '../documents/DocumentsPanel';
import { blobFromBase64, saveBlob } from '../documents/files';
import { formatMoment } from '../format';
import { CurrentRx } from '../prescriptions/CurrentRx';
import { PrescriptionPanel } from '../prescriptions/PrescriptionPanel';
import { CustomerSyncFlag } from '../sync/SyncFlag';

type Detail = ChannelOutput<'customers.get'>;
const tabs = ['details', 'prescription', 'documents', 'history'] as const;
type Tab = (typeof tabs)[number];
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
  /** Opens the sync screen (where this customer's sync conflicts and parked changes are settled). */
  onOpenSync?: () => void;
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

function CustomerForm({ detail, flash: initialFlash, onCreated, onBack, onDeleted, setLeaveGuard, onOpenSync }: Props & { detail: Detail | null }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const { isOwner } = useSignedIn();
  const create = useCreateCustomer();
  const update = useUpdateCustomer();
  const del = useDeleteCustomer();
  const exportData = useExportCustomer();
  const [exportState, setExportState] = useState<{ ok: true; fileName: string } | { ok: false; message: string } | null>(null);

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
  const [confirmPurge, setConfirmPurge] = useState(false);
  const [pendingLeave, setPendingLeave] = useState<(() => void) | null>(null);
  // An existing customer's screen has tabs; the others mount on their first visit and then stay,
  // so what is typed in one survives a look at another.
  const [tab, setTab] = useState<Tab>('details');
  const [visited, setVisited] = useState<ReadonlySet<Tab>>(() => new Set(['details']));
  const rxDirty = useRef(false);
  const onRxDirty = useCallback((dirty: boolean) => {
    rxDirty.current = dirty;
  }, []);
  const formId = useId();
  const tabId = (which: Tab) => `${formId}-tab-${which}`;
  const panelId = (which: Tab) => `${formId}-panel-${which}`;
  const showTab = (next: Tab) => {
    setTab(next);
    setVisited((seen) => (seen.has(next) ? seen : new Set([...seen, next])));
  };

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
      if (!form.formState.isDirty && !rxDirty.current) return true;
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
    setExportState(null);
    try {
      if (!detail) {
        const out = await create.mutateAsync(createPayload(values));
        onCreated(out.customer.id);
        return;
      }
      const payload = updatePayload(detail.id, values, dirtyFields);
      if (payload) await update.mutateAsync(payload);
      // The mutation waited for the refetch: the form now starts from what the core stored.
      const fresh = qc.getQueryData<Detail>(customerKeys.detail(detail.id));
      form.reset(fresh ? formValuesFromDetail(fresh) : form.getValues());
      setFlash('saved');
    } catch (error) {
      showServerError(error);
    }
  };
  const submit = form.handleSubmit(onValid, () => setFormError(t('form.fixErrors')));

  // Ctrl+S saves the details from anywhere on their tab (and keeps the browser from saving the page);
  // the prescription tab saves its own grid.
  const onKeyDown = useEffectEvent((e: globalThis.KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault();
      if (tab === 'details' && !document.querySelector('dialog[open]')) void submit();
    }
  });
  useEffect(() => {
    const listener = (e: globalThis.KeyboardEvent) => onKeyDown(e);
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

  /** A subject-access request: everything held on the customer, as a zip the owner hands over. */
  const onExport = async () => {
    if (!detail) return;
    setExportState(null);
    setFlash(null);
    try {
      const out = await exportData.mutateAsync(detail.id);
      saveBlob(blobFromBase64(out.bytes, 'application/zip'), out.fileName);
      setExportState({ ok: true, fileName: out.fileName });
    } catch (error) {
      setExportState({ ok: false, message: t('export.error', { message: errorMessage(error, t) }) });
    }
  };

  const when = (iso: string) => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  };
  const name = detail ? `${detail.localData.firstName} ${detail.localData.lastName}` : t('screen.new');
  const saving = isSubmitting || create.isPending || update.isPending;

  /**
   * From the Details tab's read-only prescription to the one editor; the focus lands in its first
   * cell (OD distance SPH), ready to type. The tab is rendered at once so the cell can take it.
   */
  const openRxEditor = () => {
    flushSync(() => showTab('prescription'));
    const first = document.getElementById(panelId('prescription'))?.querySelector<HTMLInputElement>('input[name="distanceVision.rightEye.sph"]');
    (first ?? document.getElementById(tabId('prescription')))?.focus();
  };

  /** Arrow keys move between the tabs (the tab list is one stop for Tab). */
  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = tabs.indexOf(tab);
    const to = e.key === 'ArrowRight' ? at + 1 : e.key === 'ArrowLeft' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : null;
    if (to === null) return;
    e.preventDefault();
    const next = tabs[(to + tabs.length) % tabs.length] as Tab;
    showTab(next);
    document.getElementById(tabId(next))?.focus();
  };

  return (
    <FormProvider {...form}>
      <div className="customer-screen">
        <div className="screen-head">
          <div className="form-toolbar">
            <button type="button" onClick={onBack} title="Esc">
              ← {t('form.back')}
            </button>
            <h1 className="form-title">{name}</h1>
            {detail && onOpenSync ? <CustomerSyncFlag customerId={detail.id} onOpen={onOpenSync} /> : null}
            {detail ? (
              <span className="form-meta">
                {t('form.createdAt', { date: when(detail.createdAt) })}, {t('form.updatedAt', { date: when(detail.updatedAt) })}
              </span>
            ) : null}
            <span className="spacer" />
            <span role="status" className="flash">
              {/* "Saved" describes the form as stored: gone as soon as it is edited again. */}
              {isDirty ? '' : flash === 'created' ? t('form.created') : flash === 'saved' ? t('form.saved') : ''}
              {exportState?.ok ? t('export.done', { fileName: exportState.fileName }) : ''}
            </span>
            {/* The owner's actions: not shown to staff (the core refuses them anyway). */}
            {detail && isOwner ? (
              <button type="button" onClick={() => void onExport()} disabled={exportData.isPending} title={t('export.hint')}>
                {exportData.isPending ? t('export.exporting') : t('export.button')}
              </button>
            ) : null}
            {detail && isOwner ? (
              <button type="button" className="danger-outline" onClick={() => setConfirmDelete(true)}>
                {t('form.delete')}
              </button>
            ) : null}
            {detail && isOwner ? (
              <button type="button" className="danger-outline" onClick={() => setConfirmPurge(true)} title={t('purge.hint')}>
                {t('purge.button')}
              </button>
            ) : null}
            {tab === 'details' ? (
              <button type="submit" form={formId} className="primary" disabled={saving} title="Ctrl+S">
                {saving ? t('form.saving') : detail ? t('form.save') : t('form.create')}
              </button>
            ) : null}
          </div>

          {detail ? (
            <div className="tabs" role="tablist" aria-label={t('tabs.label')} onKeyDown={onTabKey}>
              {tabs.map((which) => (
                <button
                  key={which}
                  type="button"
                  role="tab"
                  id={tabId(which)}
                  aria-selected={tab === which}
                  aria-controls={panelId(which)}
                  tabIndex={tab === which ? 0 : -1}
                  onClick={() => showTab(which)}
                >
                  {t(`tabs.${which}`)}
                </button>
              ))}
            </div>
          ) : null}
          {exportState && !exportState.ok ? (
            <p className="form-error" role="alert">
              {exportState.message}
            </p>
          ) : null}
        </div>

        <div
          className="tab-panel"
          hidden={tab !== 'details'}
          {...(detail ? { role: 'tabpanel', id: panelId('details'), 'aria-labelledby': tabId('details') } : {})}
        >
          <form id={formId} className="customer-form" noValidate onSubmit={(e) => void submit(e)} aria-label={name}>
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

              <div className="section-stack">
                <fieldset className="section address">
                  <legend>{t('form.address')}</legend>
                  <TextField name="address.street" label={t('form.street')} autoComplete="off" className="wide" />
                  <TextField name="address.city" label={t('form.city')} autoComplete="off" />
                  <TextField name="address.zipCode" label={t('form.zipCode')} autoComplete="off" />
                  <TextField name="address.state" label={t('form.state')} autoComplete="off" />
                </fieldset>

                <fieldset className="section consent">
                  <legend>{t('consent.title')}</legend>
                  <ConsentBox name="consent.marketing" label={t('consent.marketing')} givenAt={detail?.consent.marketingAt ?? null} />
                  <ConsentBox name="consent.sms" label={t('consent.sms')} givenAt={detail?.consent.smsAt ?? null} />
                </fieldset>
              </div>

              <fieldset className="section optic">
                <legend>{t('form.optic')}</legend>
                {detail ? <CurrentRx customer={detail} onOpenEditor={openRxEditor} /> : <p className="form-hint optic-hint">{t('form.opticHintNew')}</p>}
              </fieldset>
            </div>
            <p className="form-hint">{t('form.hint')}</p>
          </form>
        </div>

        {detail && visited.has('prescription') ? (
          <div className="tab-panel" role="tabpanel" id={panelId('prescription')} aria-labelledby={tabId('prescription')} hidden={tab !== 'prescription'}>
            <PrescriptionPanel customer={detail} active={tab === 'prescription'} onDirtyChange={onRxDirty} />
          </div>
        ) : null}
        {detail && visited.has('documents') ? (
          <div className="tab-panel" role="tabpanel" id={panelId('documents')} aria-labelledby={tabId('documents')} hidden={tab !== 'documents'}>
            <DocumentsPanel customerId={detail.id} />
          </div>
        ) : null}
        {detail && visited.has('history') ? (
          <div className="tab-panel" role="tabpanel" id={panelId('history')} aria-labelledby={tabId('history')} hidden={tab !== 'history'}>
            <HistoryPanel customerId={detail.id} />
          </div>
        ) : null}
      </div>

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

      {confirmPurge && detail ? <PurgeDialog customerId={detail.id} name={name} onPurged={onDeleted} onCancel={() => setConfirmPurge(false)} /> : null}

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

/** A consent box; once given (and saved), the date it was given is shown beside it. */
function ConsentBox({ name, label, givenAt }: { name: 'consent.marketing' | 'consent.sms'; label: string; givenAt: string | null }) {
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
