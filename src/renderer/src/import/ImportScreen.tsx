import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import type { ImportMapping } from '../../../shared/import/schema';
import { errorMessage } from '../api/errors';
import { FormError } from '../components/FormError';
import { ImportBatches } from './ImportBatches';
import { type Encoding, ImportReview, type ReviewChoices } from './ImportReview';
import { ImportResult, ImportRunning } from './ImportRun';
import { IMPORT_ACCEPT, readFileBase64, rowChoices } from './importModel';
import { useImportBatches, useImportPreview, useImportRun } from './queries';

type Preview = ChannelOutput<'import.preview'>;
type DateOrder = Preview['dateOrder'];
export type ImportFile = { fileName: string; bytes: string };

type Step =
  | { name: 'pick' }
  | { name: 'review'; file: ImportFile; preview: Preview }
  | { name: 'running'; file: ImportFile; runId: string; total: number }
  | { name: 'result'; fileName: string; out: ChannelOutput<'import.run'> };

/**
 * Importing the previous system's customers (owner): pick a file, check how its columns are read and
 * what its first rows become, then import it as one batch with a progress bar; past batches can be
 * undone. Each step is one state; the core does the reading and the rules.
 */
export function ImportScreen() {
  const { t } = useTranslation();
  const titleId = useId();
  const [step, setStep] = useState<Step>({ name: 'pick' });
  const [error, setError] = useState<string | null>(null);
  // A cancel confirmed once the import had finished: said until the next file, however the answers
  // arrive (the cancel's after the result's, or on a visit that found the import running again).
  const [tooLate, setTooLate] = useState(false);
  const preview = useImportPreview();
  const run = useImportRun();
  const batches = useImportBatches();
  // An import under way that this visit did not start (the screen was left and opened again): its bar and Cancel.
  const elsewhere = step.name === 'pick' ? batches.data?.find((b) => b.status === 'running' && b.runId) : undefined;

  const onPicked = async (picked: File) => {
    setError(null);
    setTooLate(false);
    try {
      const file = { fileName: picked.name, bytes: await readFileBase64(picked) };
      setStep({ name: 'review', file, preview: await preview.mutateAsync(file) });
    } catch (err) {
      setError(t('importer.readError', { message: errorMessage(err, t) }));
    }
  };

  /** The person changed the mapping or the date order: the preview is asked again with them. */
  const onRecheck = async (file: ImportFile, mapping: ImportMapping, dateOrder: DateOrder, encoding: Encoding) => {
    setError(null);
    try {
      const next = await preview.mutateAsync({ ...file, mapping, dateOrder, encoding });
      setStep((s) => (s.name === 'review' && s.file === file ? { ...s, preview: next } : s));
    } catch (err) {
      setError(t('importer.readError', { message: errorMessage(err, t) }));
    }
  };

  const onImport = async (file: ImportFile, p: Preview, c: ReviewChoices) => {
    setError(null);
    const runId = crypto.randomUUID();
    setTooLate(false);
    setStep({ name: 'running', file, runId, total: p.totalRows });
    try {
      const out = await run.mutateAsync({ ...file, mapping: p.mapping, dateOrder: p.dateOrder, encoding: c.encoding, onDuplicate: c.fallback, rowChoices: rowChoices(c.rows, c.fallback), runId });
      setStep({ name: 'result', fileName: file.fileName, out });
    } catch (err) {
      setError(t('importer.runError', { message: errorMessage(err, t) }));
      setStep({ name: 'review', file, preview: p });
    }
  };

  return (
    <section className="admin-screen import-screen" aria-labelledby={titleId}>
      <div className="admin-head">
        <h1 id={titleId}>{t('importer.title')}</h1>
        <span className="spacer" />
        {step.name === 'review' || step.name === 'result' ? (
          <button type="button" onClick={() => setStep({ name: 'pick' })}>
            {t('importer.another')}
          </button>
        ) : null}
      </div>
      <FormError>{error}</FormError>
      {tooLate && (step.name === 'pick' || step.name === 'result') ? (
        <p role="status" className="import-too-late">
          {t('importer.result.cancelTooLate')}
        </p>
      ) : null}
      {step.name === 'pick' && elsewhere?.runId ? <ImportRunning fileName={elsewhere.fileName} runId={elsewhere.runId} total={0} onTooLate={() => setTooLate(true)} /> : null}
      {step.name === 'pick' && !elsewhere ? <FilePicker busy={preview.isPending} onPicked={(f) => void onPicked(f)} /> : null}
      {step.name === 'review' ? (
        <ImportReview
          key={step.file.fileName + step.file.bytes.length}
          file={step.file}
          preview={step.preview}
          checking={preview.isPending}
          onRecheck={(mapping, dateOrder, encoding) => void onRecheck(step.file, mapping, dateOrder, encoding)}
          onImport={(choices) => void onImport(step.file, step.preview, choices)}
        />
      ) : null}
      {step.name === 'running' ? <ImportRunning fileName={step.file.fileName} runId={step.runId} total={step.total} onTooLate={() => setTooLate(true)} /> : null}
      {step.name === 'result' ? <ImportResult fileName={step.fileName} out={step.out} /> : null}
      {step.name === 'pick' || step.name === 'result' ? <ImportBatches /> : null}
    </section>
  );
}

/** The first step: what the import takes, and the file. */
function FilePicker({ busy, onPicked }: { busy: boolean; onPicked: (file: File) => void }) {
  const { t } = useTranslation();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="import-pick">
      <p className="muted admin-intro">{t('importer.intro')}</p>
      <p id={inputId} className="import-file-label">
        {t('importer.chooseFile')}
      </p>
      {/* The browser's own file control speaks the browser's language, not the app's: a button opens it. */}
      <button type="button" className="primary" disabled={busy} aria-describedby={inputId} onClick={() => input.current?.click()}>
        {t('importer.pick')}
      </button>
      <input
        ref={input}
        hidden
        aria-labelledby={inputId}
        type="file"
        accept={IMPORT_ACCEPT}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) onPicked(file);
          // The same file picked again (after a fix in the spreadsheet) is read again.
          e.target.value = '';
        }}
      />
      {busy ? (
        <p role="status" className="muted">
          {t('importer.reading')}
        </p>
      ) : null}
    </div>
  );
}
