import { z } from 'zod';

/*
 * Recalls (issue 13 item 4): when each customer's next check is due, from their last exam, and what
 * staff heard when they called. Local data only: the cloud has no such fields.
 */

const Months = z
  .number({ error: 'must be a number of months' })
  .int('must be a whole number of months')
  .min(1, 'from 1 to 120 months')
  .max(120, 'from 1 to 120 months');
/** A calendar day as stored (YYYY-MM-DD), checked for a real date (31/02 refused). */
export const Day = z
  .string({ error: 'must be a date' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)')
  .refine((d) => {
    const t = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
  }, 'must be a real date');

/**
 * The store's recall intervals (owner): by the kind of the last exam's prescription, and a shorter
 * one for children and older customers (under `youngUnder` years or from `seniorFrom` years at the
 * exam), which applies only when it is shorter than the kind's.
 */
export const RecallSettings = z.strictObject({
  spectaclesMonths: Months,
  contactsMonths: Months,
  youngMonths: Months,
  seniorMonths: Months,
});
export type RecallSettings = z.infer<typeof RecallSettings>;

/** Two years for spectacles, one for contact lenses, one for the under-16s and the over-60s. */
export const defaultRecallSettings: RecallSettings = { spectaclesMonths: 24, contactsMonths: 12, youngMonths: 12, seniorMonths: 12 };
/** Ages in completed years at the exam: under 16 is young; 60 and over is senior ("over 60" once the 60th birthday is past). */
export const YOUNG_UNDER = 16;
export const SENIOR_FROM = 60;

/** One customer's own rule, set by staff: another interval, a fixed date, or never recalled. */
export const RecallOverride = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('months'), months: Months }),
    z.strictObject({ type: z.literal('date'), date: Day }),
    z.strictObject({ type: z.literal('none') }),
  ],
  { error: 'override must be months, a date or none' },
);
export type RecallOverride = z.infer<typeof RecallOverride>;

export const recallOutcomes = ['called', 'noAnswer', 'booked', 'declined'] as const;
export const RecallOutcome = z.enum(recallOutcomes, { error: `outcome must be one of ${recallOutcomes.join(', ')}` });
export type RecallOutcome = z.infer<typeof RecallOutcome>;
/** Outcomes that answer a recall (off the list until the next exam); the others keep it on, showing the last try. */
export const answeringOutcomes: readonly RecallOutcome[] = ['booked', 'declined'];

export const recallStates = ['upcoming', 'due', 'overdue', 'answered'] as const;
export type RecallState = (typeof recallStates)[number];

const Id = z.string({ error: 'customerId must be text' }).trim().min(1, 'customerId is required').max(64);

export const RecallListInput = z.strictObject({
  /** due: due this month; overdue: due before this month and not answered; all: everyone with a recall. */
  status: z.enum(['due', 'overdue', 'all'], { error: 'status must be due, overdue or all' }).default('due'),
  /** Only customers who agreed to be contacted (marketing or SMS consent). */
  consentOnly: z.boolean({ error: 'consentOnly must be true or false' }).default(false),
  limit: z.number().int().min(1).max(2000).default(500),
  offset: z.number().int().min(0).default(0),
});
export const callListLanguages = ['en', 'fr', 'ar'] as const;
export const RecallExportInput = RecallListInput.pick({ status: true, consentOnly: true }).extend({
  /** The language of the file's column names and words (the screen's). */
  language: z.enum(callListLanguages, { error: 'language must be en, fr or ar' }).default('en'),
});

export const RecallItem = z.object({
  customerId: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  phoneNumber: z.string(),
  email: z.string(),
  /** Where a recall letter goes (null: no address kept). */
  address: z.object({ street: z.string(), zipCode: z.string(), city: z.string(), state: z.string() }).nullable(),
  consent: z.object({ marketing: z.boolean(), sms: z.boolean() }),
  /** The kind of the current prescription; null for a fixed date without any exam. */
  kind: z.enum(['spectacles', 'contacts']).nullable(),
  lastExamDate: z.string().nullable(),
  dueDate: z.string(),
  state: z.enum(recallStates),
  lastOutcome: RecallOutcome.nullable(),
  lastOutcomeDate: z.string().nullable(),
  lastOutcomeNote: z.string().nullable(),
  overridden: z.boolean(),
});
export type RecallItem = z.infer<typeof RecallItem>;
export const RecallListOutput = z.object({ items: z.array(RecallItem), total: z.number().int(), today: z.string() });

export const RecallRecordInput = z.strictObject({
  customerId: Id,
  outcome: RecallOutcome,
  /** The day of the call; today when absent. */
  date: Day.optional(),
  note: z.string({ error: 'note must be text' }).trim().max(500, 'must be at most 500 characters').optional(),
});
export const RecallOutcomeEntry = z.object({
  id: z.string(),
  customerId: z.string(),
  outcome: RecallOutcome,
  date: z.string(),
  note: z.string(),
  recordedAt: z.string(),
});

export const RecallSetOverrideInput = z.strictObject({ customerId: Id, override: RecallOverride.nullable() });
export const RecallCustomerInput = z.strictObject({ customerId: Id });
/** One customer's recall, for their screen: their override, when they are due (null: not recalled), the outcomes. */
export const RecallCustomer = z.object({
  customerId: z.string(),
  override: RecallOverride.nullable(),
  dueDate: z.string().nullable(),
  state: z.enum(recallStates).nullable(),
  outcomes: z.array(RecallOutcomeEntry),
});

export const RecallExportOutput = z.object({ fileName: z.string(), bytes: z.string() });
