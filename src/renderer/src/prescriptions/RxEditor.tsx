import { Fragment, useEffect, useEffectEvent, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { FormProvider, useForm, useWatch, type Path } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { checkRx } from '../../../shared/prescriptions/rules';
import type { PrescriptionVersion, RxInput, RxWarning } from '../../../shared/prescriptions/schema';
import { AppError } from '../../../shared/errors';
import { errorMessage } from '../api/errors';
import { useCorrectPrescription, useCreatePrescription, usePrescriptionCheck } from './queries';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useDebounced } from '../components/useDebounced';
import {
  contactKeys,
  copyRightToLeft,
  draftFromRx,
  emptyDraft,
  leftEyeTyped,
  localToday,
  normaliseContact,
  normalisePd,
  pathLabel,
  pdKeys,
  rowTyped,
  rxEyes,
  rxInputFromDraft,
  rxMeasures,
  rxVisions,
  transposeDraft,
  type RxDraft,
} from './draft';
import { FeedbackProvider, RowMessages, WarningText, type Feedback, type FeedbackLookup } from './feedback';
import { cellMessageId, DerivedCell, RxCell, RxField, RxSelect, RxTextArea, type EyePath } from './RxFields';

export type EditorMode = { kind: 'new' } | { kind: 'correct'; version: PrescriptionVersion };

type Props = {
  customerId: string;
  mode: EditorMode;
  /** The version staff compare with: the current one for a new exam, the corrected one for a correction. */
  reference: PrescriptionVersion | null;
  /** Whether the Prescription tab is the one shown (Ctrl+S saves here then). */
  active: boolean;
  onDirtyChange: (dirty: boolean) => void;
  onSaved: (version: PrescriptionVersion) => void;
  onCancelCorrection: () => void;
};

/** A value inside an object by dotted path (`distanceVision.rightEye.sph`). */
function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const visionPaths = new Set<string>(rxVisions);

/** Every path the editor has a field for; errors and warnings on other paths go above the grid. */
function placedPaths(kind: RxDraft['kind']): Set<string> {
  const paths = new Set<string>(['kind', 'examDate', 'expiresAt', 'prescriber', 'notes', ...pdKeys.map((k) => `pd.${k}`)]);
  for (const v of rxVisions) {
    for (const e of rxEyes) {
      for (const m of rxMeasures) if (m !== 'add' || v === 'distanceVision') paths.add(`${v}.${e}.${m}`);
    }
  }
  if (kind === 'contacts') for (const k of contactKeys) paths.add(`contacts.${k}`);
  return paths;
}

/**
 * The prescription grid: a new exam, or a correction of a saved version. Staff type in shorthand;
 * each cell is tidied on blur, and the core's `prescriptions.check` (debounced, nothing saved) says
 * what is wrong (errors under the cells staff have been through) and what deserves a second look
 * (warnings next to the field they concern). Save creates a version, or a correction of one.
 */
