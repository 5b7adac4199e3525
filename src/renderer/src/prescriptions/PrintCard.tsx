import { createPortal } from 'react-dom';
import { Trans, useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import type { PrescriptionVersion } from '../../../shared/prescriptions/schema';
import { formatDay, intlLocale } from '../format';
import { pdKeys } from './draft';
import { RxProblems } from './RxProblems';
import { RxTable } from './RxTable';
import type { StoreProfile } from '../../../shared/store-profile/schema';
import { useStoreProfile } from '../settings/queries';

type Customer = ChannelOutput<'customers.get'>;

/**
 * The prescription card as it prints: the store's letterhead, customer, exam and expiry, the OD/OS
 * grid, PD, and the note for the customer. Never the store's internal notes nor the app's version
 * numbers: the card is the customer's. It lives outside the app's root (a portal into <body>),
 * hidden on screen; the print stylesheet hides the app and shows only this.
 */
export function PrintCard({ customer, version }: { customer: Customer; version: PrescriptionVersion }) {
  const { t, i18n } = useTranslation();
  const { rx } = version;
  const lang = i18n.language;
  const pd = pdKeys.flatMap((k) => (rx.pd?.[k] ? [[k, rx.pd[k]] as const] : []));
  const contacts = rx.kind === 'contacts' ? rx.contacts : undefined;
  const today = new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: 'medium' }).format(new Date());
  const store = useStoreProfile().data;

  return createPortal(
    <article className="print-card">
      <header className="print-head">
        {store ? <Letterhead store={store} /> : null}
        <div className="print-printed">{t('print.printed', { date: today })}</div>
      </header>
      <p className="print-doc">{rx.kind === 'contacts' ? t('print.titleContacts') : t('print.title')}</p>

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
        <div>
          <dt>{t('rx.field.expiresAt')}</dt>
          <dd>{rx.expiresAt ? formatDay(rx.expiresAt, lang) : t('rxCard.noExpiry')}</dd>
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

      {rx.customerNote ? (
        <p className="print-notes">
          {/* The label carries its colon: French puts a space before it. */}
          <strong>{t('rxCard.note')}</strong> {rx.customerNote}
        </p>
      ) : null}
      <footer className="print-foot">{t('print.signature')}</footer>
    </article>,
    document.body,
  );
}

/** The store as its letterhead: logo, name, address, phone and registration number, each when set. */
export function Letterhead({ store }: { store: StoreProfile }) {
  return (
    <div className="print-letterhead">
      {store.logo ? <img className="print-logo" src={`data:${store.logo.mimeType};base64,${store.logo.bytes}`} alt="" /> : null}
      <div>
        {store.name ? <p className="print-store">{store.name}</p> : null}
        {/* Each line takes the direction of what was typed: a Latin address stays in its order on an Arabic card. */}
        {store.address ? (
          <p className="print-address" dir="auto">
            {store.address}
          </p>
        ) : null}
        <p className="print-contact">
          {/* Numbers read left to right in every language: "05 22 12 34 56", never "56 34 12 22 05". */}
          {store.phone ? <Trans i18nKey="rxCard.phone" values={{ phone: store.phone }} components={{ n: <bdi dir="ltr" /> }} /> : null}
          {store.phone && store.registrationNumber ? ' · ' : null}
          {store.registrationNumber ? <Trans i18nKey="rxCard.registration" values={{ number: store.registrationNumber }} components={{ n: <bdi dir="ltr" /> }} /> : null}
        </p>
      </div>
    </div>
  );
}
