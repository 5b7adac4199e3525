import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import type { PrescriptionVersion } from '../../../shared/prescriptions/schema';
import { useCall } from '../api/context';
import { errorMessage } from '../api/errors';
import { useLeaveGuard } from '../components/useLeaveGuard';
import { formatDay } from '../format';
import { pdKeys } from './draft';
import { PrintCard } from './PrintCard';
import { usePrescriptions } from './queries';
import { RxEditor, type EditorMode } from './RxEditor';
import { RxProblems } from './RxProblems';
import { RxTable } from './RxTable';
import { Timeline } from './Timeline';
import { rxCheckContext } from './useRxCheck';
import { FormError } from '../components/FormError';
import { useStoreProfile } from '../settings/queries';

type Customer = ChannelOutput<'customers.get'>;

type Props = {
  customer: Customer;
  /** This tab is the one shown. */
  active: boolean;
  /** Unsaved typing in the grid, for the screen's "discard changes?" guard. */
  onDirtyChange: (dirty: boolean) => void;
};

/**
 * The customer's prescription: the version staff compare with (read-only) above the grid being
 * typed, the timeline beside, and the printable card of the current version.
 */
export function PrescriptionPanel({ customer, active, onDirtyChange }: Props) {
  const { t } = useTranslation();
  const store = useStoreProfile();
  const list = usePrescriptions(customer.id);
  const call = useCall();
  // The desktop app saves a PDF; in the browser host the core answers "not handled": browser print.
  const print = async () => {
    const out = await call('app.printToPdf', {}).catch(() => ({ handled: false }));
    if (!out.handled) window.print();
  };
  // `n` gives a fresh grid after each save.
  const [mode, setMode] = useState<EditorMode & { n: number }>({ kind: 'new', n: 0 });
  const [flash, setFlash] = useState<string | null>(null);
  const dirty = useRef(false);
  const refocus = useRef(false);
  useEffect(() => {
    if (!refocus.current) return;
    refocus.current = false;
    document.querySelector<HTMLInputElement>('form.rx-editor input[name="distanceVision.rightEye.sph"]')?.focus();
  }, [mode]);
  const onEditorDirty = useCallback(
    (value: boolean) => {
      dirty.current = value;
      onDirtyChange(value);
    },
    [onDirtyChange],
  );
  const leave = useLeaveGuard(() => dirty.current, 'rx.discard');

  const versions = useMemo(() => list.data ?? [], [list.data]);
  const current = versions.find((v) => v.current) ?? null;
  const reference = mode.kind === 'correct' ? mode.version : current;
  const checkContext = useMemo(() => rxCheckContext(customer.localData.dateOfBirth, versions), [customer.localData.dateOfBirth, versions]);

  const switchTo = (next: EditorMode) => {
    const go = () => {
      dirty.current = false;
      setFlash(null);
      setMode((m) => ({ ...next, n: m.n + 1 }));
    };
    if (leave.guard(go)) go();
  };
  const onSaved = (saved: PrescriptionVersion) => {
    dirty.current = false;
    // The saved editor is replaced by a fresh one: a keyboard user stays in it, on its first cell.
    refocus.current = document.activeElement?.closest('form.rx-editor') !== null;
    setMode((m) => ({ kind: 'new', n: m.n + 1 }));
    setFlash(saved.correctsId ? t('rx.savedCorrection', { version: saved.version }) : t('rx.saved', { version: saved.version }));
  };

  return (
    <div className="rx-panel">
      <div className="rx-main">
        <div className="rx-panel-head">
          <span role="status" className="flash">
            {flash ?? ''}
          </span>
          <span className="spacer" />
          {/* Without the store's details the card has no letterhead: the button says where they are set. */}
          <button type="button" onClick={() => void print()} disabled={!current} title={store.data && !store.data.name ? t('rxCard.noStore') : t('print.hint')}>
            {t('print.button')}
          </button>
        </div>

        {list.isError ? <FormError>{t('rx.loadError', { message: errorMessage(list.error, t) })}</FormError> : null}

        {reference ? (
          <RxReference reference={reference} corrected={mode.kind === 'correct'} />
        ) : list.isSuccess ? (
          <p className="rx-reference empty muted">{t('rx.reference.none')}</p>
        ) : null}

        <RxEditor
          key={mode.kind === 'new' ? `new-${mode.n}` : `correct-${mode.version.id}-${mode.n}`}
          customerId={customer.id}
          mode={mode}
          reference={reference}
          checkContext={checkContext}
          active={active}
          onDirtyChange={onEditorDirty}
          onSaved={onSaved}
          onCancelCorrection={() => switchTo({ kind: 'new' })}
        />
      </div>

      <Timeline versions={versions} correctingId={mode.kind === 'correct' ? mode.version.id : null} onCorrect={(v) => switchTo({ kind: 'correct', version: v })} />

      {current ? <PrintCard customer={customer} version={current} /> : null}
      {leave.dialog}
    </div>
  );
}

/** The version staff compare with, read-only, laid out like the grid below it so values line up. */
function RxReference({ reference, corrected }: { reference: PrescriptionVersion; corrected: boolean }) {
  const { t, i18n } = useTranslation();
  const date = formatDay(reference.rx.examDate, i18n.language);
  const title = corrected ? t('rx.reference.corrected', { version: reference.version, date }) : t('rx.reference.current', { version: reference.version, date });
  return (
    <section className="rx-reference" aria-label={title}>
      <h2 className="rx-reference-title">{title}</h2>
      <RxProblems problems={reference.problems} />
      {/* Laid out as the grid below it: left to right in every language. */}
      <div className="rx-grid-row" dir="ltr">
        <RxTable rx={reference.rx} className="rx-reference-table" withSe />
        <dl className="rx-reference-side">
          {pdKeys.flatMap((k) =>
            reference.rx.pd?.[k]
              ? [
                  <div key={k}>
                    <dt>{t(`rx.pd.${k}`)}</dt>
                    <dd>{reference.rx.pd[k]}</dd>
                  </div>,
                ]
              : [],
          )}
          {reference.rx.prescriber ? (
            <div>
              <dt>{t('rx.field.prescriber')}</dt>
              <dd>{reference.rx.prescriber}</dd>
            </div>
          ) : null}
        </dl>
      </div>
    </section>
  );
}
