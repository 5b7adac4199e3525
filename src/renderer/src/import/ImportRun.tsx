import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { errorMessage } from '../api/errors';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useFocusIfLost } from '../components/focusReturn';
import { blobFromBase64, saveBlob } from '../documents/files';
import { csvDelimiterFor } from '../customers/exportList';
import { useMessageText } from '../i18n/messages';
import { percentDone, resultCounts } from './importModel';
import { reportCsv } from './importReport';
import { problemLine } from './ImportReview';
import { useImportCancel, useImportProgress } from './queries';

/** The import under way: a real progress bar (the core's rows done), and Cancel after a confirmation. */
export function ImportRunning({ fileName, runId, total, onTooLate }: { fileName: string; runId: string; total: number; onTooLate?: () => void }) {
  const { t, i18n } = useTranslation();
  const progress = useImportProgress(runId);
  const cancel = useImportCancel();
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLParagraphElement>(null);
  useFocusIfLost(heading);
  const done = progress.data?.done ?? 0;
  const all = progress.data?.total || total;
  const percent = percentDone(done, all);
  const nf = new Intl.NumberFormat(i18n.language);
  const cancelling = cancel.data?.cancelling === true || progress.data?.status === 'cancelling';

  const onCancel = async () => {
    setError(null);
    try {
      // The core answers `cancelling: false` when the import was already being recorded as done.
      if (!(await cancel.mutateAsync(runId)).cancelling) onTooLate?.();
      setConfirm(false);
    } catch (err) {
      setError(t('importer.cancelError', { message: errorMessage(err, t) }));
    }
  };

  return (
    <div className="import-running">
      <p ref={heading} tabIndex={-1}>
        {t('importer.running', { fileName })}
      </p>
      <div className="import-progress" role="progressbar" aria-label={t('importer.progressLabel')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={t('importer.progressText', { done: nf.format(done), total: nf.format(all), percent })}>
        <div className="import-progress-bar" style={{ width: `${percent}%` }} />
      </div>
      <p className="muted" aria-hidden="true">
        {t('importer.progressText', { done: nf.format(done), total: nf.format(all), percent })}
      </p>
      <div>
        <button type="button" className="danger-outline" disabled={cancelling} onClick={() => setConfirm(true)}>
          {cancelling ? t('importer.cancelling') : t('importer.cancel')}
        </button>
      </div>
      {confirm ? (
        <ConfirmDialog
          title={t('importer.cancelConfirm.title')}
          body={t('importer.cancelConfirm.body', { fileName })}
          confirmLabel={t('importer.cancelConfirm.confirm')}
          cancelLabel={t('importer.cancelConfirm.keep')}
          danger
          busy={cancel.isPending}
          error={error}
          onConfirm={() => void onCancel()}
          onCancel={() => setConfirm(false)}
        />
      ) : null}
    </div>
  );
}

/** What the import did, and the skipped rows' report to save. */
export function ImportResult({ fileName, out }: { fileName: string; out: ChannelOutput<'import.run'> }) {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language);
  const counts = resultCounts(out);
  const say = useMessageText();
  const heading = useRef<HTMLHeadingElement>(null);
  useFocusIfLost(heading);
  // The report in the person's language (the core's rows, said here); the core's English file otherwise.
  const saveReport = () => {
    if (out.reportRows) {
      const words = {
        columns: { row: t('importer.report.row'), outcome: t('importer.report.outcome'), problems: t('importer.report.problems') },
        outcomes: { skipped: t('importer.report.skipped'), partial: t('importer.report.partial') },
        problem: (p: Parameters<typeof problemLine>[0]) => problemLine(p, t, say),
        fallbackDelimiter: csvDelimiterFor(i18n.language),
        unlisted: (count: number, listed: number) => t('importer.report.unlisted', { count, n: nf.format(count), listed: nf.format(listed) }),
      };
      saveBlob(new Blob([reportCsv(out.reportRows, words)], { type: 'text/csv;charset=utf-8' }), out.reportRows.fileName);
    } else if (out.report) saveBlob(blobFromBase64(out.report.bytes, 'text/csv;charset=utf-8'), out.report.fileName);
  };
  return (
    <div className="import-result" role="status">
      <h2 className="import-h2" ref={heading} tabIndex={-1}>
        {out.cancelled ? t('importer.result.cancelled', { fileName }) : t('importer.result.done', { fileName })}
      </h2>
      {out.cancelled && out.imported === 0 ? <p>{t('importer.result.nothingKept')}</p> : null}
      <dl className="import-counts">
        {counts.map(([k, n]) => (
          <div key={k}>
            <dt>{t(`importer.result.${k}`)}</dt>
            <dd>{nf.format(n)}</dd>
          </div>
        ))}
      </dl>
      {out.report ? (
        <button type="button" onClick={saveReport}>
          {t('importer.result.saveSkipped')}
        </button>
      ) : null}
    </div>
  );
}
