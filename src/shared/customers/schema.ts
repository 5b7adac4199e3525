import { z } from 'zod';
import { CYL, type Parsed, SPH, parseAxis, parseDiopter } from '../prescriptions/values';
import { RxProblem } from '../prescriptions/schema';
import { type IssueCode, issueCode } from '../messages';
import { westernDigits } from '../western-digits';

/*
 * Customers as seed 001 defines them. These schemas are the single source of the types used by the
 * core, the renderer's forms and the tests: `z.input` is what a caller may send, `z.output` what the
 * core works with after trimming and normalising.
 */

/*
 * One line of text as a person reads it: no line breaks or other controls (a name with a newline
 * splits in half on the card and in search), and no bidi embeddings, overrides or isolates (U+202E
 * makes "Rtlzyx" read "Rtlxyz", so the name seen is not the name found).
 */
const HIDDEN_LAYOUT = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
const oneLine = (label: string) =>
  [
    (s: string) => !HIDDEN_LAYOUT.test(s),
    { message: `${label} must be one line of plain text (no line breaks or direction marks)`, params: { code: 'field.oneLine' } satisfies IssueCode },
  ] as const;

const requiredText = (label: string, max: number) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? `${label} is required` : `${label} must be text`) })
    .trim()
    .min(1, `${label} is required`)
    .max(max, `${label} must be at most ${max} characters`)
    .refine(...oneLine(label));

const optionalText = (label: string, max: number) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .max(max, `${label} must be at most ${max} characters`)
    .refine(...oneLine(label))
    // An emptied field is stored as "not given", not as an empty string.
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional();

export const Email = z
  .string({ error: (iss) => (iss.input === undefined ? 'Email is required' : 'Email must be text') })
  .trim()
  .min(1, 'Email is required')
  .max(254, 'Email must be at most 254 characters')
  // Unicode local parts and domains (élodie@exemple.fr) are real addresses in the stores we serve.
  .pipe(z.email({ pattern: z.regexes.unicodeEmail, error: 'Email must be a valid address, like name@example.com' }));

// Digit groups separated by single spaces or dashes, with an optional leading +.
const PHONE_SHAPE = /^\+?\d+(?:[ -]\d+)*$/;
// An Arabic keyboard types ٠٦…: the same number, kept in the digits every system reads.
export const PhoneNumber = requiredText('Phone number', 32).overwrite(westernDigits).superRefine((s, ctx) => {
  const digits = s.replace(/\D/g, '').length;
  if (!PHONE_SHAPE.test(s)) {
    ctx.addIssue({ code: 'custom', message: 'Phone number may contain only digits, spaces, dashes and a leading +', params: { code: 'phone.shape' } satisfies IssueCode });
  } else if (digits < 6 || digits > 15) {
    ctx.addIssue({ code: 'custom', message: 'Phone number must have 6 to 15 digits', params: { code: 'phone.digits', params: { min: 6, max: 15 } } satisfies IssueCode });
  }
});

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})(?:T00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?$/;
/** A real calendar day in the past, accepted as `YYYY-MM-DD` or seed 001's midnight-UTC ISO form. */
export const DateOfBirth = requiredText('Date of birth', 40).transform((s, ctx) => {
  const m = ISO_DAY.exec(s);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'Date of birth must be a date like 1992-05-12', params: { code: 'date.shape', params: { example: '1992-05-12' } } satisfies IssueCode });
    return z.NEVER;
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900) {
    ctx.addIssue({ code: 'custom', message: 'Date of birth must be in 1900 or later', params: { code: 'date.tooEarly', params: { year: '1900' } } satisfies IssueCode });
    return z.NEVER;
  }
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    ctx.addIssue({ code: 'custom', message: `Date of birth ${m[1]}-${m[2]}-${m[3]} is not a real date`, params: { code: 'date.notReal', params: { example: '1992-05-12' } } satisfies IssueCode });
    return z.NEVER;
  }
  // Compared with today's date where the counter is, not in UTC (just after midnight they differ).
  const now = new Date();
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  if (date.getTime() > today) {
    ctx.addIssue({ code: 'custom', message: 'Date of birth cannot be in the future', params: { code: 'date.future' } satisfies IssueCode });
    return z.NEVER;
  }
  return date.toISOString();
});

