import { useEffect, useMemo, useRef, useState } from 'react';
import { FormProvider, useForm, useWatch, type Path } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../shared/messages';
import type { PrescriptionVersion } from '../../../shared/prescriptions/schema';
import { useMessageText, type Wording } from '../i18n/messages';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useSaveShortcut } from '../components/useSaveShortcut';
import { useWriteGate, WriteGateNote } from '../licence/useWriteGate';
import {
  contactKeys,
  copyRightToLeft,
  draftFromRx,
  followDefaultExpiry,
  leftEyeTyped,
  newExamDraft,
  normaliseContact,
  pathLabel,
  pdKeys,
  rowTyped,
  rxEyes,
  rxMeasures,
  rxVisions,
  transposeDraft,
  type RxDraft,
  type RxVision,
} from './draft';
import { FeedbackProvider, type Feedback, type FeedbackLookup } from './feedback';
import { RxGrid } from './RxGrid';
import { RxDateField, RxField, RxSelect, RxTextArea, type EyePath } from './RxFields';
import { placeFeedback, valueAt } from './rxFeedback';
import { RxEditorHead, RxToolbar } from './RxToolbar';
import { useRxCheck, type RxCheckContext } from './useRxCheck';
import { useRxKeys } from './useRxKeys';
import { useRxSave } from './useRxSave';
import { useStoreProfile } from '../settings/queries';
import type { RxExpiryMonths } from '../../../shared/store-profile/schema';
import type { UseFormReturn } from 'react-hook-form';

export type EditorMode = { kind: 'new' } | { kind: 'correct'; version: PrescriptionVersion };

type Props = {
  customerId: string;
  mode: EditorMode;
  /** The version staff compare with: the current one for a new exam, the corrected one for a correction. */
  reference: PrescriptionVersion | null;
  /** What the check compares with: the customer's age and current prescription. */
  checkContext: RxCheckContext;
  /** Whether the Prescription tab is the one shown (Ctrl+S saves here then). */
  active: boolean;
  onDirtyChange: (dirty: boolean) => void;
  onSaved: (version: PrescriptionVersion) => void;
  onCancelCorrection: () => void;
};

/**
 * The prescription grid: a new exam, or a correction of a saved version. Staff type in shorthand;
 * each cell is tidied on blur, and the shared rules, run here on every change, say what is wrong
 * (errors under the cells staff have been through) and what deserves a second look (warnings next to
 * the field they concern). Save creates a version, or a correction of one; the core checks it again.
 */
