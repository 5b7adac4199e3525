import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ExportColumn, exportColumns } from '../../../shared/customers/export-list';
import { errorMessage } from '../api/errors';
import { FormDialog } from '../components/FormDialog';
import { blobFromBase64, saveBlob } from '../documents/files';
import { EXPORT_COLUMNS_KEY, EXPORT_MIME, type ExportScope, exportRequest, readExportColumns, toggleColumn } from './exportList';
import { useExportList } from './queries';

type Props = {
  /** The search on screen (trimmed), and how many it finds. */
  search: string;
  matches: number;
  onDone: (message: string) => void;
  onCancel: () => void;
};

/** "Export list": the columns (remembered on this PC), the format, the current search or everyone; then the file is saved. */
export function ExportListDialog({ search, matches, onDone, onCancel }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const exportList = useExportList();
  const [columns, setColumns] = useState<ExportColumn[]>(() => readExportColumns(localStorage.getItem(EXPORT_COLUMNS_KEY)));
  const [format, setFormat] = useState<'csv' | 'xlsx'>('xlsx');
  const [scope, setScope] = useState<ExportScope>(search ? 'search' : 'all');
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    if (columns.length === 0) {
      setError(t('exportList.noColumn'));
      return;
    }
    setError(null);
    localStorage.setItem(EXPORT_COLUMNS_KEY, JSON.stringify(columns));
    const headers = Object.fromEntries(exportColumns.map((c) => [c, t(`exportList.columns.${c}`)]));
    try {
      const out = await exportList.mutateAsync(exportRequest({ format, scope, search, columns, headers }));
      saveBlob(blobFromBase64(out.bytes, EXPORT_MIME[format]), out.fileName);
      onDone(t('exportList.done', { count: out.rows, fileName: out.fileName }));
    } catch (err) {
      setError(t('exportList.error', { message: errorMessage(err, t) }));
    }
  };

  return (
    <FormDialog
      title={t('exportList.title')}
      description={t('exportList.description')}
      submitLabel={exportList.isPending ? t('exportList.exporting') : t('exportList.submit')}
      cancelLabel={t('exportList.cancel')}
      busy={exportList.isPending}
      error={error}
      onSubmit={() => void submit()}
      onCancel={onCancel}
    >
      <fieldset className="export-choice">
        <legend>{t('exportList.scope')}</legend>
        {search ? (
          <label className="check">
            <input type="radio" name={`${id}-scope`} checked={scope === 'search'} onChange={() => setScope('search')} />
            {t('exportList.currentSearch', { search, count: matches })}
          </label>
        ) : null}
        <label className="check">
          <input type="radio" name={`${id}-scope`} checked={scope === 'all'} onChange={() => setScope('all')} />
          {search ? t('exportList.all') : t('exportList.allCount', { count: matches })}
        </label>
      </fieldset>
      <fieldset className="export-choice">
        <legend>{t('exportList.format')}</legend>
        <label className="check">
          <input type="radio" name={`${id}-format`} checked={format === 'xlsx'} onChange={() => setFormat('xlsx')} />
          {t('exportList.xlsx')}
        </label>
        <label className="check">
          <input type="radio" name={`${id}-format`} checked={format === 'csv'} onChange={() => setFormat('csv')} />
          {t('exportList.csv')}
        </label>
      </fieldset>
      <fieldset className="export-choice export-columns">
        <legend>{t('exportList.columnsLegend')}</legend>
        {exportColumns.map((c) => (
          <label key={c} className="check">
            <input type="checkbox" checked={columns.includes(c)} onChange={(e) => setColumns(toggleColumn(columns, c, e.target.checked))} />
            {t(`exportList.columns.${c}`)}
          </label>
        ))}
      </fieldset>
    </FormDialog>
  );
}

/** The owner's "Export list" button on the search screen, its dialog, and what came of it. */
export function ExportListAction({ search, matches }: { search: string; matches: number }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  // The note of the file saved goes after a while; the screen reader heard it at once.
  useEffect(() => {
    if (!done) return;
    const timer = setTimeout(() => setDone(null), 10_000);
    return () => clearTimeout(timer);
  }, [done]);
  return (
    <>
      <button type="button" onClick={() => { setDone(null); setOpen(true); }} title={t('exportList.hint')}>
        {t('exportList.button')}
      </button>
      <span className="visually-hidden" role="status">{done}</span>
      {done ? <p className="export-done" aria-hidden="true">{done}</p> : null}
      {open ? (
        <ExportListDialog
          search={search}
          matches={matches}
          onCancel={() => setOpen(false)}
          onDone={(message) => {
            setOpen(false);
            setDone(message);
          }}
        />
      ) : null}
    </>
  );
}
