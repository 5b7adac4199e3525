import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { CurrentRx } from '../prescriptions/CurrentRx';
import { ConsentBox, DateField, SelectField, TextField } from './fields';
import { FormError } from '../components/FormError';
import { useFormContext, useWatch } from 'react-hook-form';
import { useStoreProfile } from '../settings/queries';
import { addressLayout } from './addressLayout';
import type { CompletableField } from '../../../shared/customers/schema';
import { intlLocale } from '../format';
import { DuplicateWarning } from './DuplicateWarning';

type Detail = ChannelOutput<'customers.get'>;

type Props = {
  formId: string;
  name: string;
  detail: Detail | null;
  /** Shown above the fields once staff tried to save. */
  formError: string | null;
  onSubmit: () => void;
  onOpenRxEditor: () => void;
  /** Opens another customer: a possible duplicate, or the one who has the email a save was refused for. */
  onOpenCustomer: (id: string) => void;
  /** Who has the email the last save was refused for, when the core said. */
  emailHolderId: string | null;
};

/** The Details tab's form: personal details, address, consent, and the current prescription read-only. */
export function DetailsForm({ formId, name, detail, formError, onSubmit, onOpenRxEditor, onOpenCustomer, emailHolderId }: Props) {
  const { t } = useTranslation();
  const missing = new Set(detail?.missing ?? []);
  // Only the cloud's list is here yet: what it lacks is neither shown as to do nor editable (issue 14).
  const arriving = detail?.detailsArriving === true;
  return (
    <form
      id={formId}
      className="customer-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
      aria-label={name}
    >
      <FormError>
        {formError ? (
          <>
            {formError}
            {emailHolderId ? (
              <button type="button" className="form-error-action" onClick={() => onOpenCustomer(emailHolderId)}>
                {t('duplicates.openEmailHolder')}
              </button>
            ) : null}
          </>
        ) : null}
      </FormError>
      {arriving ? (
        <p className="arriving-note" data-testid="details-arriving-note">
          {t('firstSync.screenNote')}
        </p>
      ) : detail ? (
        <CompletenessTodo missing={detail.missing} />
      ) : (
        <>
          <p className="walk-in-note">{t('todo.walkIn')}</p>
          <DuplicateWarning onOpen={onOpenCustomer} />
        </>
      )}

      <div className="form-body">
        <fieldset className="section personal">
          <legend>{t('form.personal')}</legend>
          <TextField name="customerData.firstName" label={t('form.firstName')} autoComplete="off" />
          <TextField name="customerData.lastName" label={t('form.lastName')} autoComplete="off" />
          <TextField name="customerData.email" label={t('form.email')} type="email" autoComplete="off" className="wide" todo={missing.has('email')} />
          {/* display: contents, so the grid is the same; disabled while the detail is on its way. */}
          <fieldset className="field-group" disabled={arriving}>
          <TextField name="customerData.phoneNumber" label={t('form.phoneNumber')} type="tel" autoComplete="off" todo={missing.has('phoneNumber')} />
          <DateField name="customerData.dateOfBirth" label={t('form.dateOfBirth')} todo={missing.has('dateOfBirth')} />
          <SelectField
            name="customerData.sex"
            todo={missing.has('sex')}
            label={t('form.sex')}
            options={[
              { value: '', label: t('form.sexChoose') },
              { value: 'female', label: t('form.sexOptions.female') },
              { value: 'male', label: t('form.sexOptions.male') },
            ]}
          />
          </fieldset>
        </fieldset>

        <div className="section-stack">
          <fieldset className="section address" disabled={arriving}>
            <legend>{t('form.address')}</legend>
            <AddressFields />
          </fieldset>

          <fieldset className="section consent">
            <legend>{t('consent.title')}</legend>
            <ConsentBox name="consent.marketing" label={t('consent.marketing')} givenAt={detail?.consent.marketingAt ?? null} />
            <ConsentBox name="consent.sms" label={t('consent.sms')} givenAt={detail?.consent.smsAt ?? null} />
          </fieldset>
        </div>

        <fieldset className="section optic">
          <legend>{t('form.optic')}</legend>
          {detail ? <CurrentRx customer={detail} onOpenEditor={onOpenRxEditor} /> : <p className="form-hint optic-hint">{t('form.opticHintNew')}</p>}
        </fieldset>
      </div>
      <p className="form-hint">{t('form.hint')}</p>
    </form>
  );
}

/** The address as the store's country writes one (addressLayout.ts). */
function AddressFields() {
  const { t } = useTranslation();
  const country = useStoreProfile().data?.country ?? null;
  const state = useWatch({ control: useFormContext().control, name: 'address.state' }) as string | null | undefined;
  return addressLayout(country, state).map((f) => (
    <TextField key={f.name} name={`address.${f.name}`} label={t(f.labelKey)} autoComplete="off" {...(f.wide ? { className: 'wide' } : {})} />
  ));
}

/** What the store's cloud still needs before this customer can be sent (issue 12, item 1). */
function CompletenessTodo({ missing }: { missing: readonly CompletableField[] }) {
  const { t, i18n } = useTranslation();
  if (missing.length === 0) return null;
  const locale = intlLocale(i18n.language);
  const fields = new Intl.ListFormat(locale, { type: 'conjunction' }).format(missing.map((f) => t(`form.${f}`).toLocaleLowerCase(locale)));
  return <p className="todo-note">{t('todo.missing', { fields })}</p>;
}
