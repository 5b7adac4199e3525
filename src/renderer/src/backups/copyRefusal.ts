import type { TFunction } from 'i18next';
import { AppError } from '../../../shared/errors';
import { errorMessage } from '../api/errors';

/** Why a copy was refused, in the owner's words: the folder (field) or the copy (dialog). */
export function copyRefusal(error: unknown, t: TFunction): { field: string | null; dialog: string | null } {
  if (error instanceof AppError) {
    switch (error.code) {
      case 'backup.folderNotFound':
      case 'backup.folderNotWritable':
        return { field: errorMessage(error, t), dialog: null };
      case 'validation':
        return { field: t('backups.copy.errors.notFullPath'), dialog: null };
      case 'backup.copyExists':
      case 'backup.copyFailed':
        return { field: null, dialog: errorMessage(error, t) };
    }
  }
  return { field: null, dialog: t('backups.copy.errors.other', { message: errorMessage(error, t) }) };
}
