import { useId, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { type TrailStatus, trailStatus } from '../../../shared/audit/reading';
import type { BackupInfo } from '../../../shared/backup/schema';
import { errorMessage } from '../api/errors';
import { useBackupLocation, useBackups, useCreateBackup, useRestoreBackup } from './queries';
import { CopyBackupDialog } from './CopyBackupDialog';
import { useSignedIn } from '../auth/AuthProvider';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { formatBytes, formatMoment } from '../format';
import { FormError } from '../components/FormError';

/** A backup's audit trail in a word, for its row (the record number is the one History's warning names). */
function trailCell(status: TrailStatus, t: TFunction): string {
  switch (status.kind) {
    case 'notChecked':
      return t('backups.audit.notChecked');
    case 'intact':
      return t('backups.audit.intact');
    case 'altered':
      return t('backups.audit.altered', { id: status.id });
    case 'unguarded':
      return status.id === null ? t('backups.audit.unguardedNow') : t('backups.audit.unguarded', { id: status.id });
  }
}

/** The same in the restore confirmation, as a sentence. */
function trailSentence(status: TrailStatus, t: TFunction): string {
  switch (status.kind) {
    case 'notChecked':
      return t('backups.confirm.auditNotChecked');
    case 'intact':
      return t('backups.confirm.auditIntact');
    case 'altered':
      return t('backups.confirm.auditAltered', { id: status.id });
    case 'unguarded':
      return t('backups.confirm.auditUnguarded');
  }
}

/**
 * The owner's backups: the daily ones, the ones made by hand, and the copies taken before a restore
 * or an update. Restoring one replaces everything with it (after a backup of the current state) and
 * ends every session: everyone signs in again.
 */
export function BackupsScreen() {
  const { t, i18n } = useTranslation();
  const { endSession } = useSignedIn();
  const list = useBackups();
  const create = useCreateBackup();
  const restore = useRestoreBackup();
  const [flash, setFlash] = useState<string | null>(null);
  const [createError, setCreateError] = useState<string | null>(null);
  const [toRestore, setToRestore] = useState<BackupInfo | null>(null);
  const [restoreError, setRestoreError] = useState<string | null>(null);
  const [toCopy, setToCopy] = useState<BackupInfo | null>(null);
  // Its own line, under where backups are kept: a stick's path is long for the header's flash.
  const [copied, setCopied] = useState<string | null>(null);
  const titleId = useId();
  // Seconds: a manual backup and the safety copy of a restore often fall in the same minute.
  const when = (b: BackupInfo) => formatMoment(b.createdAt, i18n.language, 'seconds');

  const onCreate = async () => {
    setFlash(null);
    setCreateError(null);
    try {
      const made = await create.mutateAsync();
      setFlash(t('backups.created', { date: when(made) }));
    } catch (error) {
      setCreateError(t('backups.createError', { message: errorMessage(error, t) }));
    }
  };

  const onRestore = async () => {
    if (!toRestore) return;
    setRestoreError(null);
    try {
      await restore.mutateAsync(toRestore.name);
      endSession({ kind: 'restored', backupCreatedAt: toRestore.createdAt });
    } catch (error) {
      setRestoreError(t('backups.restoreError', { message: errorMessage(error, t) }));
    }
  };

  return (
    <section className="admin-screen" aria-labelledby={titleId}>
      <div className="admin-head">
        <h1 id={titleId}>{t('backups.title')}</h1>
        <span className="spacer" />
        <span role="status" className="flash">
          {flash}
        </span>
        {/* aria-disabled, not disabled: a disabled button loses the keyboard focus to the page. */}
        <button type="button" className="primary" onClick={() => void (create.isPending ? undefined : onCreate())} aria-disabled={create.isPending}>
          {create.isPending ? t('backups.creating') : t('backups.create')}
        </button>
      </div>
      <p className="muted admin-intro">{t('backups.intro')}</p>
      <Location copied={copied} />
      <FormError>{createError}</FormError>

      {list.isPending ? (
        <p className="screen-message" role="status">
          {t('backups.loading')}
        </p>
      ) : list.isError ? (
        <p className="screen-message" role="alert">
          {t('backups.loadError', { message: errorMessage(list.error, t) })}
        </p>
      ) : list.data.length === 0 ? (
        <p className="screen-message">{t('backups.empty')}</p>
      ) : (
        <BackupsTable
          backups={list.data}
          titleId={titleId}
          when={when}
          onRestore={(b) => {
            setRestoreError(null);
            setToRestore(b);
          }}
          onCopy={(b) => {
            setCopied(null);
            setToCopy(b);
          }}
        />
      )}

      {toCopy ? (
        <CopyBackupDialog
          backup={toCopy}
          when={when(toCopy)}
          onCancel={() => setToCopy(null)}
          onDone={(copiedTo) => {
            setToCopy(null);
            setCopied(t('backups.copy.done', { date: when(toCopy), path: copiedTo }));
          }}
        />
      ) : null}
      {toRestore ? (
        <ConfirmDialog
          title={t('backups.confirm.title')}
          // Its date and how many customers it holds: enough to recognise the state about to come back.
          // Its audit trail too: a copy from before an edit outside the app holds the true history.
          body={[
            toRestore.customers === null ? '' : t('backups.confirm.holds', { count: toRestore.customers }),
            trailSentence(trailStatus(toRestore.auditTrail), t),
            t('backups.confirm.body', { date: when(toRestore) }),
          ]
            .filter(Boolean)
            .join(' ')}
          confirmLabel={restore.isPending ? t('backups.confirm.restoring') : t('backups.confirm.confirm')}
          cancelLabel={t('common.cancel')}
          danger
          busy={restore.isPending}
          error={restoreError}
          onConfirm={() => void onRestore()}
          onCancel={() => setToRestore(null)}
        />
      ) : null}
    </section>
  );
}

/** Where the backups are kept, and what the last copy to a folder became. */
function Location({ copied }: { copied: string | null }) {
  const { t } = useTranslation();
  const location = useBackupLocation();
  return (
    <>
      {location.data ? (
        <p className="backups-location">
          {t('backups.location')} <code dir="ltr" data-testid="backups-folder">{location.data.folder}</code>
        </p>
      ) : null}
      <p role="status" className="flash backups-copied">
        {copied}
      </p>
    </>
  );
}

type TableProps = { backups: BackupInfo[]; titleId: string; when: (b: BackupInfo) => string; onRestore: (b: BackupInfo) => void; onCopy: (b: BackupInfo) => void };

/** Each backup: when, what kind, its size, what it holds, its audit trail's state, and Restore. */
function BackupsTable({ backups, titleId, when, onRestore, onCopy }: TableProps) {
  const { t, i18n } = useTranslation();
  return (
    <table className="admin-table" aria-labelledby={titleId}>
      <thead>
        <tr>
          <th scope="col">{t('backups.columns.date')}</th>
          <th scope="col">{t('backups.columns.kind')}</th>
          <th scope="col" className="num">
            {t('backups.columns.size')}
          </th>
          <th scope="col" className="num">
            {t('backups.columns.customers')}
          </th>
          <th scope="col" className="num">
            {t('backups.columns.documents')}
          </th>
          <th scope="col">{t('backups.columns.auditTrail')}</th>
          <th scope="col">
            <span className="visually-hidden">{t('backups.columns.actions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {backups.map((b) => (
          <tr key={b.name}>
            <th scope="row" title={b.name}>
              {when(b)}
            </th>
            <td>
              <span className={`badge kind-${b.kind}`}>{t(`backups.kind.${b.kind}`)}</span>
            </td>
            <td className="num">{formatBytes(b.sizeBytes, i18n.language)}</td>
            <td className="num">{b.customers ?? '—'}</td>
            <td className="num">{b.attachments}</td>
            <td className={`audit-trail trail-${trailStatus(b.auditTrail).kind}`}>{trailCell(trailStatus(b.auditTrail), t)}</td>
            <td className="row-actions">
              <button type="button" className="small" onClick={() => onCopy(b)} aria-label={t('backups.copy.label', { date: when(b) })}>
                {t('backups.copy.button')}
              </button>
              <button
                type="button"
                className="small danger-outline"
                onClick={() => onRestore(b)}
                aria-label={t('backups.restoreLabel', { date: when(b) })}
              >
                {t('backups.restore')}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