export const Sex = z.enum(['male', 'female'], {
  error: (iss) => (iss.input === undefined || iss.input === '' ? 'Sex is required' : 'Sex must be "male" or "female"'),
});

/**
 * A field a walk-in may leave for later (issue 12): null, '' or blanks mean "not given" and come out
 * as '', which is how the store keeps it; a value given is checked as always.
 */
const orNotGiven = <T extends z.ZodType>(schema: T, label: string) =>
  z
    .union([z.string(), z.null()], { error: `${label} must be text` })
    .transform((v, ctx): z.output<T> | '' => {
      if (v === null || v.trim() === '') return '';
      const r = schema.safeParse(v);
      if (r.success) return r.data;
      // The inner schema's code goes along: the field it is about is this one's path.
      for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, params: issueCode(issue) ?? undefined });
      return z.NEVER;
    })
    .optional();

/** What a customer needs before the store's cloud (seed 001) accepts them; a local one may lack these. */
export const completableFields = ['email', 'phoneNumber', 'dateOfBirth', 'sex'] as const;
export const CompletableField = z.enum(completableFields);
export type CompletableField = z.infer<typeof CompletableField>;

export const REACH_MESSAGE = 'Give a phone number or an email';

const CustomerDataFields = z.strictObject({
  firstName: requiredText('First name', 100),
  lastName: requiredText('Last name', 100),
  email: orNotGiven(Email, 'Email'),
  phoneNumber: orNotGiven(PhoneNumber, 'Phone number'),
  dateOfBirth: orNotGiven(DateOfBirth, 'Date of birth'),
  sex: orNotGiven(Sex, 'Sex'),
});

/*
 * A customer can be saved once they can be reached: a phone number or an email, the error on both
 * fields. Checked beside the other fields' errors (a missing name too), not only once they pass.
 */
export const CustomerDataInput = CustomerDataFields.superRefine(
  (c, ctx) => {
    if (c.email || c.phoneNumber) return;
    for (const path of ['email', 'phoneNumber']) ctx.addIssue({ code: 'custom', path: [path], message: REACH_MESSAGE, params: { code: 'customer.reach' } satisfies IssueCode });
  },
  {
    when: (p) =>
      typeof p.value === 'object' && p.value !== null && !p.issues.some((i) => i.path?.[0] === 'email' || i.path?.[0] === 'phoneNumber'),
  },
  // A new customer's absent field is "not given" (''); an update's absent field stays as it was.
).transform((c) => ({ ...c, email: c.email ?? '', phoneNumber: c.phoneNumber ?? '', dateOfBirth: c.dateOfBirth ?? '', sex: c.sex ?? '' }));

export const AddressInput = z.strictObject({
  street: optionalText('Street', 200),
  city: optionalText('City', 100),
  zipCode: optionalText('ZIP code', 20),
  state: optionalText('State', 100),
});

/**
 * A prescription value as seed 001 carries it ("-1.25", "90"), or a number. Each value is checked
 * with the prescription rules' own readers (so staff shorthand works and forms can show the error
 * at once); rules that span fields, such as an axis being required with a cylinder, are checked when
 * the prescription is recorded. null or '' clears a value.
 */
const measure = (read: (v: unknown) => Parsed<number | null>) =>
  z
    .union([z.string().max(24, 'must be at most 24 characters'), z.number()], { error: 'must be a number or text' })
    .nullable()
    .optional()
    .superRefine((v, ctx) => {
      const r = read(v);
      if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message.message, params: { code: r.message.code, params: r.message.params } });
    });

export const EyeInput = z.strictObject({
  sph: measure((v) => parseDiopter(v, SPH)),
  cyl: measure((v) => parseDiopter(v, CYL)),
  axis: measure(parseAxis),
});
export const VisionInput = z.strictObject({ rightEye: EyeInput.optional(), leftEye: EyeInput.optional() });
export const OpticDataInput = z.strictObject({
  distanceVision: VisionInput.optional(),
  intermediateVision: VisionInput.optional(),
  nearVision: VisionInput.optional(),
});
export const visionKeys = ['distanceVision', 'intermediateVision', 'nearVision'] as const;
export const eyeKeys = ['rightEye', 'leftEye'] as const;

