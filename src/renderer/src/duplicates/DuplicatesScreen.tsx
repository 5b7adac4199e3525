import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import type { DuplicatePair, MergeRecord, PairCustomer } from '../../../shared/customers/merge';
import { errorMessage } from '../api/errors';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { FormError } from '../components/FormError';
import { formatDay, formatMoment } from '../format';
import { WriteGateNote, useWriteGate } from '../licence/useWriteGate';
import { reasonKeys } from './mergeChoices';
import { MergeView, type Merged } from './MergeView';
import { useDismissPair, useDuplicatePairs, usePastMerges, useUnmerge } from './queries';

/**
 * "Possible duplicates" (owner; issue 13, item 3): the pairs the core found, strongest first, each
 * with why in words; Compare opens the side-by-side merge. Past merges below, each with Undo.
 */
export function DuplicatesScreen({ onOpenCustomer }: { onOpenCustomer: (id: string) => void }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const [comparing, setComparing] = useState<DuplicatePair | null>(null);
  const [merged, setMerged] = useState<Merged | null>(null);
  const [toUndo, setToUndo] = useState<{ id: string; kept: string; merged: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Said when shown, so the words follow a change of language.
  const [undone, setUndone] = useState<{ merged: string; kept: string } | null>(null);
  const pairs = useDuplicatePairs(page);
  const dismiss = useDismissPair();
  const unmerge = useUnmerge();
  const gate = useWriteGate('customers.merge');
  const titleId = useId();

  if (comparing) {
    return (
      <MergeView
        pair={comparing}
        onCancel={() => setComparing(null)}
        onMerged={(m) => {
          setComparing(null);
          setUndone(null);
          setMerged(m);
        }}
        onGone={(name) => {
          setComparing(null);
          setError(t('merge.sideBySide.gone', { name }));
        }}
      />
    );
  }

  const onUndo = async () => {
    if (!toUndo) return;
    setError(null);
    try {
      await unmerge.mutateAsync(toUndo.id);
      setUndone({ merged: toUndo.merged, kept: toUndo.kept });
      setMerged(null);
      setToUndo(null);
    } catch (e) {
      setError(errorMessage(e, t));
    }
  };

  const data = pairs.data;
  return (
    <section className="admin-screen duplicates-screen" aria-labelledby={titleId}>
      <div className="admin-head">
        <h1 id={titleId}>{t('merge.title')}</h1>
        <span className="spacer" />
        <span role="status" className="flash">
          {merged ? t('merge.done', { merged: merged.mergedName, kept: merged.keptName }) : undone ? t('merge.undone', undone) : null}
        </span>
        {merged ? (
          <button type="button" onClick={() => (gate.disabled ? undefined : setToUndo({ id: merged.mergeRecordId, kept: merged.keptName, merged: merged.mergedName }))} aria-disabled={gate.disabled}>
            {t('merge.undo')}
          </button>
        ) : null}
      </div>
      <p className="muted admin-intro">{t('merge.intro')}</p>
      <WriteGateNote gate={gate} />
      <FormError>{toUndo ? null : error}</FormError>

      {pairs.isPending ? (
        <p className="screen-message" role="status">
          {t('merge.loading')}
        </p>
      ) : pairs.isError ? (
        <p className="screen-message" role="alert">
          {errorMessage(pairs.error, t)}
        </p>
      ) : !data || data.pairs.length === 0 ? (
        <p className="screen-message">{t('merge.none')}</p>
      ) : (
        <PairsTable
          data={data}
          page={page}
          titleId={titleId}
          disabled={gate.disabled || dismiss.isPending}
          onPage={setPage}
          onCompare={setComparing}
          onOpen={onOpenCustomer}
          onDismiss={(p) => void dismiss.mutateAsync({ aId: p.a.id, bId: p.b.id }).catch((e: unknown) => setError(errorMessage(e, t)))}
        />
      )}
      <PastMerges onUndo={(m) => setToUndo({ id: m.id, kept: m.keptName, merged: m.mergedName })} onOpen={onOpenCustomer} disabled={gate.disabled} />
      {toUndo ? (
        <ConfirmDialog
          title={t('merge.undoConfirm.title')}
          body={t('merge.undoConfirm.body', { merged: toUndo.merged, kept: toUndo.kept })}
          confirmLabel={unmerge.isPending ? t('merge.undoConfirm.working') : t('merge.undoConfirm.confirm')}
          cancelLabel={t('common.cancel')}
          busy={unmerge.isPending}
          error={error}
          onConfirm={() => void onUndo()}
          onCancel={() => {
            setError(null);
            setToUndo(null);
          }}
        />
      ) : null}
    </section>
  );
}

type TableProps = {
  data: ChannelOutput<'customers.duplicatePairs'>;
  page: number;
  titleId: string;
  disabled: boolean;
  onPage: (page: number) => void;
  onCompare: (p: DuplicatePair) => void;
  onOpen: (id: string) => void;
  onDismiss: (p: DuplicatePair) => void;
};

/** The pairs, strongest first: both customers, why in words, Compare and "Not the same person"; pages below. */
function PairsTable({ data, page, titleId, disabled, onPage, onCompare, onOpen, onDismiss }: TableProps) {
  const { t } = useTranslation();
  return (
    <>
      <table className="admin-table pairs-table" aria-labelledby={titleId}>
        <thead>
          <tr>
            <th scope="col">{t('merge.columns.customer')}</th>
            <th scope="col">{t('merge.columns.other')}</th>
            <th scope="col">{t('merge.columns.why')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('merge.columns.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {data.pairs.map((p) => (
            <tr key={`${p.a.id}|${p.b.id}`}>
              <td>
                <PairSide c={p.a} onOpen={onOpen} />
              </td>
              <td>
                <PairSide c={p.b} onOpen={onOpen} />
              </td>
              <td className="pair-reasons">{reasonWords(p, t)}</td>
              <td className="row-actions">
                <button type="button" className="small" onClick={() => onCompare(p)} aria-label={t('merge.compareLabel', { a: nameOf(p.a), b: nameOf(p.b) })}>
                  {t('merge.compare')}
                </button>
                <button type="button" className="small" aria-disabled={disabled} onClick={() => (disabled ? undefined : onDismiss(p))} aria-label={t('merge.dismissLabel', { a: nameOf(p.a), b: nameOf(p.b) })}>
                  {t('merge.dismiss')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.pagination.totalPages > 1 ? (
        <nav className="pager" aria-label={t('merge.pages')}>
          <button type="button" className="small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
            {t('merge.previous')}
          </button>
          <span>{t('merge.page', { page, pages: data.pagination.totalPages, total: data.pagination.total })}</span>
          <button type="button" className="small" disabled={page >= data.pagination.totalPages} onClick={() => onPage(page + 1)}>
            {t('merge.next')}
          </button>
        </nav>
      ) : null}
    </>
  );
}

export function nameOf(c: { firstName: string; lastName: string; email: string }): string {
  return `${c.firstName} ${c.lastName}`.trim() || c.email;
}

function reasonWords(p: DuplicatePair, t: ReturnType<typeof useTranslation>['t']): string {
  return reasonKeys(p)
    .map((k) => t(k))
    .join(t('duplicates.reasonSeparator'));
}

/** One customer of a pair: the name (opens them), then what tells them apart. */
function PairSide({ c, onOpen }: { c: PairCustomer; onOpen: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const details = [c.email, c.phoneNumber ? (
      // A phone reads left to right in Arabic too: its groups of digits must not be reordered.
      <bdi key="p" dir="ltr" className="phone-value">
        {c.phoneNumber}
      </bdi>
    ) : '', c.dateOfBirth ? formatDay(c.dateOfBirth, i18n.language) : ''].filter(Boolean);
  return (
    <div className="pair-side">
      <button type="button" className="link" onClick={() => onOpen(c.id)}>
        {nameOf(c)}
      </button>
      <span className="muted">
        {details.map((d, i) => (
          <span key={i}>
            {i > 0 ? ' · ' : ''}
            {d}
          </span>
        ))}
      </span>
      <span className="muted">{t('merge.holds', { prescriptions: c.prescriptions, documents: c.documents })}</span>
    </div>
  );
}

/** Past merges, newest first, with Undo while it is possible. */
function PastMerges({ onUndo, onOpen, disabled }: { onUndo: (m: MergeRecord) => void; onOpen: (id: string) => void; disabled: boolean }) {
  const { t, i18n } = useTranslation();
  const past = usePastMerges();
  const titleId = useId();
  if (!past.data || past.data.merges.length === 0) return null;
  return (
    <>
      <h2 id={titleId} className="past-merges-title">
        {t('merge.past.title')}
      </h2>
      <table className="admin-table" aria-labelledby={titleId}>
        <thead>
          <tr>
            <th scope="col">{t('merge.past.when')}</th>
            <th scope="col">{t('merge.past.kept')}</th>
            <th scope="col">{t('merge.past.merged')}</th>
            <th scope="col">{t('merge.past.moved')}</th>
            <th scope="col">{t('merge.past.by')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('merge.columns.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {past.data.merges.map((m) => (
            <tr key={m.id}>
              <th scope="row">{formatMoment(m.mergedAt, i18n.language)}</th>
              <td>
                {m.unmergedAt || !m.canUndo ? (
                  m.keptName
                ) : (
                  <button type="button" className="link" onClick={() => onOpen(m.keepId)}>
                    {m.keptName}
                  </button>
                )}
              </td>
              <td>{m.mergedName}</td>
              <td>{t('merge.holds', { prescriptions: m.prescriptions, documents: m.documents })}</td>
              <td>{m.mergedBy}</td>
              <td className="row-actions">
                {m.unmergedAt ? (
                  <span className="muted">{t('merge.past.undoneOn', { date: formatMoment(m.unmergedAt, i18n.language) })}</span>
                ) : m.canUndo ? (
                  <button type="button" className="small" aria-disabled={disabled} onClick={() => (disabled ? undefined : onUndo(m))} aria-label={t('merge.past.undoLabel', { merged: m.mergedName, kept: m.keptName })}>
                    {t('merge.undo')}
                  </button>
                ) : m.undoFirst ? (
                  <span className="muted">{t('merge.past.undoFirst', { kept: m.keptName })}</span>
                ) : (
                  <span className="muted">{t('merge.past.cannotUndo')}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
