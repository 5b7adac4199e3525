import { useTranslation } from 'react-i18next';
import type { CustomerGroup } from '../../../shared/customers/schema';

/*
 * What the store's cloud says of a customer beside their own fields: the groups it puts them in
 * (issue 13 item 5), and, on a new PC's first sync, that only the list's summary is here yet, the
 * detail on its way (issue 14). Shown in the results and on the customer's screen.
 */

export function GroupBadges({ groups }: { groups: readonly CustomerGroup[] }) {
  const { t } = useTranslation();
  if (groups.length === 0) return null;
  return (
    <span className="group-badges" data-testid="group-badges">
      <span className="visually-hidden">{t('groups.badges')}: </span>
      {groups.map((g) => (
        <span key={g.id} className="badge group" dir="auto">
          {g.name}
        </span>
      ))}
    </span>
  );
}

export function ArrivingBadge() {
  const { t } = useTranslation();
  const hint = t('firstSync.arrivingHint');
  return (
    <span className="badge arriving" title={hint} data-testid="details-arriving">
      {t('firstSync.arriving')}
      <span className="visually-hidden"> ({hint})</span>
    </span>
  );
}