export function RxEditor({ customerId, mode, reference, checkContext, active, onDirtyChange, onSaved, onCancelCorrection }: Props) {
  const { t } = useTranslation();
  const { defaults, months } = useEditorDefaults(mode, reference);
  const form = useForm<RxDraft>({ defaultValues: defaults });
  const { isDirty, isSubmitting, submitCount, touchedFields } = form.formState;
  // The versions may arrive after the grid opened: an untouched new exam then starts from the current one.
  useEffect(() => {
    if (!form.formState.isDirty) form.reset(defaults);
  }, [defaults, form]);
  const values = useWatch({ control: form.control }) as RxDraft;
  useDefaultExpiry(form, values, mode.kind === 'new' ? months : undefined);
  const { input, result } = useRxCheck(values, checkContext);
  const { save: saveDraft, serverErrors, formError, pending } = useRxSave(customerId, mode, onSaved);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmCopy, setConfirmCopy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const saveRef = useRef<HTMLButtonElement>(null);

  useEffect(() => onDirtyChange(isDirty), [isDirty, onDirtyChange]);
  useEffect(() => () => onDirtyChange(false), [onDirtyChange]);

  // The rows a typed ADD gives are read-only from the keystroke that types the ADD. With no ADD
  // typed, the near and intermediate rows are the prescriber's to write (the ADD is then derived).
  const addTyped = rxEyes.some((e) => values.distanceVision[e].add.trim() !== '');
  const followsAdd = (v: RxVision) => v !== 'distanceVision' && addTyped && !rowTyped(values, v) && !!result.normalized[v];

  const fromServer = serverErrors && serverErrors.forInput === JSON.stringify(input) ? serverErrors.errors : {};
  const placement = placeFeedback(result, values.kind, {
    touched: (path) => valueAt(touchedFields, path) === true,
    submitted: submitCount > 0,
    serverErrors: fromServer,
  });
  const { lineError, reportLine } = useLineErrors(values);
  const lookup: FeedbackLookup = {
    at: (path): Feedback => ({ error: lineError(path) ?? placement.errorAt(path), warnings: placement.warningsByPath.get(path) ?? [] }),
    reportLine,
    suggestion: (path) => {
      const v = valueAt(result.normalized, path);
      return typeof v === 'string' ? v : undefined;
    },
    reference: (path) => {
      if (!reference) return null;
      const v = valueAt(reference.rx, path);
      return typeof v === 'string' ? v : undefined;
    },
  };

  const apply = (next: RxDraft) => {
    for (const v of rxVisions) {
      for (const e of rxEyes) {
        for (const m of rxMeasures) {
          const path: EyePath = `${v}.${e}.${m}`;
          if (form.getValues(path) !== next[v][e][m]) form.setValue(path, next[v][e][m], { shouldDirty: true });
        }
      }
    }
    for (const k of pdKeys) if (form.getValues(`pd.${k}`) !== next.pd[k]) form.setValue(`pd.${k}`, next.pd[k], { shouldDirty: true });
  };
  const onTranspose = () => {
    const { draft, unreadable } = transposeDraft(form.getValues());
    apply(draft);
    setNotice(unreadable.length > 0 ? t('rx.transposeSkipped', { rows: unreadable.map((p) => pathLabel(p, t)).join(', ') }) : null);
  };
  const onCopy = () => {
    if (leftEyeTyped(form.getValues())) setConfirmCopy(true);
    else apply(copyRightToLeft(form.getValues()));
  };

  const save = form.handleSubmit(saveDraft);
  const gate = useWriteGate(mode.kind === 'new' ? 'prescriptions.create' : 'prescriptions.correct');
  useSaveShortcut(active && !gate.disabled, () => void save());
  const onKeyDown = useRxKeys(formRef, saveRef, serverErrors, form.getValues);

  const saving = isSubmitting || pending;
  const title = mode.kind === 'new' ? t('rx.newExam') : t('rx.correcting', { version: mode.version.version });

  return (
    <FormProvider {...form}>
      <FeedbackProvider value={lookup}>
        <form ref={formRef} className="rx-editor" noValidate onSubmit={(e) => void save(e)} onKeyDown={onKeyDown} aria-label={title}>
          <RxEditorHead title={title} correcting={mode.kind === 'correct'} onCancelCorrection={onCancelCorrection} topWarnings={placement.topWarnings} />
          <RxMeta />
          <RxToolbar onTranspose={onTranspose} onCopy={onCopy} reference={reference} notice={notice} />
          <RxGrid followsAdd={followsAdd} normalized={result.normalized} warningsByPath={placement.warningsByPath} se={result.derived.sphericalEquivalent} />
          {/* Only while both rows follow the ADD: a near row typed (or typeable) beside a derived
              intermediate row would make the hint wrong; that row's "from ADD" note says enough. */}
          {followsAdd('nearVision') && followsAdd('intermediateVision') ? <p className="rx-derived-hint">{t('rx.derivedHint')}</p> : null}
          {values.kind === 'contacts' ? <RxContacts /> : null}
          <div className="rx-notes-pair">
            <RxTextArea path="customerNote" label={t('rxCard.customerNote')} className="rx-notes" />
            <RxTextArea path="notes" label={t('rxCard.internalNotes')} className="rx-notes" />
          </div>
          <SaveErrors formError={formError} unplaced={placement.unplacedErrors} />
          <div className="rx-save">
            <WriteGateNote gate={gate} />
            <button ref={saveRef} type="submit" className="primary" disabled={saving || gate.disabled} title={gate.reason ?? 'Ctrl+S'}>
              {saving ? t('rx.saving') : mode.kind === 'new' ? t('rx.save') : t('rx.saveCorrection')}
            </button>
          </div>
        </form>
      </FeedbackProvider>

      {confirmCopy ? (
        <ConfirmDialog
          title={t('rx.copyConfirm.title')}
          body={t('rx.copyConfirm.body')}
          confirmLabel={t('rx.copyConfirm.confirm')}
          cancelLabel={t('rx.copyConfirm.cancel')}
          onConfirm={() => {
            setConfirmCopy(false);
            apply(copyRightToLeft(form.getValues()));
          }}
          onCancel={() => setConfirmCopy(false)}
        />
      ) : null}
    </FormProvider>
  );
}

