import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type DuplicatePair, type MergeField, mergeFields } from '../../../shared/customers/merge';
import { errorMessage } from '../api/errors';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useCustomer } from '../customers/queries';
import { formatDay } from '../format';
import { WriteGateNote, useWriteGate } from '../licence/useWriteGate';
import { nameOf } from './DuplicatesScreen';
import { type FieldValues, type Side, defaultChoices, differing, fieldValues, goneSide, mergeInput } from './mergeChoices';
import { useMerge } from './queries';

/** What the list is told after a merge: enough to say it and offer Undo. */
export type Merged = { mergeRecordId: string; keptName: string; mergedName: string };

const LABEL: Record<MergeField, string> = {
  firstName: 'form.firstName',
  lastName: 'form.lastName',
  email: 'form.email',
  phoneNumber: 'form.phoneNumber',
  dateOfBirth: 'form.dateOfBirth',
  sex: 'form.sex',
  address: 'form.address',
};

/**
 * Two customers side by side: which one is kept, and for each field that differs, whose value
 * stays. Prescriptions and documents all move to the kept one; the other is deleted (undoable).
 */
export function MergeView({ pair, onCancel, onMerged, onGone }: { pair: DuplicatePair; onCancel: () => void; onMerged: (m: Merged) => void; onGone: (name: string) => void }) {
  const { t } = useTranslation();
  const a = useCustomer(pair.a.id);
  const b = useCustomer(pair.b.id);
  const titleId = useId();
  if (a.isError || b.isError) {
    return (
      <section className="admin-screen">
        <p className="screen-message" role="alert">
          {errorMessage(a.error ?? b.error, t)}
        </p>
        <button type="button" onClick={onCancel}>
          {t('form.back')}
        </button>
      </section>
    );
  }
  if (!a.data || !b.data) {
    return (
      <p className="screen-message" role="status">
        {t('merge.loading')}
      </p>
    );
  }
  return <SideBySide pair={pair} values={{ a: fieldValues(a.data), b: fieldValues(b.data) }} titleId={titleId} onCancel={onCancel} onMerged={onMerged} onGone={onGone} />;
}

type Props = { pair: DuplicatePair; values: Record<Side, FieldValues>; titleId: string; onCancel: () => void; onMerged: (m: Merged) => void; onGone: (name: string) => void };

function SideBySide({ pair, values, titleId, onCancel, onMerged, onGone }: Props) {
  const { t, i18n } = useTranslation();
  const [kept, setKept] = useState<Side>('a');
  const [choices, setChoices] = useState(() => defaultChoices(values, 'a'));
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const merge = useMerge();
  const gate = useWriteGate('customers.merge');
  const differ = useMemo(() => new Set(differing(values)), [values]);
  const other: Side = kept === 'a' ? 'b' : 'a';
  const names = { a: nameOf(pair.a), b: nameOf(pair.b) };
  const shown = (f: MergeField, v: string) => (v === '' ? '—' : f === 'dateOfBirth' ? formatDay(v, i18n.language) : f === 'sex' ? t(`form.sexOptions.${v}`) : v);

  const chooseKept = (side: Side) => {
    setKept(side);
    setChoices(defaultChoices(values, side));
  };
  const onMerge = async () => {
    setError(null);
    try {
      const out = await merge.mutateAsync(mergeInput({ a: pair.a.id, b: pair.b.id }, kept, choices));
      onMerged({ mergeRecordId: out.mergeRecordId, keptName: nameOf(out.customer.localData), mergedName: names[other] });
    } catch (e) {
      // Merged or deleted meanwhile (another screen or PC): back to the list, read again, saying who.
      const gone = goneSide(e, pair);
      if (gone) onGone(names[gone]);
      else setError(errorMessage(e, t));
    }
  };
  const moving = { prescriptions: pair[other].prescriptions, documents: pair[other].documents };

  return (
    <section className="admin-screen merge-view" aria-labelledby={titleId}>
      <div className="admin-head">
        <h1 id={titleId}>{t('merge.sideBySide.title')}</h1>
      </div>
      <p className="muted admin-intro">{t('merge.sideBySide.intro')}</p>
      <table className="admin-table merge-table">
        <thead>
          <tr>
            <th scope="col">{t('merge.sideBySide.field')}</th>
            {(['a', 'b'] as const).map((s) => (
              <th scope="col" key={s} className={kept === s ? 'kept' : undefined}>
                <label className="keep-choice">
                  <input type="radio" name="kept" checked={kept === s} onChange={() => chooseKept(s)} />
                  {t('merge.sideBySide.keep', { name: names[s] })}
                </label>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {mergeFields.map((f) => (
            <tr key={f}>
              <th scope="row">{t(LABEL[f])}</th>
              {(['a', 'b'] as const).map((s) =>
                differ.has(f) ? (
                  <td key={s} className={choices[f] === s ? 'chosen' : undefined}>
                    <label>
                      <input type="radio" name={`field-${f}`} checked={choices[f] === s} onChange={() => setChoices({ ...choices, [f]: s })} />
                      <bdi dir={f === 'phoneNumber' ? 'ltr' : undefined} className={f === 'phoneNumber' ? 'phone-value' : undefined}>
                        {shown(f, values[s][f])}
                      </bdi>
                    </label>
                  </td>
                ) : (
                  <td key={s} className="same">
                    <bdi dir={f === 'phoneNumber' ? 'ltr' : undefined} className={f === 'phoneNumber' ? 'phone-value' : undefined}>
                        {shown(f, values[s][f])}
                      </bdi>
                  </td>
                ),
              )}
            </tr>
          ))}
          <tr>
            <th scope="row">{t('merge.sideBySide.prescriptions')}</th>
            <td className="num-cell">{pair.a.prescriptions}</td>
            <td className="num-cell">{pair.b.prescriptions}</td>
          </tr>
          <tr>
            <th scope="row">{t('merge.sideBySide.documents')}</th>
            <td className="num-cell">{pair.a.documents}</td>
            <td className="num-cell">{pair.b.documents}</td>
          </tr>
        </tbody>
      </table>
      <p className="merge-summary">{t('merge.sideBySide.summary', { kept: names[kept], other: names[other], ...moving })}</p>
      <WriteGateNote gate={gate} />
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="button" className="primary" aria-disabled={gate.disabled} onClick={() => (gate.disabled ? undefined : setConfirming(true))}>
          {t('merge.sideBySide.merge')}
        </button>
      </div>
      {confirming ? (
        <ConfirmDialog
          title={t('merge.confirm.title')}
          body={t('merge.confirm.body', { kept: names[kept], other: names[other], ...moving })}
          confirmLabel={merge.isPending ? t('merge.confirm.working') : t('merge.confirm.confirm')}
          cancelLabel={t('common.cancel')}
          busy={merge.isPending}
          error={error}
          onConfirm={() => void onMerge()}
          onCancel={() => {
            setError(null);
            setConfirming(false);
          }}
        />
      ) : null}
    </section>
  );
}
