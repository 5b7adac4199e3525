import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/errors';
import { DateInput } from '../components/DateInput';
import { FormError } from '../components/FormError';
import { StatusLine } from '../components/StatusLine';
import { formatDay } from '../format';
import { useWriteGate, WriteGateNote } from '../licence/useWriteGate';
import { overrideModes, overrideOf, valuesOf, type OverrideValues } from './overrideForm';
import { useCustomerRecall, useSetRecallOverride } from './queries';

/**
 * A customer's recall on their screen: when they are due (or not), their own rule (the store's,
 * another interval, a fixed date, no recall), and the last calls.
 */
export function CustomerRecall({ customerId }: { customerId: string }) {
  const { t, i18n } = useTranslation();
  const ids = useId();
  const recall = useCustomerRecall(customerId);
  const save = useSetRecallOverride();
  const gate = useWriteGate('recalls.setOverride');
  const [draft, setDraft] = useState<OverrideValues | null>(null);
  const [bad, setBad] = useState<'months' | 'date' | null>(null);
  if (!recall.data) return null;
  const data = recall.data;
  const v = draft ?? valuesOf(data.override);
  const lang = i18n.language;
  const edit = (next: Partial<OverrideValues>) => {
    save.reset();
    setBad(null);
    setDraft({ ...v, ...next });
  };
  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    const out = overrideOf(v);
    if (!out.ok) return setBad(out.field);
    save.mutate({ customerId, override: out.override }, { onSuccess: () => setDraft(null) });
  };

  return (
    <section className="customer-recall" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t('recalls.customer.title')}</h2>
      <p className="customer-recall-due">
        {data.dueDate ? t('recalls.customer.due', { date: formatDay(data.dueDate, lang), state: t(`recalls.states.${data.state ?? 'upcoming'}`) }) : t('recalls.customer.notDue')}
      </p>
      <form className="customer-recall-form" onSubmit={onSubmit}>
        <div className="field">
          <label htmlFor={`${ids}-mode`}>{t('recalls.customer.rule')}</label>
          <select id={`${ids}-mode`} value={v.mode} onChange={(e) => edit({ mode: e.target.value as OverrideValues['mode'] })}>
            {overrideModes.map((m) => (
              <option key={m} value={m}>
                {t(`recalls.customer.modes.${m}`)}
              </option>
            ))}
          </select>
        </div>
        {v.mode === 'months' ? (
          <div className={`field${bad === 'months' ? ' invalid' : ''}`}>
            <label htmlFor={`${ids}-months`}>{t('recalls.customer.months')}</label>
            <input id={`${ids}-months`} inputMode="numeric" value={v.months} onChange={(e) => edit({ months: e.target.value })} aria-invalid={bad === 'months' || undefined} />
          </div>
        ) : null}
        {v.mode === 'date' ? (
          <div className={`field${bad === 'date' ? ' invalid' : ''}`}>
            <label htmlFor={`${ids}-date`}>{t('recalls.customer.date')}</label>
            <DateInput id={`${ids}-date`} kind="event" value={v.date} onChange={(date) => edit({ date })} />
          </div>
        ) : null}
        <button type="submit" disabled={gate.disabled || save.isPending || draft === null}>
          {t('recalls.customer.save')}
        </button>
        <WriteGateNote gate={gate} />
      </form>
      <FormError>{bad ? t(`recalls.customer.invalid.${bad}`) : save.error ? errorMessage(save.error, t) : null}</FormError>
      <StatusLine className="form-status">{save.isSuccess && draft === null ? t('recalls.customer.saved') : null}</StatusLine>
      {data.outcomes.length > 0 ? (
        <ul className="customer-recall-outcomes">
          {data.outcomes.slice(0, 5).map((o) => (
            <li key={o.id}>
              {t('recalls.lastOutcome', { outcome: t(`recalls.outcomes.${o.outcome}`), date: formatDay(o.date, lang) })}
              {o.note ? ` — ${o.note}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
