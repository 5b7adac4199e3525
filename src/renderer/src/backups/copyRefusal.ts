import type { TFunction } from 'i18next';
import { AppError } from '../../../shared/errors';
import { errorMessage } from '../api/errors';

/** Why a copy was refused, in the owner's words: the folder (field) or the copy (dialog). */
export function copyRefusal(error: unknown, t: TFunction): { field: string | null; dialog: string | null } {
  if (error instanceof AppError) {
    switch (error.code) {
      case 'backup.folderNotFound':
        return { field: t('backups.copy.errors.folderNotFound'), dialog: null };
      case 'backup.folderNotWritable':
        return { field: t('backups.copy.errors.folderNotWritable'), dialog: null };
      case 'validation':
        return { field: t('backups.copy.errors.notFullPath'), dialog: null };
      case 'backup.copyExists':
        return { field: null, dialog: t('backups.copy.errors.copyExists') };
      case 'backup.copyFailed':
        return { field: null, dialog: t('backups.copy.errors.copyFailed') };
    }
  }
  return { field: null, dialog: t('backups.copy.errors.other', { message: errorMessage(error, t) }) };
}
