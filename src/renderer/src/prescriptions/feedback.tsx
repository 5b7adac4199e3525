import { createContext, useContext } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../shared/messages';
import type { RxWarning } from '../../../shared/prescriptions/schema';
import { useMessageText } from '../i18n/messages';

/*
 * What the core said about the prescription being typed, looked up by the path of a field
 * (`distanceVision.rightEye.axis`, `pd.binocular`, `expiresAt`): at most one error, any warnings.
 * The editor decides which errors are ready to be shown (a field staff have not reached yet does not
 * shout "required"); fields only ask for theirs.
 */
export type Feedback = { error?: Message | undefined; warnings: RxWarning[] };

export type FeedbackLookup = {
  at: (path: string) => Feedback;
  /** A suggestion for an empty field (a near row derived from the ADD), from the core's normalised Rx. */
  suggestion: (path: string) => string | undefined;
  /** The value of the version staff compare with (the current one, or the one being corrected), or null with none. */
  reference: (path: string) => string | undefined | null;
  /** A line typed in a sphere cell could not be read (message), or was (null): shown as that cell's error while it holds that text. */
  reportLine: (path: string, text: string, message: Message | null) => void;
};

const none: Feedback = { warnings: [] };
const FeedbackContext = createContext<FeedbackLookup>({ at: () => none, suggestion: () => undefined, reference: () => null, reportLine: () => undefined });

export const FeedbackProvider = FeedbackContext.Provider;

export function useFeedback(): FeedbackLookup {
  return useContext(FeedbackContext);
}

/** The ids to put in a field's aria-describedby, and the messages themselves under the field. */
export function describedBy(id: string, feedback: Feedback): string | undefined {
  const ids = [...(feedback.error ? [`${id}-error`] : []), ...feedback.warnings.map((_, i) => `${id}-warning-${i}`)];
  return ids.length > 0 ? ids.join(' ') : undefined;
}

export function FieldMessages({ id, feedback }: { id: string; feedback: Feedback }) {
  const say = useMessageText();
  return (
    <>
      {feedback.error ? (
        <p id={`${id}-error`} className="field-error">
          {say(feedback.error)}
        </p>
      ) : null}
      {feedback.warnings.map((w, i) => (
        <WarningText key={`${w.code}-${i}`} id={`${id}-warning-${i}`} warning={w} />
      ))}
    </>
  );
}

/**
 * A warning from the core, in the staff's language, with the kind of warning named unless the
 * message already starts with that name.
 */
export function WarningText({ warning, id, as: Tag = 'p', field }: { warning: RxWarning; id?: string; as?: 'p' | 'li' | 'span'; field?: string }) {
  const { t } = useTranslation();
  const say = useMessageText();
  const label = t(`rx.warning.${warning.code}`, { defaultValue: warning.code });
  const text = say({ code: `rx.warning.${warning.code}`, params: warning.params, message: warning.message });
  const named = text.toLowerCase().startsWith(label.toLowerCase());
  return (
    <Tag className="field-warning" data-code={warning.code}>
      <span className="warning-mark" aria-hidden="true">
        ⚠
      </span>
      {field ? (
        <span className="message-field" aria-hidden="true">
          {field}
        </span>
      ) : null}
      <span id={id}>
        {named ? null : <span className="warning-code">{label}</span>} {text}
      </span>
    </Tag>
  );
}

/** The messages of one grid row's cells, on a line under the row, each named by its column. */
export function RowMessages({ items }: { items: { id: string; field: string; feedback: Feedback }[] }) {
  const say = useMessageText();
  return (
    <>
      {items.flatMap(({ id, field, feedback }) => [
        ...(feedback.error
          ? [
              <p key={`${id}-error`} className="field-error">
                <span className="message-field" aria-hidden="true">
                  {field}
                </span>
                <span id={`${id}-error`}>{say(feedback.error)}</span>
              </p>,
            ]
          : []),
        ...feedback.warnings.map((w, i) => <WarningText key={`${id}-warning-${i}`} id={`${id}-warning-${i}`} warning={w} field={field} />),
      ])}
    </>
  );
}