/** Seed 001's `jsonData`. */
/** Local only (it does not sync): whether the customer agreed to marketing and to SMS. */
export const ConsentInput = z.strictObject({
  marketing: z.boolean({ error: 'consent.marketing must be true or false' }).optional(),
  sms: z.boolean({ error: 'consent.sms must be true or false' }).optional(),
});

export const CustomerCreateInput = z.strictObject({
  customerData: CustomerDataInput,
  address: AddressInput.optional(),
  opticData: OpticDataInput.optional(),
  consent: ConsentInput.optional(),
});

export const CustomerId = z.string({ error: 'id is required' }).trim().min(1, 'id is required').max(100, 'id is too long');

export const CustomerUpdateInput = z.strictObject({
  id: CustomerId,
  customerData: CustomerDataFields.partial().optional(),
  address: AddressInput.optional(),
  opticData: OpticDataInput.optional(),
  consent: ConsentInput.optional(),
});

export const CustomerIdInput = z.strictObject({ id: CustomerId });

export const CustomerBulkDeleteInput = z.strictObject({
  ids: z.array(CustomerId, { error: 'ids must be a list of customer ids' }).min(1, 'No customer IDs provided').max(1000),
});

/**
 * `relevance` ranks a search's results, best first whatever sortOrder (see search-index.ts); without
 * sortBy, a search is ranked and browsing is newest first (seed 001's createdAt). An explicit order
 * is kept as asked.
 */
export const sortByValues = ['name', 'status', 'createdAt', 'updatedAt', 'relevance'] as const;
/** The longest search, also the search box's limit: a longer paste stops there rather than failing the list. */
export const SEARCH_MAX_LENGTH = 200;
export const SearchText = z.string().trim().max(SEARCH_MAX_LENGTH, `Search must be at most ${SEARCH_MAX_LENGTH} characters`);
export const CustomerListInput = z
  .strictObject({
    search: SearchText.optional(),
    name: z.string().trim().max(200, 'Name must be at most 200 characters').optional(),
    isActive: z.boolean({ error: 'isActive must be true or false' }).optional(),
    page: z.number({ error: 'page must be a number' }).int('page must be a whole number').min(1, 'page starts at 1').default(1),
    limit: z.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be 1 to 100').max(100, 'limit must be 1 to 100').default(10),
    sortBy: z.enum(sortByValues, { error: `sortBy must be one of ${sortByValues.join(', ')}` }).optional(),
    sortOrder: z.enum(['asc', 'desc'], { error: 'sortOrder must be asc or desc' }).default('desc'),
    /** Only the customers the cloud puts in this group (customers.groups lists them). */
    groupId: z.string({ error: 'groupId must be text' }).trim().min(1, 'groupId is required').max(200, 'groupId is too long').optional(),
  })
  .prefault({});

// ---- outputs (seed 001's response shapes) ----

const Timestamp = z.string();

export const CustomerRecord = z.object({
  id: z.string(),
  isActive: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  deletedAt: Timestamp.nullable(),
});

export const LocalData = z.object({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phoneNumber: z.string(),
  dateOfBirth: z.string(),
  /** '' while not given (an incomplete customer). */
  sex: z.union([Sex, z.literal('')]),
  customerId: z.string(),
});

/**
 * Whether the customer still lacks what the cloud requires (then it waits here), and what; and
 * whether only the cloud's list is here yet (a new PC's first sync: name, email and groups), its
 * detail on its way: then the rest is neither shown as missing nor editable.
 */
const Completeness = { incomplete: z.boolean(), missing: z.array(CompletableField), detailsArriving: z.boolean() };

/** A group the store's cloud puts customers in (seed 001's list: e.g. "VIP Customers"). */
export const CustomerGroup = z.object({ id: z.string(), name: z.string() });

export const Address = z.object({
  id: z.string(),
  street: z.string().nullable(),
  city: z.string().nullable(),
  zipCode: z.string().nullable(),
  state: z.string().nullable(),
  customerId: z.string(),
});

const Eye = z.object({ sph: z.string().optional(), cyl: z.string().optional(), axis: z.string().optional() });
const Vision = z.object({ rightEye: Eye.optional(), leftEye: Eye.optional() });
export const OpticValues = z.object({
  distanceVision: Vision.optional(),
  intermediateVision: Vision.optional(),
  nearVision: Vision.optional(),
});
export const OpticData = OpticValues.extend({ id: z.string(), customerId: z.string() });


