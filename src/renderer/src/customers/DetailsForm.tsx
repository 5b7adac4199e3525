import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { CurrentRx } from '../prescriptions/CurrentRx';
import { ConsentBox, SelectField, TextField } from './fields';
import { FormError } from '../components/FormError';

type Detail = ChannelOutput<'customers.get'>;

type Props = {
  formId: string;
  name: string;
  detail: Detail | null;
  /** Shown above the fields once staff tried to save. */
  formError: string | null;
  onSubmit: () => void;
  onOpenRxEditor: () => void;
};

/** The Details tab's form: personal details, address, consent, and the current prescription read-only. */
export function DetailsForm({ formId, name, detail, formError, onSubmit, onOpenRxEditor }: Props) {
  const { t } = useTranslation();
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
      <FormError>{formError}</FormError>

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
          {detail ? <CurrentRx customer={detail} onOpenEditor={onOpenRxEditor} /> : <p className="form-hint optic-hint">{t('form.opticHintNew')}</p>}
        </fieldset>
      </div>
      <p className="form-hint">{t('form.hint')}</p>
    </form>
  );
}
