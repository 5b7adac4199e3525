import { useId, type ReactNode } from 'react';
import { useController, useFormContext, useWatch, type Path } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { type Message, say } from '../../../shared/messages';
import { normaliseEyeCell, type CellTidy, type RxDraft, type RxEye, type RxMeasure, type RxVision } from './draft';
import { DateInput } from '../components/DateInput';
import { Options } from '../components/Field';
import { describedBy, FieldMessages, useFeedback } from './feedback';
import { useMessageText } from '../i18n/messages';

export type EyePath = `${RxVision}.${RxEye}.${RxMeasure}`;

/** The id the messages of a grid cell carry (they are shown under the cell's row, see RxEditor). */
export function cellMessageId(gridId: string, path: string): string {
  return `${gridId}-${path.replaceAll('.', '-')}`;
}

/**
 * One cell of the grid: a bare input named for assistive tech ("OD distance SPH"), tidied on blur
 * into the canonical text (`-125` → `-1.25`, `x90` → `090`). Its error and warnings are shown right
 * under its row (a cell is too narrow to hold a sentence) and described by it. An empty cell shows
 * what the core derived for it (a near row from the ADD) as a grey suggestion; a cell that differs
 * from the version staff compare with is marked, with the old value in its title. A whole line typed
 * in a sphere cell (`-1.25 -0.50 x 90 add +2.00`) fills that eye's cells when the cell is left.
 */
export function RxCell({ path, label, measure, messageId }: { path: EyePath; label: string; measure: RxMeasure; messageId: string }) {
  const { t } = useTranslation();
  const { register, setValue } = useFormContext<RxDraft>();
  const lookup = useFeedback();
  const value = useWatch<RxDraft, EyePath>({ name: path });
  const feedback = lookup.at(path);
  const suggestion = value === '' ? lookup.suggestion(path) : undefined;
  const before = lookup.reference(path);
  // A cleared cell is a change too, now that a new exam starts from the current version's values.
  const changed = before !== null && value !== (before ?? '');
  const eye = path.slice(0, path.lastIndexOf('.')) as `${RxVision}.${RxEye}`;

  return (
    <div className={`rx-cell${feedback.error ? ' invalid' : ''}${feedback.warnings.length > 0 ? ' warned' : ''}${changed ? ' changed' : ''}`}>
      <input
        {...register(path, {
          onBlur: (e: { target: { value: string } }) => {
            const tidy = normaliseEyeCell(measure, e.target.value);
            if (measure === 'sph') lookup.reportLine(path, e.target.value, lineMessage(tidy, eye));
            if (!tidy || tidy.lineError || (tidy.line?.add && !eye.startsWith('distanceVision.'))) return;
            if (tidy.text !== e.target.value) setValue(path, tidy.text, { shouldDirty: true });
            if (tidy.clearCylinder) {
              if (measure === 'sph') setValue(`${eye}.cyl`, '', { shouldDirty: true });
              setValue(`${eye}.axis`, '', { shouldDirty: true });
            }
            if (tidy.line) {
              setValue(`${eye}.cyl`, tidy.line.cyl, { shouldDirty: true, shouldTouch: true });
              setValue(`${eye}.axis`, tidy.line.axis, { shouldDirty: true, shouldTouch: true });
              if (tidy.line.add !== undefined) setValue(`${eye}.add`, tidy.line.add, { shouldDirty: true, shouldTouch: true });
            }
          },
        })}
        aria-label={label}
        placeholder={suggestion}
        title={changed ? t('rx.before', { value: before ?? '—' }) : undefined}
        autoComplete="off"
        spellCheck={false}
        data-rx-nav=""
        aria-invalid={feedback.error ? true : undefined}
        aria-describedby={describedBy(messageId, feedback)}
      />
    </div>
  );
}

/** Why a line typed in a sphere cell was not read (said when shown); null when it was (or was no line). */
function lineMessage(tidy: CellTidy | null, eye: string): Message | null {
  if (tidy?.lineError) return { code: tidy.lineError.error, params: { token: tidy.lineError.token }, message: tidy.lineError.message };
  if (tidy?.line?.add !== undefined && !eye.startsWith('distanceVision.')) return say('rx.line.addNotHere', {}, 'The ADD is typed on the distance row');
  return null;
}