export function RxEditor({ customerId, mode, reference, active, onDirtyChange, onSaved, onCancelCorrection }: Props) {
  const { t } = useTranslation();
  const defaults = useMemo(() => (mode.kind === 'correct' ? draftFromRx(mode.version.rx) : emptyDraft()), [mode]);
  const form = useForm<RxDraft>({ defaultValues: defaults });
  const { isDirty, isSubmitting, submitCount, touchedFields } = form.formState;
  const create = useCreatePrescription();
  const correct = useCorrectPrescription();

  const values = useWatch({ control: form.control }) as RxDraft;
  const input = useMemo(() => rxInputFromDraft(values), [values]);
  const inputJson = JSON.stringify(input);
  const checkedJson = useDebounced(inputJson, 250);
  const checkInput = useMemo(() => ({ rx: JSON.parse(checkedJson) as RxInput, customerId }), [checkedJson, customerId]);
  const check = usePrescriptionCheck(checkInput);
  // The rows a typed ADD gives, read with the shared rules at once (not after the core's debounced
  // check), so they are read-only from the keystroke that types the ADD. With no ADD typed, the
  // near and intermediate rows are the prescriber's to write (the ADD is then derived from them).
  const today = useMemo(() => localToday(), []);
  const derivedRows = useMemo(() => checkRx(input, { today }).normalized, [input, today]);
  const addTyped = rxEyes.some((e) => values.distanceVision[e].add.trim() !== '');
  const followsAdd = (v: (typeof rxVisions)[number]) => v !== 'distanceVision' && addTyped && !rowTyped(values, v) && !!derivedRows[v];

  const [serverErrors, setServerErrors] = useState<{ forInput: string; errors: Record<string, string> } | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmCopy, setConfirmCopy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const gridId = useId();
  const saveRef = useRef<HTMLButtonElement>(null);

  useEffect(() => onDirtyChange(isDirty), [isDirty, onDirtyChange]);
  useEffect(() => () => onDirtyChange(false), [onDirtyChange]);

  // ---- what to show where ----
  const checked = check.data;
  const result = checked?.result;
  const placed = placedPaths(values.kind);
  const warningsByPath = new Map<string, RxWarning[]>();
  const topWarnings: RxWarning[] = [];
  for (const w of result?.warnings ?? []) {
    if (w.path && (placed.has(w.path) || visionPaths.has(w.path))) warningsByPath.set(w.path, [...(warningsByPath.get(w.path) ?? []), w]);
    else topWarnings.push(w);
  }
  const fromServer = serverErrors && serverErrors.forInput === inputJson ? serverErrors.errors : {};
  const submitted = submitCount > 0;
  /** An error from the check is shown once staff have been through the field (or tried to save), and while it still describes what the field holds. */
  const errorAt = (path: string): string | undefined => {
    if (fromServer[path]) return fromServer[path];
    const message = result?.errors[path];
    if (!message || !checked) return undefined;
    if (!submitted && valueAt(touchedFields, path) !== true) return undefined;
    if (JSON.stringify(valueAt(checked.input.rx, path)) !== JSON.stringify(valueAt(input, path))) return undefined;
    return message;
  };
  const lookup: FeedbackLookup = {
    at: (path): Feedback => ({ error: errorAt(path), warnings: warningsByPath.get(path) ?? [] }),
    suggestion: (path) => {
      const v = valueAt(result?.normalized, path);
      return typeof v === 'string' ? v : undefined;
    },
    reference: (path) => {
      if (!reference) return null;
      const v = valueAt(reference.rx, path);
      return typeof v === 'string' ? v : undefined;
    },
  };
  const unplacedErrors = Object.entries({ ...(submitted ? (result?.errors ?? {}) : {}), ...fromServer }).filter(([path]) => !placed.has(path));

  // ---- actions ----
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

  const save = form.handleSubmit(async (draft) => {
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
  });

  // After a refused save, the first field in error takes the focus, so staff can fix it straight away.
  useEffect(() => {
    if (serverErrors) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [serverErrors]);

  // Ctrl+S saves the prescription while its tab is the one shown.
  const onWindowKey = useEffectEvent((e: globalThis.KeyboardEvent) => {
    if (!active || !(e.ctrlKey || e.metaKey) || e.altKey || e.key.toLowerCase() !== 's') return;
    e.preventDefault();
    if (!document.querySelector('dialog[open]')) void save();
  });
  useEffect(() => {
    const listener = (e: globalThis.KeyboardEvent) => onWindowKey(e);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  /** Enter moves on to the next field, as Tab does (the last one goes to Save). */
  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    const target = e.target as HTMLElement;
    if (e.key !== 'Enter' || e.ctrlKey || e.metaKey || e.altKey || e.nativeEvent.isComposing || !target.hasAttribute('data-rx-nav')) return;
    e.preventDefault();
    const fields = [...(formRef.current?.querySelectorAll<HTMLElement>('[data-rx-nav]') ?? [])];
    const next = fields[fields.indexOf(target) + (e.shiftKey ? -1 : 1)] ?? saveRef.current;
    next?.focus();
    if (next instanceof HTMLInputElement) next.select();
  };

  const saving = isSubmitting || create.isPending || correct.isPending;
  const se = result?.derived.sphericalEquivalent;
  const title = mode.kind === 'new' ? t('rx.newExam') : t('rx.correcting', { version: mode.version.version });

  return (
    <FormProvider {...form}>
      <FeedbackProvider value={lookup}>
        <form ref={formRef} className="rx-editor" noValidate onSubmit={(e) => void save(e)} onKeyDown={onKeyDown} aria-label={title}>
          <div className="rx-editor-head">
            <h2>{title}</h2>
            {mode.kind === 'correct' ? (
              <button type="button" onClick={onCancelCorrection}>
                {t('rx.cancelCorrection')}
              </button>
            ) : null}
            <span className="spacer" />
            <span className="rx-checking" aria-hidden={!check.isFetching}>
              {check.isFetching ? t('rx.checking') : ''}
            </span>
          </div>

          {topWarnings.length > 0 ? (
            <ul className="rx-warnings" aria-label={t('rx.warnings')}>
              {topWarnings.map((w, i) => (
                <WarningText key={`${w.code}-${i}`} warning={w} as="li" />
              ))}
            </ul>
          ) : null}

          <div className="rx-meta">
            <RxSelect
              path="kind"
              label={t('rx.field.kind')}
              options={[
                { value: 'spectacles', label: t('rx.kind.spectacles') },
                { value: 'contacts', label: t('rx.kind.contacts') },
              ]}
            />
            <RxField path="examDate" label={t('rx.field.examDate')} type="date" />
            <RxField path="expiresAt" label={t('rx.field.expiresAt')} type="date" />
            <RxField path="prescriber" label={t('rx.field.prescriber')} tidy={(s) => s.trim()} />
          </div>

          <div className="rx-actions" role="group" aria-label={t('rx.gridActions')}>
            <button type="button" onClick={onTranspose} title={t('rx.transposeHint')}>
              ⇄ {t('rx.transpose')}
            </button>
            <button type="button" onClick={onCopy} title={t('rx.copyHint')}>
              {t('rx.copyOdOs')}
            </button>
            {reference ? (
              <span className="rx-legend">
                <span className="rx-dot" aria-hidden="true" /> {t('rx.changedLegend', { version: reference.version })}
              </span>
            ) : null}
            <span className="rx-keys">{t('rx.keys')}</span>
          </div>
          {notice ? (
            <p className="rx-notice" role="status">
              {notice}
            </p>
          ) : null}

          <div className="rx-grid-row">
            <table className="rx-grid">
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">{t('rx.visionColumn')}</span>
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">{t('rx.eyeColumn')}</span>
                  </th>
                  {rxMeasures.map((m) => (
                    <th key={m} scope="col" title={t(`rx.measureTitle.${m}`)}>
                      {t(`rx.measure.${m}`)}
                    </th>
                  ))}
                  <th scope="col" title={t('rx.seTitle')}>
                    {t('rx.se')}
                  </th>
                </tr>
              </thead>
              {rxVisions.map((v) => {
                // A row the ADD gives is shown, never typed in: one value, one place to change it.
                const derived = followsAdd(v);
                const groupWarnings = warningsByPath.get(v) ?? [];
                const measures = rxMeasures.filter((m) => m !== 'add' || v === 'distanceVision');
                // Each eye's row, then the messages of its cells on a line of their own.
                const rows = rxEyes.map((e) => {
                  const messages = measures.flatMap((m) => {
                    const path = `${v}.${e}.${m}`;
                    const feedback = lookup.at(path);
                    return feedback.error || feedback.warnings.length > 0 ? [{ id: cellMessageId(gridId, path), field: t(`rx.measure.${m}`), feedback }] : [];
                  });
                  return { e, messages };
                });
                const span = rows.reduce((n, r) => n + 1 + (r.messages.length > 0 ? 1 : 0), 0);
                return (
                  <tbody key={v} className={`rx-group${derived ? ' derived' : ''}`}>
                    {rows.map(({ e, messages }, i) => (
                      <Fragment key={e}>
                        <tr>
                          {i === 0 ? (
                            <th scope="rowgroup" rowSpan={span} className="vision-name">
                              {t(`rx.visionShort.${v}`)}
                              {derived ? <span className="derived-note">{t('rx.fromAdd')}</span> : null}
                            </th>
                          ) : null}
                          <th scope="row" className="eye-name" title={t(`rx.eyeTitle.${e}`)}>
                            {t(`rx.eye.${e}`)}
                          </th>
                          {rxMeasures.map((m) => (
                            <td key={m}>
                              {m === 'add' && v !== 'distanceVision' ? (
                                <span className="rx-na" aria-hidden="true" />
                              ) : derived ? (
                                <DerivedCell
                                  value={derivedRows[v]?.[e][m] ?? ''}
                                  label={t('rx.cellLabel', { eye: t(`rx.eye.${e}`), vision: t(`rx.visionInLabel.${v}`), measure: t(`rx.measure.${m}`) })}
                                />
                              ) : (
                                <RxCell
                                  path={`${v}.${e}.${m}`}
                                  measure={m}
                                  messageId={cellMessageId(gridId, `${v}.${e}.${m}`)}
                                  label={t('rx.cellLabel', { eye: t(`rx.eye.${e}`), vision: t(`rx.visionInLabel.${v}`), measure: t(`rx.measure.${m}`) })}
                                />
                              )}
                            </td>
                          ))}
                          <td className="rx-se">
                            {v === 'distanceVision' ? (
                              <output aria-label={t('rx.seLabel', { eye: t(`rx.eye.${e}`) })}>{(e === 'rightEye' ? se?.right : se?.left) ?? ''}</output>
                            ) : null}
                          </td>
                        </tr>
                        {messages.length > 0 ? (
                          <tr className="rx-row-messages">
                            <td />
                            <td colSpan={rxMeasures.length + 1}>
                              <RowMessages items={messages} />
                            </td>
                          </tr>
                        ) : null}
                      </Fragment>
                    ))}
                    {groupWarnings.length > 0 ? (
                      <tr className="rx-group-warnings">
                        <td colSpan={rxMeasures.length + 3}>
                          {groupWarnings.map((w, i) => (
                            <WarningText key={`${w.code}-${i}`} warning={w} />
                          ))}
                        </td>
                      </tr>
                    ) : null}
                  </tbody>
                );
              })}
            </table>

            <fieldset className="rx-pd">
              <legend>{t('rx.pd.title')}</legend>
              {pdKeys.map((k) => (
                <RxField key={k} path={`pd.${k}`} label={t(`rx.pd.${k}`)} inputMode="decimal" tidy={(s) => normalisePd(k, s)} />
              ))}
            </fieldset>
          </div>
          {/* Only while both rows follow the ADD: a near row typed (or typeable) beside a derived
              intermediate row would make the hint wrong; that row's "from ADD" note says enough. */}
          {followsAdd('nearVision') && followsAdd('intermediateVision') ? (
            <p className="rx-derived-hint">{t('rx.derivedHint')}</p>
          ) : null}

          {values.kind === 'contacts' ? (
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
          ) : null}

          <RxTextArea path="notes" label={t('rx.field.notes')} className="rx-notes" />

          {formError || unplacedErrors.length > 0 ? (
            <div className="form-error" role="alert">
              {formError ? <p>{formError}</p> : null}
              {unplacedErrors.length > 0 ? (
                <ul>
                  {unplacedErrors.map(([path, message]) => (
                    <li key={path}>
                      {pathLabel(path, t)}: {message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}

          <div className="rx-save">
            <button ref={saveRef} type="submit" className="primary" disabled={saving} title="Ctrl+S">
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
