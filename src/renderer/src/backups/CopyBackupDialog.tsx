import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupInfo } from '../../../shared/backup/schema';
import { Field } from '../components/Field';
import { FormDialog } from '../components/FormDialog';
import { copyRefusal } from './copyRefusal';
import { useCopyBackup, usePickFolder } from './queries';

/**
 * Copies one backup to a folder the owner picks (a USB stick): the desktop app's folder dialog, or
 * the folder's path typed or pasted (the browser host has no dialog; the desktop app may fail to
 * open one). The copy lands in a folder named like the backup, and is checked before it is reported.
 */
export function CopyBackupDialog({ backup, when, onDone, onCancel }: { backup: BackupInfo; when: string; onDone: (copiedTo: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const copy = useCopyBackup();
  const pick = usePickFolder();
  const [folder, setFolder] = useState('');
  const [noDialog, setNoDialog] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);

  const choose = async () => {
    setDialogError(null);
    try {
      const out = await pick.mutateAsync();
      if (!out.handled) setNoDialog(true);
      else if (out.folder) {
        setFolder(out.folder);
        setFieldError(null);
      }
    } catch {
      setNoDialog(true);
    }
  };

  const submit = async () => {
    setFieldError(null);
    setDialogError(null);
    if (folder.trim() === '') {
      setFieldError(t('backups.copy.errors.folderRequired'));
      return;
    }
    try {
      const out = await copy.mutateAsync({ name: backup.name, folder: folder.trim() });
      onDone(out.copiedTo);
    } catch (error) {
      const why = copyRefusal(error, t);
      setFieldError(why.field);
      setDialogError(why.dialog);
    }
  };

  return (
    <FormDialog
      title={t('backups.copy.title')}
      description={t('backups.copy.intro', { date: when })}
      submitLabel={copy.isPending ? t('backups.copy.copying') : t('backups.copy.confirm')}
      cancelLabel={t('common.cancel')}
      busy={copy.isPending}
      error={dialogError}
      onSubmit={() => void submit()}
      onCancel={onCancel}
    >
      <div className="copy-folder-row">
        <Field
          label={t('backups.copy.folder')}
          value={folder}
          spellCheck={false}
          autoComplete="off"
          dir="ltr"
          placeholder={t('backups.copy.placeholder')}
          onChange={(e) => {
            setFolder(e.target.value);
            setFieldError(null);
          }}
          error={fieldError}
          hint={noDialog ? t('backups.copy.typeHint') : t('backups.copy.hint')}
        />
        {noDialog ? null : (
          <button type="button" onClick={() => void choose()} disabled={pick.isPending || copy.isPending}>
            {t('backups.copy.choose')}
          </button>
        )}
      </div>
    </FormDialog>
  );
}
