import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { copyRefusal } from './copyRefusal';

// The key and its values, as i18next would look them up.
const t = ((key: string, values?: Record<string, unknown>) => (values ? `${key} ${JSON.stringify(values)}` : key)) as unknown as TFunction;

describe('why copying a backup was refused', () => {
  it('puts what is wrong with the folder on the folder field', () => {
    expect(copyRefusal(new AppError('backup.folderNotFound', 'x'), t)).toEqual({ field: expect.stringMatching(/^errors\.backup\.folderNotFound /), dialog: null });
    expect(copyRefusal(new AppError('backup.folderNotWritable', 'x'), t)).toEqual({ field: expect.stringMatching(/^errors\.backup\.folderNotWritable /), dialog: null });
    expect(copyRefusal(new AppError('validation', 'x', { folder: ['Give the full path'] }), t)).toEqual({ field: 'backups.copy.errors.notFullPath', dialog: null });
  });

  it('says above the form what is wrong with the copy itself, and anything else with its message', () => {
    expect(copyRefusal(new AppError('backup.copyExists', 'x'), t)).toEqual({ field: null, dialog: expect.stringMatching(/^errors\.backup\.copyExists /) });
    expect(copyRefusal(new AppError('backup.copyFailed', 'x'), t)).toEqual({ field: null, dialog: expect.stringMatching(/^errors\.backup\.copyFailed /) });
    expect(copyRefusal(new AppError('backup.notFound', 'Backup not found'), t)).toEqual({ field: null, dialog: expect.stringMatching(/^backups\.copy\.errors\.other .*errors\.backup\.notFound/) });
  });
});
