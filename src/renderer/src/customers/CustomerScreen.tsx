import { messageResolver } from '../components/messageResolver';
import { useCallback, useEffect, useId, useLayoutEffect, useRef } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { errorMessage } from '../api/errors';
import type { LeaveGuard } from '../components/useLeaveGuard';
import { useLeaveGuard } from '../components/useLeaveGuard';
import { useSaveShortcut } from '../components/useSaveShortcut';
import { DocumentsPanel } from '../documents/DocumentsPanel';
import { HistoryPanel } from '../history/HistoryPanel';
import { useWriteGate } from '../licence/useWriteGate';
import { PrescriptionPanel } from '../prescriptions/PrescriptionPanel';
import { CustomerTabList, CustomerTabPanel, useCustomerTabs } from './CustomerTabs';
import { CustomerToolbar } from './CustomerToolbar';
import { DetailsForm } from './DetailsForm';
import { CustomerRecall } from '../recalls/CustomerRecall';
import { customerFormSchema, emptyFormValues, firstEmptyField, formValuesFromDetail, prefillFromSearch, type CustomerFormOutput, type CustomerFormValues } from './formModel';
import { useCustomerExport } from './OwnerActions';
import { useCustomer } from './queries';
import { useCustomerSave } from './useCustomerSave';
import { FormError } from '../components/FormError';

export type { LeaveGuard } from '../components/useLeaveGuard';

type Detail = ChannelOutput<'customers.get'>;

type Props = {
  /** null for a new customer. */
  id: string | null;
  flash?: 'created' | undefined;
  onCreated: (id: string) => void;
  onBack: () => void;
  onDeleted: () => void;
  setLeaveGuard: (guard: LeaveGuard | null) => void;
  /** What a search that found nobody typed, for a new customer's form to start from. */
  prefill?: string | undefined;
  /** Opens another customer (a possible duplicate, the one who has an email already). */
  onOpenCustomer?: (id: string) => void;
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

/** A customer's screen: the toolbar, the tabs (an existing customer's) and the Details form. */
function CustomerForm({ detail, flash: initialFlash, prefill, onCreated, onBack, onDeleted, setLeaveGuard, onOpenSync, onOpenCustomer }: Props & { detail: Detail | null }) {
  const { t } = useTranslation();
  const form = useForm<CustomerFormValues, unknown, CustomerFormOutput>({
    resolver: messageResolver(customerFormSchema),
    defaultValues: detail ? formValuesFromDetail(detail) : emptyFormValues(prefillFromSearch(prefill ?? '')),
    mode: 'onSubmit',
    reValidateMode: 'onChange',
  });
  // Read during render so react-hook-form tracks them.
  const { isDirty, isSubmitting, submitCount } = form.formState;
  const exported = useCustomerExport(detail?.id ?? null);
  const save = useCustomerSave(form, detail, { initialFlash: initialFlash ?? null, onCreated, onStart: exported.clear });
  const formId = useId();
  const tabs = useCustomerTabs(formId);
  const rxDirty = useRef(false);
  const onRxDirty = useCallback((dirty: boolean) => {
    rxDirty.current = dirty;
  }, []);

  // Fresh data from the core (e.g. a sync pull) shows up unless staff are in the middle of an edit.
  // Not on mount: the form already starts from it, and reset() would drop the first field's focus.
  const shownDetail = useRef(detail);
  useEffect(() => {
    if (!detail || detail === shownDetail.current) return;
    shownDetail.current = detail;
    if (!form.formState.isDirty) form.reset(formValuesFromDetail(detail));
  }, [detail, form]);

  // Leaving with unsaved changes asks first.
  const leave = useLeaveGuard(() => form.formState.isDirty || rxDirty.current, 'discard');
  useEffect(() => {
    setLeaveGuard(leave.guard);
    return () => setLeaveGuard(null);
  }, [setLeaveGuard, leave.guard]);

  // A new customer started from a search: the cursor goes to the first field still empty. In the
  // commit, not after the paint nor by form.setFocus() (on a timer): a name typed right after Ctrl+N
  // lands in it (review 34).
  useLayoutEffect(() => {
    const field = detail ? 'customerData.firstName' : firstEmptyField(form.getValues());
    document.getElementById(formId)?.querySelector<HTMLElement>(`[name="${field}"]`)?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- on mount only
  }, [form]);

  // Ctrl+S saves the details from anywhere on their tab; the prescription tab saves its own grid.
  const saveGate = useWriteGate(detail ? 'customers.update' : 'customers.create');
  useSaveShortcut(tabs.tab === 'details' && !saveGate.disabled, () => void save.submit());

  /**
   * From the Details tab's read-only prescription to the one editor; the focus lands in its first
   * cell (OD distance SPH), ready to type. The tab is rendered at once so the cell can take it.
   */
  const openRxEditor = () => {
    tabs.showNow('prescription');
    const first = document.getElementById(tabs.panelId('prescription'))?.querySelector<HTMLInputElement>('input[name="distanceVision.rightEye.sph"]');
    (first ?? document.getElementById(tabs.tabId('prescription')))?.focus();
  };

  const name = detail ? `${detail.localData.firstName} ${detail.localData.lastName}` : t('screen.new');
  // "Saved" describes the form as stored: gone as soon as it is edited again.
  const status = `${isDirty ? '' : save.flash === 'created' ? t('form.created') : save.flash === 'saved' ? t('form.saved') : ''}${
    exported.state?.ok ? t('export.done', { fileName: exported.state.fileName }) : ''
  }`;

  return (
    <FormProvider {...form}>
      <div className="customer-screen">
        <div className="screen-head">
          <CustomerToolbar
            detail={detail}
            name={name}
            status={status}
            formId={formId}
            showSave={tabs.tab === 'details'}
            saving={isSubmitting || save.saving}
            exporting={exported.pending}
            onExport={() => {
              save.clearFlash();
              void exported.run();
            }}
            onBack={onBack}
            onDeleted={onDeleted}
            onOpenSync={onOpenSync}
          />
          {detail ? <CustomerTabList tabs={tabs} /> : null}
          {exported.state && !exported.state.ok ? <FormError>{exported.state.message}</FormError> : null}
        </div>

        <div className="tab-panel" hidden={tabs.tab !== 'details'} {...(detail ? { role: 'tabpanel', id: tabs.panelId('details'), 'aria-labelledby': tabs.tabId('details') } : {})}>
          <DetailsForm
            formId={formId}
            name={name}
            detail={detail}
            formError={submitCount > 0 ? save.formError : null}
            onSubmit={() => void save.submit()}
            onOpenRxEditor={openRxEditor}
            onOpenCustomer={(id) => onOpenCustomer?.(id)}
            emailHolderId={save.emailHolderId}
          />
          {detail ? <CustomerRecall customerId={detail.id} /> : null}
        </div>

        {detail ? (
          <>
            <CustomerTabPanel tabs={tabs} which="prescription">
              <PrescriptionPanel customer={detail} active={tabs.tab === 'prescription'} onDirtyChange={onRxDirty} />
            </CustomerTabPanel>
            <CustomerTabPanel tabs={tabs} which="documents">
              <DocumentsPanel customerId={detail.id} />
            </CustomerTabPanel>
            <CustomerTabPanel tabs={tabs} which="history">
              <HistoryPanel customerId={detail.id} />
            </CustomerTabPanel>
          </>
        ) : null}
      </div>
      {leave.dialog}
    </FormProvider>
  );
}
