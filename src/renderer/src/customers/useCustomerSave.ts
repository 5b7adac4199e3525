import { type BaseSyntheticEvent, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import type { ErrorOption, UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { errorMessage } from '../api/errors';
import type { SaidError } from '../components/messageResolver';
import type { Wording } from '../i18n/messages';
import { createPayload, emailHolder, formValuesFromDetail, placeServerErrors, updatePayload, type CustomerFormOutput, type CustomerFormValues } from './formModel';
import { useCreateCustomer, useUpdateCustomer } from './queries';

type Detail = ChannelOutput<'customers.get'>;
type Form = UseFormReturn<CustomerFormValues, unknown, CustomerFormOutput>;
export type SaveFlash = 'created' | 'saved' | null;

type Options = {
  initialFlash: SaveFlash;
  onCreated: (id: string) => void;
  /** A save starts: what the screen said about an earlier action goes. */
  onStart: () => void;
};

/**
 * Saving the customer's details: creates, or sends only what changed. A refused save puts the core's
 * field errors on the fields (the first takes the focus) and says so in `formError`.
 */
export function useCustomerSave(form: Form, detail: Detail | null, { initialFlash, onCreated, onStart }: Options) {
  const { t } = useTranslation();
  const create = useCreateCustomer();
  const update = useUpdateCustomer();
  // What to say, not the said text: it follows a change of language while shown.
  const [formError, setFormError] = useState<Wording | null>(null);
  const [flash, setFlash] = useState<SaveFlash>(initialFlash);
  // A duplicate email: the customer who has it, to open instead of typing them again.
  const [emailHolderId, setEmailHolderId] = useState<string | null>(null);

  const showServerError = (error: unknown) => {
    if (!(error instanceof AppError)) {
      setFormError(() => (t: TFunction) => t('form.saveError', { message: errorMessage(error, t) }));
      return;
    }
    setEmailHolderId(emailHolder(error.code, error.details));
    const placed = placeServerErrors(error.fieldErrors, error.code, t('errors.customer.emailTaken'));
    placed.forEach(({ path, message }, i) => {
      // The core's message as a code too, so the field says it in the staff's language.
      const said = error.code === 'validation' ? error.fieldMessages?.[path]?.[0] : undefined;
      const fieldError: ErrorOption & SaidError = { type: 'server', message, ...(said ? { said } : {}) };
      form.setError(path, fieldError, { shouldFocus: i === 0 });
    });
    setFormError(() => (t: TFunction) => (placed.length > 0 ? t('form.fixErrors') : t('form.saveError', { message: errorMessage(error, t) })));
  };

  const onValid = async (values: CustomerFormOutput) => {
    setFormError(null);
    setEmailHolderId(null);
    setFlash(null);
    onStart();
    try {
      if (!detail) {
        const out = await create.mutateAsync(createPayload(values));
        onCreated(out.customer.id);
        return;
      }
      const payload = updatePayload(detail.id, values, form.formState.dirtyFields);
      const saved = payload ? await update.mutateAsync(payload) : null;
      // The form now starts from what the core stored, as the save answered it.
      form.reset(saved ? formValuesFromDetail(saved.detail) : form.getValues());
      setFlash('saved');
    } catch (error) {
      showServerError(error);
    }
  };
  const handle = form.handleSubmit(onValid, () => setFormError(() => (t: TFunction) => t('form.fixErrors')));
  // One save at a time: Ctrl+S pressed again before the first answered created a walk-in twice
  // (the disabled Save button does not stop a shortcut; review 34).
  const running = useRef(false);
  const submit = async (e?: BaseSyntheticEvent) => {
    e?.preventDefault();
    if (running.current) return;
    running.current = true;
    try {
      await handle(e);
    } finally {
      running.current = false;
    }
  };
  return { submit, formError: formError ? formError(t) : null, emailHolderId, flash, clearFlash: () => setFlash(null), saving: create.isPending || update.isPending };
}
