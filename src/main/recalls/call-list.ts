import type { RecallItem, callListLanguages } from '../../shared/recalls/schema';
import { toCsv } from '../spreadsheet/csv-writer';

type Language = (typeof callListLanguages)[number];

/** The file's words in the staff's language: they open it in a spreadsheet and call down the list. */
const WORDS: Record<Language, { header: string[]; yes: string; no: string; kinds: Record<string, string>; outcomes: Record<string, string>; states: Record<string, string> }> = {
  en: {
    header: ['Last name', 'First name', 'Phone', 'Email', 'Agreed to be contacted', 'Kind', 'Last exam', 'Due date', 'Status', 'Last outcome', 'Outcome date', 'Note'],
    yes: 'yes',
    no: 'no',
    kinds: { spectacles: 'Spectacles', contacts: 'Contact lenses' },
    outcomes: { called: 'Called', noAnswer: 'No answer', booked: 'Booked', declined: 'Declined' },
    states: { due: 'Due this month', overdue: 'Overdue', upcoming: 'Upcoming', answered: 'Answered' },
  },
  fr: {
    header: ['Nom', 'Prénom', 'Téléphone', 'E-mail', 'Accepte d’être contacté', 'Type', 'Dernier examen', 'Échéance', 'Statut', 'Dernier résultat', 'Date du résultat', 'Note'],
    yes: 'oui',
    no: 'non',
    kinds: { spectacles: 'Lunettes', contacts: 'Lentilles' },
    outcomes: { called: 'Appelé', noAnswer: 'Pas de réponse', booked: 'Rendez-vous pris', declined: 'Refusé' },
    states: { due: 'À rappeler ce mois-ci', overdue: 'En retard', upcoming: 'À venir', answered: 'Répondu' },
  },
  ar: {
    header: ['اسم العائلة', 'الاسم', 'الهاتف', 'البريد الإلكتروني', 'موافق على التواصل', 'النوع', 'آخر فحص', 'تاريخ الاستحقاق', 'الحالة', 'آخر نتيجة', 'تاريخ النتيجة', 'ملاحظة'],
    yes: 'نعم',
    no: 'لا',
    kinds: { spectacles: 'نظارات', contacts: 'عدسات لاصقة' },
    outcomes: { called: 'تم الاتصال', noAnswer: 'لا رد', booked: 'تم الحجز', declined: 'رفض' },
    states: { due: 'مستحق هذا الشهر', overdue: 'متأخر', upcoming: 'قادم', answered: 'تم الرد' },
  },
};

/** The call list, one customer a row, through the one CSV writer (formula cells neutralised, BOM). */
export function callListCsv(items: readonly RecallItem[], language: Language = 'en'): string {
  const w = WORDS[language];
  return toCsv(
    w.header,
    items.map((i) => [
      i.lastName,
      i.firstName,
      i.phoneNumber,
      i.email,
      i.consent.marketing || i.consent.sms ? w.yes : w.no,
      i.kind ? w.kinds[i.kind] : '',
      i.lastExamDate,
      i.dueDate,
      w.states[i.state],
      i.lastOutcome ? w.outcomes[i.lastOutcome] : '',
      i.lastOutcomeDate,
      i.lastOutcomeNote,
    ]),
  );
}