/**
 * A cell of a row derived from the ADD (near, intermediate): shown like the others but read-only
 * and out of the Tab order, so the grid cannot hold a near row that contradicts the ADD. Staff
 * change the ADD, or leave it empty to write the row.
 */
export function DerivedCell({ label, value }: { label: string; value: string }) {
  const { t } = useTranslation();
  return (
    <div className="rx-cell derived">
      <input value={value} readOnly tabIndex={-1} aria-label={label} title={t('rx.derivedTitle')} />
    </div>
  );
}

type FieldProps = {
  path: Path<RxDraft>;
  label: string;
  className?: string;
  /** Canonical text for what was typed, or null to leave it. */
  tidy?: (raw: string) => string | null;
};

/** A labelled field of the prescription (date, prescriber, PD…) with its messages under it. */
export function RxField({ path, label, className, tidy, derivedTitle, ...input }: FieldProps & { type?: string; inputMode?: 'decimal' | 'text'; derivedTitle?: string }) {
  const { register, setValue } = useFormContext<RxDraft>();
  const lookup = useFeedback();
  const feedback = lookup.at(path);
  const id = useId();
  // A field the rules can derive (binocular PD: the sum of the monocular ones) shows it, greyed, while empty.
  const value = useWatch<RxDraft>({ name: path });
  const suggestion = derivedTitle && value === '' ? lookup.suggestion(path) : undefined;
  return (
    <Shell id={id} label={label} className={className} invalid={!!feedback.error}>
      <input
        id={id}
        {...register(path, {
          onBlur: (e: { target: { value: string } }) => {
            const text = tidy?.(e.target.value);
            if (text != null && text !== e.target.value) setValue(path, text, { shouldDirty: true });
          },
        })}
        {...input}
        placeholder={suggestion}
        title={suggestion ? derivedTitle : undefined}
        autoComplete="off"
        spellCheck={false}
        data-rx-nav=""
        aria-invalid={feedback.error ? true : undefined}
        aria-describedby={describedBy(id, feedback)}
      />
      <FieldMessages id={id} feedback={feedback} />
    </Shell>
  );
}

/**
 * The exam date or the expiry: typed in the language's order, one tab stop (components/DateInput).
 * One error under it: why what was typed is no date, else the core's.
 */
export function RxDateField({ path, label }: { path: 'examDate' | 'expiresAt'; label: string }) {
  const {
    field: { name, ref, value, onChange, onBlur },
  } = useController<RxDraft, typeof path>({ name: path });
  const feedback = useFeedback().at(path);
  const warnings = { warnings: feedback.warnings };
  const id = useId();
  const sayText = useMessageText();
  return (
    <Shell id={id} label={label} invalid={!!feedback.error}>
      <DateInput id={id} name={name} ref={ref} value={value} onChange={onChange} onBlur={onBlur} kind="event" error={feedback.error ? sayText(feedback.error) : undefined} describedBy={describedBy(id, warnings)} data-rx-nav="" />
      <FieldMessages id={id} feedback={warnings} />
    </Shell>
  );
}

export function RxSelect({ path, label, options, className }: FieldProps & { options: { value: string; label: string }[] }) {
  const { register } = useFormContext<RxDraft>();
  const feedback = useFeedback().at(path);
  const id = useId();
  return (
    <Shell id={id} label={label} className={className} invalid={!!feedback.error}>
      <select id={id} {...register(path)} data-rx-nav="" aria-invalid={feedback.error ? true : undefined} aria-describedby={describedBy(id, feedback)}>
        <Options options={options} />
      </select>
      <FieldMessages id={id} feedback={feedback} />
    </Shell>
  );
}

export function RxTextArea({ path, label, className }: FieldProps) {
  const { register } = useFormContext<RxDraft>();
  const feedback = useFeedback().at(path);
  const id = useId();
  return (
    <Shell id={id} label={label} className={className} invalid={!!feedback.error}>
      <textarea id={id} rows={2} {...register(path)} aria-invalid={feedback.error ? true : undefined} aria-describedby={describedBy(id, feedback)} />
      <FieldMessages id={id} feedback={feedback} />
    </Shell>
  );
}

function Shell({ id, label, className, invalid, children }: { id: string; label: string; className?: string | undefined; invalid: boolean; children: ReactNode }) {
  return (
    <div className={`field${invalid ? ' invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}
