import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { errorMessage } from '../api/errors';
import { usePrescriptions } from './queries';
import { OpticGrid } from '../customers/OpticGrid';
import { formatDay } from '../format';
import { RxProblems } from './RxProblems';
import { RxTable } from './RxTable';

type Customer = ChannelOutput<'customers.get'>;

/**
 * The current prescription on the Details tab, read-only, with the way to the one editor (the
 * Prescription tab): a second editable grid here let staff change a near row the ADD gives.
 */
export function CurrentRx({ customer, onOpenEditor }: { customer: Customer; onOpenEditor: () => void }) {
  const { t, i18n } = useTranslation();
  const list = usePrescriptions(customer.id);
  const current = list.data?.find((v) => v.current) ?? null;
  return (
    <div className="current-rx">
      {list.isError ? (
        <p className="form-error" role="alert">
          {t('rx.loadError', { message: errorMessage(list.error, t) })}
        </p>
      ) : current ? (
        <>
          <RxProblems problems={current.problems} />
          <RxTable rx={current.rx} caption={t('rx.reference.current', { version: current.version, date: formatDay(current.rx.examDate, i18n.language) })} />
        </>
      ) : list.isSuccess && customer.opticData ? (
        // Recorded before prescriptions were versions: shown as it was kept.
        <OpticGrid optic={customer.opticData} />
      ) : list.isSuccess ? (
        <p className="muted">{t('rx.reference.none')}</p>
      ) : null}
      <p className="current-rx-actions">
        <button type="button" onClick={onOpenEditor}>
          {current ? t('rx.openEditor') : t('rx.enterFirst')}
        </button>
        <span className="form-hint">{t('form.opticHint')}</span>
      </p>
    </div>
  );
}
