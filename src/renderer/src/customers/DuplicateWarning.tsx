import { Fragment, useMemo, useState } from 'react';
import { useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { useDebounced } from '../components/useDebounced';
import { formatDay } from '../format';
import { duplicateProbe, type CustomerFormValues } from './formModel';
import { useDuplicates } from './queries';

/** How long typing must pause before the store is asked (a read, never in the way of the keys). */
const PAUSE_MS = 300;

/**
 * "Possible match" while a new customer is typed (issue 12, item 4): the first existing customer the
 * names + date of birth, the phone or the email match, with why. Open goes to them; "It's someone
 * else" puts that one aside for as long as this form is open. It never blocks the save.
 */
export function DuplicateWarning({ onOpen }: { onOpen: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const data = useWatch<CustomerFormValues, 'customerData'>({ name: 'customerData' });
  const probeText = JSON.stringify(duplicateProbe(data));
  const asked = useDebounced(probeText, PAUSE_MS);
  const probe = useMemo(() => JSON.parse(asked) as ReturnType<typeof duplicateProbe>, [asked]);
  const query = useDuplicates(probe);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => new Set());
  const candidate = probe ? query.data?.candidates.find((c) => !dismissed.has(c.id)) : undefined;

  // Always in the page, so a screen reader hears a match appear.
  return (
    <div className="duplicate-slot" role="status">
      {candidate ? (
        <div className="duplicate-warning">
          <p>
            <strong>{t('duplicates.possible')}</strong>{' '}
            <span className="duplicate-who">
              {/* Each part isolated: in Arabic a Latin name, a date and a phone would otherwise run into each other. */}
              {[
                { text: `${candidate.firstName} ${candidate.lastName}` },
                { text: formatDay(candidate.dateOfBirth, i18n.language) },
                { text: candidate.phoneNumber, ltr: true },
                { text: candidate.email, ltr: true },
              ]
                .filter((part) => part.text !== '')
                .map((part, i) => (
                  <Fragment key={i}>
                    {i > 0 ? ' · ' : null}
                    <bdi dir={part.ltr ? 'ltr' : undefined}>{part.text}</bdi>
                  </Fragment>
                ))}
            </span>{' '}
            <span className="duplicate-why">({candidate.reasons.map((r) => t(`duplicates.reason.${r}`)).join(t('duplicates.reasonSeparator'))})</span>
          </p>
          <div className="duplicate-actions">
            <button type="button" onClick={() => onOpen(candidate.id)}>
              {t('duplicates.open')}
            </button>
            <button type="button" onClick={() => setDismissed((all) => new Set([...all, candidate.id]))}>
              {t('duplicates.someoneElse')}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
