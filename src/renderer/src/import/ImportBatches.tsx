import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { errorMessage } from '../api/errors';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useFocusIfLost } from '../components/focusReturn';
import { formatMoment } from '../format';
import { useImportBatches, useImportUndo } from './queries';

type Batch = ChannelOutput<'import.batches'>[number];

/** Past imports, newest first, each undoable as a whole while it has customers to take back. */
export function ImportBatches() {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const batches = useImportBatches();
  const undo = useImportUndo();
  const [toUndo, setToUndo] = useState<Batch | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  // The undone batch's Undo button is gone with the dialog: the focus goes on to what it did.
  const flashRef = useRef<HTMLParagraphElement>(null);
  useFocusIfLost(flashRef, flash);
  const nf = new Intl.NumberFormat(i18n.language);

  const onUndo = async (b: Batch) => {
    setError(null);
    try {
      const out = await undo.mutateAsync(b.batchId);
      setToUndo(null);
      setFlash(t('importer.batches.undone', { fileName: b.fileName, removed: nf.format(out.removed), restored: nf.format(out.restored), kept: nf.format(out.kept) }));
    } catch (err) {
      setError(t('importer.batches.undoError', { message: errorMessage(err, t) }));
    }
  };

  const list = batches.data ?? [];
  return (
    <div className="import-batches">
      <h2 id={titleId} className="import-h2">
        {t('importer.batches.title')}
      </h2>
      <p role="status" className="flash" ref={flashRef} tabIndex={-1}>
        {flash}
      </p>
      {batches.isError ? <p role="alert">{errorMessage(batches.error, t)}</p> : null}
      {list.length === 0 && batches.isSuccess ? <p className="muted">{t('importer.batches.empty')}</p> : null}
      {list.length > 0 ? (
        <table className="admin-table" aria-labelledby={titleId}>
          <thead>
            <tr>
              <th scope="col">{t('importer.batches.file')}</th>
              <th scope="col">{t('importer.batches.when')}</th>
              <th scope="col">{t('importer.batches.by')}</th>
              <th scope="col">{t('importer.batches.status')}</th>
              <th scope="col" className="num">{t('importer.result.imported')}</th>
              <th scope="col" className="num">{t('importer.result.merged')}</th>
              <th scope="col" className="num">{t('importer.result.skipped')}</th>
              <th scope="col" className="num">{t('importer.result.prescriptions')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('importer.batches.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((b) => (
              <tr key={b.batchId} className={b.status === 'undone' ? 'disabled' : undefined}>
                <th scope="row">{b.fileName}</th>
                <td>{formatMoment(b.startedAt, i18n.language)}</td>
                <td>{b.by}</td>
                <td>
                  <span className={`badge import-${b.status}`}>{t(`importer.batches.statuses.${b.status}`)}</span>
                </td>
                <td className="num">{nf.format(b.imported)}</td>
                <td className="num">{nf.format(b.merged)}</td>
                <td className="num">{nf.format(b.skipped)}</td>
                <td className="num">{nf.format(b.prescriptions)}</td>
                <td className="row-actions">
                  {b.undoable ? (
                    <button type="button" className="small danger-outline" onClick={() => setToUndo(b)} aria-label={t('importer.batches.undoLabel', { fileName: b.fileName })}>
                      {t('importer.batches.undo')}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {toUndo ? (
        <ConfirmDialog
          title={t('importer.undoConfirm.title')}
          body={
            toUndo.merged > 0
              ? `${t('importer.undoConfirm.body', { fileName: toUndo.fileName, count: toUndo.imported })} ${t('importer.undoConfirm.merged', { count: toUndo.merged })} ${t('importer.undoConfirm.kept')}`
              : `${t('importer.undoConfirm.body', { fileName: toUndo.fileName, count: toUndo.imported })} ${t('importer.undoConfirm.kept')}`
          }
          confirmLabel={undo.isPending ? t('importer.undoConfirm.undoing') : t('importer.undoConfirm.confirm')}
          cancelLabel={t('importer.undoConfirm.cancel')}
          danger
          busy={undo.isPending}
          error={error}
          onConfirm={() => void onUndo(toUndo)}
          onCancel={() => {
            setToUndo(null);
            setError(null);
          }}
        />
      ) : null}
    </div>
  );
}
