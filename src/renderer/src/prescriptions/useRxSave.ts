import { useState } from 'react';
import type { TFunction } from 'i18next';
import { AppError } from '../../../shared/errors';
import type { Message } from '../../../shared/messages';
import type { Wording } from '../i18n/messages';
import type { PrescriptionVersion } from '../../../shared/prescriptions/schema';
import { errorMessage } from '../api/errors';
import { rxInputFromDraft, type RxDraft } from './draft';
import { useCorrectPrescription, useCreatePrescription } from './queries';
import type { EditorMode } from './RxEditor';

/** The core's field errors from a refused save, keyed by the grid's paths, for the input refused. */
export type ServerErrors = { forInput: string; errors: Record<string, Message> };


/**
 * Saving the grid: a new version or a correction. The core checks it again (the same rules); what it
 * refuses is put back on the fields (`serverErrors`) or said above the Save button (`formError`).
 */
export function useRxSave(customerId: string, mode: EditorMode, onSaved: (version: PrescriptionVersion) => void) {
  const create = useCreatePrescription();
  const correct = useCorrectPrescription();
  const [serverErrors, setServerErrors] = useState<ServerErrors | null>(null);
  const [formError, setFormError] = useState<Wording | null>(null);

  const save = async (draft: RxDraft) => {
    setFormError(null);
    const rx = rxInputFromDraft(draft);
    try {
      const saved = mode.kind === 'new' ? await create.mutateAsync({ customerId, rx }) : await correct.mutateAsync({ id: mode.version.id, rx });
      onSaved(saved);
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation' && error.fieldErrors) {
        setServerErrors({ forInput: JSON.stringify(rx), errors: serverMessages(error) });
        setFormError(() => (t: TFunction) => t('rx.fixErrors'));
      } else if (error instanceof AppError && error.code === 'prescription.superseded') {
        setFormError(() => (t: TFunction) => t('rx.superseded'));
      } else {
        setFormError(() => (t: TFunction) => t('rx.saveError', { message: errorMessage(error, t) }));
      }
    }
  };
  return { save, serverErrors, formError, pending: create.isPending || correct.isPending };
}

/** The core's first message for each refused field, keyed by the grid's paths (without `rx.`). */
function serverMessages(error: AppError): Record<string, Message> {
  // A core without fieldMessages: its English text, as a message the screen shows as it is.
  const english = Object.entries(error.fieldErrors ?? {}).map(([path, [text]]) => [path, text === undefined ? undefined : { code: 'field.invalid', params: {}, message: text }] as const);
  const coded = Object.entries(error.fieldMessages ?? {}).map(([path, [message]]) => [path, message] as const);
  return Object.fromEntries([...english, ...coded].flatMap(([path, message]) => (message ? [[path.replace(/^rx\./, ''), message]] : [])));
}