/**
 * What the grid opens with: a correction, the version corrected; a new exam, the current version with
 * its expiry the store's default for its kind (Settings).
 */
function useEditorDefaults(mode: EditorMode, reference: PrescriptionVersion | null) {
  const startFrom = mode.kind === 'new' ? (reference?.rx ?? null) : null;
  const months = useStoreProfile().data?.rxExpiryMonths;
  const defaults = useMemo(() => (mode.kind === 'correct' ? draftFromRx(mode.version.rx) : newExamDraft(startFrom, undefined, months)), [mode, startFrom, months]);
  return { defaults, months };
}

/**
 * Keeps a new exam's expiry on the store's default while the exam date or kind changes, unless staff
 * typed another expiry (then theirs stays).
 */
function useDefaultExpiry(form: UseFormReturn<RxDraft>, values: RxDraft, months: RxExpiryMonths | undefined) {
  const seen = useRef({ examDate: values.examDate, kind: values.kind });
  useEffect(() => {
    const before = seen.current;
    seen.current = { examDate: values.examDate, kind: values.kind };
    if (!months) return;
    const next = followDefaultExpiry({ ...before, expiresAt: form.getValues('expiresAt') }, values, months);
    if (next !== null) form.setValue('expiresAt', next, { shouldDirty: true });
  }, [form, values, months]);
}

/** Lines typed in sphere cells that could not be read: each cell's error while it still holds that text. */
function useLineErrors(values: RxDraft) {
  const [lineErrors, setLineErrors] = useState<Record<string, { text: string; message: Message }>>({});
  const lineError = (path: string) => {
    const failed = lineErrors[path];
    return failed && valueAt(values, path) === failed.text ? failed.message : undefined;
  };
  const reportLine = (path: string, text: string, message: Message | null) =>
    setLineErrors((all) => {
      if (!message && !all[path]) return all;
      const { [path]: _gone, ...rest } = all;
      return message ? { ...rest, [path]: { text, message } } : rest;
    });
  return { lineError, reportLine };
}

/** Kind, exam date, expiry and prescriber, above the grid. */
function RxMeta() {
  const { t } = useTranslation();
  return (
    <div className="rx-meta">
      <RxSelect
        path="kind"
        label={t('rx.field.kind')}
        options={[
          { value: 'spectacles', label: t('rx.kind.spectacles') },
          { value: 'contacts', label: t('rx.kind.contacts') },
        ]}
      />
      <RxDateField path="examDate" label={t('rx.field.examDate')} />
      <RxDateField path="expiresAt" label={t('rx.field.expiresAt')} />
      <RxField path="prescriber" label={t('rx.field.prescriber')} tidy={(s) => s.trim()} />
    </div>
  );
}

function RxContacts() {
  const { t } = useTranslation();
  return (
    <fieldset className="rx-contacts">
      <legend>{t('rx.contacts.title')}</legend>
      {contactKeys.map((k) => (
        <RxField
          key={k}
          path={`contacts.${k}` as Path<RxDraft>}
          label={t(`rx.contacts.${k}`)}
          inputMode={k === 'brand' ? 'text' : 'decimal'}
          tidy={(s) => normaliseContact(k, s)}
        />
      ))}
    </fieldset>
  );
}

/** Why the last save was refused, and the errors no field holds (named in words). */
function SaveErrors({ formError, unplaced }: { formError: Wording | null; unplaced: [string, Message][] }) {
  const { t } = useTranslation();
  const say = useMessageText();
  if (!formError && unplaced.length === 0) return null;
  return (
    <div className="form-error" role="alert">
      {formError ? <p>{formError(t)}</p> : null}
      {unplaced.length > 0 ? (
        <ul>
          {unplaced.map(([path, message]) => (
            <li key={path}>
              {pathLabel(path, t)}: {say(message)}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
