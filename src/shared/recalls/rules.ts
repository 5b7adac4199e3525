import { type RecallOutcome, type RecallOverride, type RecallSettings, type RecallState, SENIOR_FROM, YOUNG_UNDER, answeringOutcomes } from './schema';

/*
 * When a customer is due back, as pure rules. The core's list answers the same in SQL
 * (main/recalls/query.ts) so 100,000 customers are not read into a loop; a test runs both over the
 * same customers and compares them day for day.
 */

export type Kind = 'spectacles' | 'contacts';

const pad = (n: number) => String(n).padStart(2, '0');
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * A day plus whole months, kept in the target month: 31 Jan + 1 month is 28 (or 29) Feb and 29 Feb
 * 2024 + 12 months is 28 Feb 2025, never 1 or 3 March: a recall belongs to the month the rule names.
 */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${year}-${pad(month)}-${pad(Math.min(d, daysIn(year, month)))}`;
}

/**
 * Age in completed years on a day; null without a date of birth. Someone born on 29 Feb has their
 * birthday on 1 March in other years (the day-month comparison is plain text, as in the SQL).
 */
export function ageAt(dateOfBirth: string, day: string): number | null {
  const dob = dateOfBirth.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(dob)) return null;
  const years = Number(day.slice(0, 4)) - Number(dob.slice(0, 4));
  return years - (day.slice(5, 10) < dob.slice(5, 10) ? 1 : 0);
}

/**
 * The store's interval for an exam: by the prescription's kind, shortened (never lengthened) for a
 * customer under 16 or aged 60 and over on the day of the exam. The age at the exam, not at the
 * due date: the interval is what the exam called for, and it does not move when a birthday passes.
 */
export function intervalMonths(settings: RecallSettings, kind: Kind, age: number | null): number {
  const byKind = kind === 'contacts' ? settings.contactsMonths : settings.spectaclesMonths;
  if (age !== null && age < YOUNG_UNDER) return Math.min(byKind, settings.youngMonths);
  if (age !== null && age >= SENIOR_FROM) return Math.min(byKind, settings.seniorMonths);
  return byKind;
}

export interface RecallBasis {
  /** The current prescription's exam day and kind; null when the customer never had an exam here. */
  exam: { date: string; kind: Kind } | null;
  dateOfBirth: string;
  override: RecallOverride | null;
}

/**
 * The day a customer is due back, or null when they are not recalled: no exam (unless staff fixed a
 * date), or "no recall". An override's interval replaces the store's rules, a fixed date replaces all.
 */
export function dueDateOf(basis: RecallBasis, settings: RecallSettings): string | null {
  const { exam, override } = basis;
  if (override?.type === 'none') return null;
  if (override?.type === 'date') return override.date;
  if (!exam) return null;
  const months = override?.type === 'months' ? override.months : intervalMonths(settings, exam.kind, ageAt(basis.dateOfBirth, exam.date));
  return addMonths(exam.date, months);
}

/** The first and last day of the month of `today`. */
export function monthOf(today: string): { start: string; end: string } {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  return { start: `${today.slice(0, 7)}-01`, end: `${today.slice(0, 7)}-${pad(daysIn(y, m))}` };
}

/**
 * Whether the recall was answered: a booking or a refusal dated after the last exam (the exam the
 * recall counts from; any date when there is none). A newer exam starts the next recall afresh.
 * Calls and unanswered calls keep it on the list. A rule staff set for the customer (`ruleSetAt`, an
 * interval or a date) after an answer asks for a new call: only answers recorded since count.
 */
export function isAnswered(outcomes: readonly { outcome: RecallOutcome; date: string; recordedAt?: string }[], lastExamDate: string | null, ruleSetAt: string | null = null): boolean {
  return outcomes.some(
    (o) => answeringOutcomes.includes(o.outcome) && (lastExamDate === null || o.date > lastExamDate) && (ruleSetAt === null || (o.recordedAt ?? '') >= ruleSetAt),
  );
}

/** Where a recall stands today: answered, overdue (due before this month), due (this month) or upcoming. */
export function recallStateOf(dueDate: string, answered: boolean, today: string): RecallState {
  if (answered) return 'answered';
  const month = monthOf(today);
  if (dueDate < month.start) return 'overdue';
  if (dueDate <= month.end) return 'due';
  return 'upcoming';
}