export const CustomerDetail = CustomerRecord.extend({
  localData: LocalData,
  address: Address.nullable(),
  opticData: OpticData.nullable(),
  /** Only when the current prescription contradicts itself: where. Local only (not in seed 001). */
  opticProblems: z.array(RxProblem).optional(),
  /** When each consent was given (null: not given). Local only; not part of seed 001. */
  consent: z.object({ marketingAt: Timestamp.nullable(), smsAt: Timestamp.nullable() }),
  ...Completeness,
  /** Last activity: the later of updatedAt and the newest prescription version or document. Local only. */
  seenAt: Timestamp,
  groups: z.array(CustomerGroup),
});

/**
 * What customers.create and customers.update answer: seed 001's `{customer, localData}`, and the
 * customer as now stored, as customers.get answers it, so the screen shows it without asking again.
 */
export const CustomerCreateOutput = z.object({ customer: CustomerRecord, localData: LocalData, detail: CustomerDetail });

export const CustomerListItem = z.object({
  id: z.string(),
  name: z.string(),
  userName: z.string(),
  groups: z.array(CustomerGroup),
  isLocal: z.boolean(),
  status: z.enum(['active', 'unactive']),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  ...Completeness,
  // Local only, to tell namesakes apart in the results (the cloud's list has none of these).
  phoneNumber: z.string().nullable(),
  dateOfBirth: z.string().nullable(),
  city: z.string().nullable(),
  /** The current prescription's exam day (YYYY-MM-DD), null without one. */
  lastExamDate: z.string().nullable(),
});

export const CustomerListOutput = z.object({
  data: z.array(CustomerListItem),
  pagination: z.object({ page: z.number(), limit: z.number(), total: z.number(), totalPages: z.number() }),
});

/*
 * customers.duplicates (issue 12): what is typed so far on a new customer's form; anything may be
 * missing or half typed (a value that cannot match is simply not matched), so nothing here is refused.
 */
const probe = (max: number) => z.string({ error: 'must be text' }).trim().max(max, `must be at most ${max} characters`).optional();
export const CustomerDuplicatesInput = z.strictObject({
  customerData: z.strictObject({
    firstName: probe(100),
    lastName: probe(100),
    email: probe(254),
    phoneNumber: probe(32),
    dateOfBirth: probe(40),
  }),
});
/** Why an existing customer may be the one being typed. */
export const duplicateReasons = ['nameAndBirth', 'phone', 'email'] as const;
export const DuplicateReason = z.enum(duplicateReasons);
export type DuplicateReason = z.infer<typeof DuplicateReason>;
export const DuplicateCandidate = LocalData.pick({ id: true, firstName: true, lastName: true, email: true, phoneNumber: true, dateOfBirth: true }).extend({
  reasons: z.array(DuplicateReason),
});
export const CustomerDuplicatesOutput = z.object({ candidates: z.array(DuplicateCandidate) });
export type CustomerDuplicatesQuery = z.output<typeof CustomerDuplicatesInput>;
export type DuplicateCandidate = z.infer<typeof DuplicateCandidate>;

/** customers.groups: every group the cloud sent, with how many live customers are in it. */
export const CustomerGroupsInput = z.strictObject({}).prefault({});
export const CustomerGroupsOutput = z.object({ groups: z.array(CustomerGroup.extend({ count: z.number().int() })) });

export const CustomerDeleteOutput = z.object({ message: z.string(), customerId: z.string() });
export const CustomerBulkDeleteOutput = z.object({ message: z.string(), deletedCount: z.number() });

export type CustomerCreateInput = z.input<typeof CustomerCreateInput>;
export type CustomerCreate = z.output<typeof CustomerCreateInput>;
export type CustomerUpdate = z.output<typeof CustomerUpdateInput>;
export type CustomerListQuery = z.output<typeof CustomerListInput>;
export type CustomerDetail = z.infer<typeof CustomerDetail>;
export type CustomerListItem = z.infer<typeof CustomerListItem>;
export type CustomerGroup = z.infer<typeof CustomerGroup>;
export type OpticValues = z.infer<typeof OpticValues>;
