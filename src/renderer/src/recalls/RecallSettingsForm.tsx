import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RecallSettings } from '../../../shared/recalls/schema';
import { errorMessage } from '../api/errors';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { StatusLine } from '../components/StatusLine';
import { useWriteGate, WriteGateNote } from '../licence/useWriteGate';
import { useRecallSettings, useSetRecallSettings } from './queries';

const keys = ['spectaclesMonths', 'contactsMonths', 'youngMonths', 'seniorMonths'] as const;
type Texts = Record<(typeof keys)[number], string>;

/** The store's recall intervals (owner): by kind, and shorter for the under-16s and the over-60s. */
export function RecallSettingsForm() {
  const { t } = useTranslation();
  const settings = useRecallSettings();
  const save = useSetRecallSettings();
  const gate = useWriteGate('recalls.setSettings');
  const [texts, setTexts] = useState<Texts | null>(null);
  const [bad, setBad] = useState(false);
  const shown: Texts | null = texts ?? (settings.data ? (Object.fromEntries(keys.map((k) => [k, String(settings.data[k])])) as Texts) : null);
  if (!shown) return null;

  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    const parsed = RecallSettings.safeParse(Object.fromEntries(keys.map((k) => [k, /^\d+$/.test(shown[k].trim()) ? Number(shown[k]) : NaN])));
    setBad(!parsed.success);
    if (parsed.success) save.mutate(parsed.data, { onSuccess: () => setTexts(null) });
  };
  return (
    <details className="recall-settings">
      <summary>{t('recalls.settings.title')}</summary>
      <form onSubmit={onSubmit} aria-label={t('recalls.settings.title')}>
        <p className="field-hint">{t('recalls.settings.hint')}</p>
        <div className="recall-settings-fields">
          {keys.map((k) => (
            <Field
              key={k}
              label={t(`recalls.settings.${k}`)}
              inputMode="numeric"
              value={shown[k]}
              onChange={(e) => {
                save.reset();
                setTexts({ ...shown, [k]: e.target.value });
              }}
            />
          ))}
        </div>
        <FormError>{bad ? t('recalls.settings.invalid') : save.error ? errorMessage(save.error, t) : null}</FormError>
        <button type="submit" disabled={gate.disabled || save.isPending}>
          {t('recalls.settings.save')}
        </button>
        <WriteGateNote gate={gate} />
        <StatusLine className="form-status">{save.isSuccess && !texts ? t('recalls.settings.saved') : null}</StatusLine>
      </form>
    </details>
  );
}
