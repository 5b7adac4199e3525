import { createPortal } from 'react-dom';
import { Trans, useTranslation } from 'react-i18next';
import type { RecallItem } from '../../../shared/recalls/schema';
import { formatDay, intlLocale } from '../format';
import { Letterhead } from '../prescriptions/PrintCard';
import { useStoreProfile } from '../settings/queries';
import { addressLines } from './letter';

/**
 * One recall letter per selected customer, on the store's letterhead like the prescription card,
 * each on its own page. Hidden on screen (a portal into <body>, as the card); the print stylesheet
 * shows only it.
 */
export function RecallLetters({ items }: { items: readonly RecallItem[] }) {
  const { t, i18n } = useTranslation();
  const store = useStoreProfile().data;
  const lang = i18n.language;
  const today = new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: 'long' }).format(new Date());
  if (items.length === 0) return null;
  return createPortal(
    <div className="print-card recall-letters">
      {items.map((item) => (
        <article key={item.customerId} className="recall-letter">
          <header className="print-head">
            {store ? <Letterhead store={store} /> : null}
            <div className="print-printed">{today}</div>
          </header>
          <address className="recall-letter-to" dir="auto">
            <span>
              {item.firstName} {item.lastName}
            </span>
            {addressLines(item.address).map((line) => (
              <span key={line}>{line}</span>
            ))}
          </address>
          <p className="recall-letter-subject">
            <strong>{t('recalls.letter.subject')}</strong>
          </p>
          <p>{t('recalls.letter.greeting', { name: `${item.firstName} ${item.lastName}` })}</p>
          <p>
            {item.lastExamDate
              ? t(item.kind === 'contacts' ? 'recalls.letter.bodyContacts' : 'recalls.letter.body', { exam: formatDay(item.lastExamDate, lang), due: formatDay(item.dueDate, lang) })
              : t('recalls.letter.bodyNoExam', { due: formatDay(item.dueDate, lang) })}
          </p>
          <p>
            {store?.phone ? (
              <Trans i18nKey="recalls.letter.callUs" values={{ phone: store.phone }} components={{ n: <bdi dir="ltr" /> }} />
            ) : (
              t('recalls.letter.visitUs')
            )}
          </p>
          <p>{t('recalls.letter.closing')}</p>
          <p className="recall-letter-signature">{store?.name ?? ''}</p>
        </article>
      ))}
    </div>,
    document.body,
  );
}
