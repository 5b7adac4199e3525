import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { StoreProfile } from '../../../shared/store-profile/schema';
import { AppError } from '../../../shared/errors';
import { errorMessage } from '../api/errors';
import { Field, SelectBox } from '../components/Field';
import { readBase64 } from '../documents/files';
import { useWriteGate, WriteGateNote } from '../licence/useWriteGate';
import { useSetStoreProfile, useStoreProfile } from './queries';
import { countryOptions, logoFromBytes, storeFormFromProfile, storeInputFromForm, type StoreForm, type StoreFormErrors } from './storeForm';

/** The owner's description of the store: the letterhead of printed cards, its country, and how long prescriptions last. */
export function StoreProfileForm() {
  const profile = useStoreProfile();
  if (!profile.data) return null;
  return <Loaded profile={profile.data} />;
}

function Loaded({ profile }: { profile: StoreProfile }) {
  const { t } = useTranslation();
  const save = useSetStoreProfile();
  const gate = useWriteGate('settings.setStore');
  const [form, setForm] = useState<StoreForm>(() => storeFormFromProfile(profile));
  const [errors, setErrors] = useState<StoreFormErrors>({});
  const [logoError, setLogoError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const titleId = useId();

  const edit = (patch: Partial<StoreForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setSaved(false);
    setFormError(null);
  };

  const pickLogo = async (file: File | undefined) => {
    if (!file) return;
    const base64 = await readBase64(file);
    const picked = logoFromBytes(new Uint8Array(await file.arrayBuffer()), base64);
    if ('error' in picked) {
      setLogoError(t(`storeProfile.${picked.error}`, { kb: 256 }));
      return;
    }
    setLogoError(null);
    edit({ logo: picked.logo });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const read = storeInputFromForm(form);
    if ('errors' in read) {
      setErrors(read.errors);
      return;
    }
    setErrors({});
    try {
      await save.mutateAsync(read.input);
      // The logo that stays is the one saved: a refused pick before it is no longer the news.
      setLogoError(null);
      setSaved(true);
    } catch (err) {
      const code = err instanceof AppError ? err.code : '';
      if (code === 'storeProfile.logoBadType' || code === 'storeProfile.logoTooLarge') setLogoError(t(`storeProfile.${code.split('.')[1]}`, { kb: 256 }));
      else setFormError(errorMessage(err, t));
    }
  };

  const monthsError = (k: keyof StoreFormErrors) => (errors[k] ? t('storeProfile.monthsRange') : null);
  return (
    <form className="admin-card store-profile" noValidate onSubmit={(e) => void submit(e)} aria-labelledby={titleId}>
      <h2 id={titleId}>{t('storeProfile.title')}</h2>
      <p className="muted">{t('storeProfile.intro')}</p>
      <div className="store-profile-grid">
        <Field label={t('storeProfile.name')} value={form.name} maxLength={120} onChange={(e) => edit({ name: e.target.value })} />
        <Field label={t('storeProfile.phone')} type="tel" value={form.phone} maxLength={40} onChange={(e) => edit({ phone: e.target.value })} />
        <AddressField value={form.address} onChange={(address) => edit({ address })} />
        <Field
          label={t('storeProfile.registrationNumber')}
          value={form.registrationNumber}
          maxLength={60}
          hint={t('storeProfile.registrationHint')}
          onChange={(e) => edit({ registrationNumber: e.target.value })}
        />
        <SelectBox
          label={t('storeProfile.country')}
          value={form.country}
          hint={t('storeProfile.countryHint')}
          options={[{ value: '', label: t('storeProfile.noCountry') }, ...countryOptions.map((c) => ({ value: c, label: t(`storeProfile.countries.${c}`) }))]}
          onChange={(e) => edit({ country: e.target.value as StoreForm['country'] })}
        />
        <LogoField logo={form.logo} error={logoError} onPick={(f) => void pickLogo(f)} onRemove={() => edit({ logo: null })} />
      </div>
      <h3>{t('storeProfile.expiryTitle')}</h3>
      <p className="muted">{t('storeProfile.expiryIntro')}</p>
      <div className="settings-row">
        {(['spectacles', 'contacts'] as const).map((kind) => {
          const key = kind === 'spectacles' ? 'spectaclesMonths' : 'contactsMonths';
          return (
            <Field
              key={kind}
              className="narrow"
              inputMode="numeric"
              label={t(`storeProfile.expiryMonths.${kind}`)}
              value={form[key]}
              error={monthsError(key)}
              hint={t('storeProfile.monthsHint')}
              onChange={(e) => edit({ [key]: e.target.value })}
            />
          );
        })}
      </div>
      <div className="settings-row">
        <button type="submit" className="primary" disabled={save.isPending || gate.disabled}>
          {save.isPending ? t('settings.saving') : t('storeProfile.save')}
        </button>
        <WriteGateNote gate={gate} />
        <span role="status" className="flash">
          {saved ? t('storeProfile.saved') : (formError ?? '')}
        </span>
      </div>
    </form>
  );
}

function AddressField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="field store-address">
      <label htmlFor={id}>{t('storeProfile.address')}</label>
      <textarea id={id} rows={3} maxLength={300} value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

function LogoField({ logo, error, onPick, onRemove }: { logo: StoreProfile['logo']; error: string | null; onPick: (f: File | undefined) => void; onRemove: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="store-logo">
      <Field
        type="file"
        accept="image/png,image/jpeg"
        label={t('storeProfile.logo')}
        hint={t('storeProfile.logoHint', { kb: 256 })}
        error={error}
        onChange={(e) => {
          onPick(e.target.files?.[0]);
          e.target.value = '';
        }}
      />
      {logo ? (
        <div className="store-logo-preview">
          <img src={`data:${logo.mimeType};base64,${logo.bytes}`} alt={t('storeProfile.logoPreview')} />
          <button type="button" onClick={onRemove}>
            {t('storeProfile.removeLogo')}
          </button>
        </div>
      ) : null}
    </div>
  );
}
