import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { errorMessage } from '../api/errors';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { blobFromBase64, saveBlob } from '../documents/files';
import { PurgeDialog } from './PurgeDialog';
import { useDeleteCustomer, useExportCustomer } from './queries';

type Detail = ChannelOutput<'customers.get'>;
export type ExportState = { ok: true; fileName: string } | { ok: false; message: string } | null;

/** A subject-access request: everything held on the customer, as a zip the owner hands over. */
export function useCustomerExport(id: string | null) {
  const { t } = useTranslation();
  const exportData = useExportCustomer();
  const [state, setState] = useState<ExportState>(null);
  const run = async () => {
    if (!id) return;
    setState(null);
    try {
      const out = await exportData.mutateAsync(id);
      saveBlob(blobFromBase64(out.bytes, 'application/zip'), out.fileName);
      setState({ ok: true, fileName: out.fileName });
    } catch (error) {
      setState({ ok: false, message: t('export.error', { message: errorMessage(error, t) }) });
    }
  };
  return { state, run, clear: () => setState(null), pending: exportData.isPending };
}

type Props = { detail: Detail; name: string; exporting: boolean; onExport: () => void; onDeleted: () => void };

/** The owner's actions on a customer: export, delete, erase for good. Not shown to staff (the core refuses them anyway). */
export function OwnerActions({ detail, name, exporting, onExport, onDeleted }: Props) {
  const { t } = useTranslation();
  const del = useDeleteCustomer();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [confirmPurge, setConfirmPurge] = useState(false);

  const onDelete = async () => {
    setDeleteError(null);
    try {
      await del.mutateAsync(detail.id);
      setConfirmDelete(false);
      onDeleted();
    } catch (error) {
      setDeleteError(t('delete.error', { message: errorMessage(error, t) }));
    }
  };

  return (
    <>
      <button type="button" onClick={onExport} disabled={exporting} title={t('export.hint')}>
        {exporting ? t('export.exporting') : t('export.button')}
      </button>
      <button type="button" className="danger-outline" onClick={() => setConfirmDelete(true)}>
        {t('form.delete')}
      </button>
      <button type="button" className="danger-outline" onClick={() => setConfirmPurge(true)} title={t('purge.hint')}>
        {t('purge.button')}
      </button>
      {confirmDelete ? (
        <ConfirmDialog
          title={t('delete.title')}
          body={t('delete.body', { name })}
          confirmLabel={del.isPending ? t('delete.deleting') : t('delete.confirm')}
          cancelLabel={t('delete.cancel')}
          danger
          busy={del.isPending}
          error={deleteError}
          onConfirm={() => void onDelete()}
          onCancel={() => {
            setConfirmDelete(false);
            setDeleteError(null);
          }}
        />
      ) : null}
      {confirmPurge ? <PurgeDialog customerId={detail.id} name={name} onPurged={onDeleted} onCancel={() => setConfirmPurge(false)} /> : null}
    </>
  );
}
