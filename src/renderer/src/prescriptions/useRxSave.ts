import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppError } from '../../../shared/errors';
import type { PrescriptionVersion } from '../../../shared/prescriptions/schema';
import { errorMessage } from '../api/errors';
import { rxInputFromDraft, type RxDraft } from './draft';
import { useCorrectPrescription, useCreatePrescription } from './queries';
import type { EditorMode } from './RxEditor';

/** The core's field errors from a refused save, keyed by the grid's paths, for the input refused. */
export type ServerErrors = { forInput: string; errors: Record<string, string> };

/**
 * Saving the grid: a new version or a correction. The core checks it again (the same rules); what it
 * refuses is put back on the fields (`serverErrors`) or said above the Save button (`formError`).
 */
export function useRxSave(customerId: string, mode: EditorMode, onSaved: (version: PrescriptionVersion) => void) {
  const { t } = useTranslation();
  const create = useCreatePrescription();
  const correct = useCorrectPrescription();
  const [serverErrors, setServerErrors] = useState<ServerErrors | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  const save = async (draft: RxDraft) => {
    setFormError(null);
    const rx = rxInputFromDraft(draft);
    try {
      const saved = mode.kind === 'new' ? await create.mutateAsync({ customerId, rx }) : await correct.mutateAsync({ id: mode.version.id, rx });
      onSaved(saved);
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation' && error.fieldErrors) {
        const errors = Object.fromEntries(
          Object.entries(error.fieldErrors).flatMap(([path, messages]) => (messages[0] ? [[path.replace(/^rx\./, ''), messages[0]]] : [])),
        );
        setServerErrors({ forInput: JSON.stringify(rx), errors });
        setFormError(t('rx.fixErrors'));
      } else if (error instanceof AppError && error.code === 'prescription.superseded') {
        setFormError(t('rx.superseded'));
      } else {
        setFormError(t('rx.saveError', { message: errorMessage(error, t) }));
      }
    }
  };
  return { save, serverErrors, formError, pending: create.isPending || correct.isPending };
}
