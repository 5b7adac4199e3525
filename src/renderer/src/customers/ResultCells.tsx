import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { CustomerListItem } from '../../../shared/customers/schema';
import { formatDay } from '../format';
import { ageOn } from './age';
import { highlight } from './highlight';
import { missingFieldsText } from './missingFields';
import { ArrivingBadge, GroupBadges } from './CloudBadges';
import { SyncFlag } from '../sync/SyncFlag';

/**
 * One result's cells: enough to tell namesakes apart at a glance (age and date of birth, phone,
 * city, the last prescription's day), with the part the search found marked. The status shows
 * only when it is news (inactive).
 */
// Memoised: moving the selection draws its two rows again (SearchScreen's ResultRow), not their cells.
// The list's t and language are handed down: useTranslation in each of ~20 rows cost ~2 ms a keystroke.
export const ResultCells = memo(function ResultCells({ row, search, flagged, t, language }: { row: CustomerListItem; search: string; flagged: boolean; t: TFunction; language: string }) {
  const age = ageOn(row.dateOfBirth, new Date());
  return (
    <>
      <span className="cell-name">
        <Marked value={row.name} search={search} />
        {row.status === 'unactive' ? <span className="badge unactive">{t('status.unactive')}</span> : null}
        {row.incomplete ? <IncompleteBadge row={row} /> : null}
        <GroupBadges groups={row.groups} />
        {flagged ? <SyncFlag /> : null}
      </span>
      <span className="cell-born">
        {/* Born, phone and city are what the detail brings: the mark stands where they will be. */}
        {row.detailsArriving ? <ArrivingBadge /> : null}
        {age ? <span className="cell-age">{'years' in age ? t('search.ageYears', { count: age.years }) : t('search.ageMonths', { count: age.months })}</span> : null}
        {row.dateOfBirth ? (
          <span className="cell-dob">
            <span className="visually-hidden">{t('search.columns.born')} </span>
            {formatDay(row.dateOfBirth, language)}
          </span>
        ) : null}
      </span>
      <span className="cell-phone">{row.phoneNumber ? <Marked value={row.phoneNumber} search={search} kind="phone" /> : null}</span>
      <span className="cell-city">{row.city}</span>
      <span className="cell-email">
        <Marked value={row.userName} search={search} />
      </span>
      <span className="cell-exam">
        {row.lastExamDate ? (
          <>
            <span className="visually-hidden">{t('search.columns.lastExam')} </span>
            {formatDay(row.lastExamDate, language)}
          </>
        ) : null}
      </span>
    </>
  );
});

/** Saved without everything the cloud requires: which fields, for the eye (title) and for screen readers (hidden text). */
function IncompleteBadge({ row }: { row: CustomerListItem }) {
  const { t, i18n } = useTranslation();
  const missing = t('incompleteCustomer.missing', { fields: missingFieldsText(row.missing, t, i18n.language) });
  return (
    <span className="badge incomplete" title={missing}>
      {t('incompleteCustomer.badge')}
      <span className="visually-hidden"> ({missing})</span>
    </span>
  );
}

function Marked({ value, search, kind }: { value: string; search: string; kind?: 'text' | 'phone' }) {
  return (
    <>
      {highlight(value, search, kind).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : p.text))}
    </>
  );
}
