import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import type { PrescriptionVersion } from '../../../shared/prescriptions/schema';
import { formatDay, intlLocale } from '../format';
import { pdKeys } from './draft';
import { RxProblems } from './RxProblems';
import { RxTable } from './RxTable';

/** The store's name on the card: a placeholder until the store's settings exist. */
export const STORE_NAME = 'OptiCounter';

type Customer = ChannelOutput<'customers.get'>;

/**
 * The prescription card as it prints: store, customer, exam, the OD/OS grid, PD. It lives outside
 * the app's root (a portal into <body>), hidden on screen; the print stylesheet hides the app and
 * shows only this.
 */
export function PrintCard({ customer, version }: { customer: Customer; version: PrescriptionVersion }) {
  const { t, i18n } = useTranslation();
  const { rx } = version;
  const lang = i18n.language;
  const pd = pdKeys.flatMap((k) => (rx.pd?.[k] ? [[k, rx.pd[k]] as const] : []));
  const contacts = rx.kind === 'contacts' ? rx.contacts : undefined;
  const today = new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: 'medium' }).format(new Date());

  return createPortal(
    <article className="print-card">
      <header className="print-head">
        <div>
          <p className="print-store">{STORE_NAME}</p>
          <p className="print-doc">{rx.kind === 'contacts' ? t('print.titleContacts') : t('print.title')}</p>
        </div>
        <div className="print-printed">{t('print.printed', { date: today })}</div>
      </header>

      <dl className="print-facts">
        <div>
          <dt>{t('print.customer')}</dt>
          <dd>
            {customer.localData.firstName} {customer.localData.lastName}
          </dd>
        </div>
        <div>
          <dt>{t('print.dateOfBirth')}</dt>
          <dd>{formatDay(customer.localData.dateOfBirth, lang)}</dd>
        </div>
        <div>
          <dt>{t('rx.field.examDate')}</dt>
          <dd>{formatDay(rx.examDate, lang)}</dd>
        </div>
        <div>
          <dt>{t('rx.field.prescriber')}</dt>
          <dd>{rx.prescriber ?? '—'}</dd>
        </div>
        {rx.expiresAt ? (
          <div>
            <dt>{t('rx.field.expiresAt')}</dt>
            <dd>{formatDay(rx.expiresAt, lang)}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('print.version')}</dt>
          <dd>{t('rx.timeline.versionShort', { version: version.version })}</dd>
        </div>
      </dl>

      <RxProblems problems={version.problems} className="print-problems" />
      <RxTable rx={rx} className="print-grid" compact />

      {pd.length > 0 ? (
        <dl className="print-facts print-pd">
          {pd.map(([k, v]) => (
            <div key={k}>
              <dt>{t(`rx.pd.${k}`)}</dt>
              <dd>
                <bdi dir="ltr">{v} mm</bdi>
              </dd>
            </div>
          ))}
        </dl>
      ) : null}

      {contacts ? (
        <dl className="print-facts">
          {(['baseCurve', 'diameter', 'brand'] as const).flatMap((k) =>
            contacts[k]
              ? [
                  <div key={k}>
                    <dt>{t(`rx.contacts.${k}`)}</dt>
                    <dd>
                      <bdi dir="ltr">{contacts[k]}</bdi>
                    </dd>
                  </div>,
                ]
              : [],
          )}
        </dl>
      ) : null}

      {rx.notes ? (
        <p className="print-notes">
          <strong>{t('rx.field.notes')}:</strong> {rx.notes}
        </p>
      ) : null}
      <footer className="print-foot">{t('print.signature')}</footer>
    </article>,
    document.body,
  );
}
