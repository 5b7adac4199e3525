import type { z } from 'zod';
import { CustomerCreateInput } from '../../shared/customers/schema';
import type { ImportField, ImportMapping, RowProblem } from '../../shared/import/schema';
import { messageFromIssue, say } from '../../shared/messages';
import { checkRx } from '../../shared/prescriptions/rules';
import type { RxInput } from '../../shared/prescriptions/schema';
import { type DayOrder, readDay } from './dates';

/*
 * One row of an imported file read into what the form would save: the customer (checked by the
 * form's own schema, CustomerCreateInput) and the prescription (checked by the prescription rules,
 * checkRx), with each problem on its field in the form's own words. Pure.
 *
 * What skips a row: it has no name at all, lacks a first or a last name (the form requires both), or
 * leaves no way to reach the person (no phone, no email: the form's rule). Everything else only leaves
 * the faulty value out, listed: a date of birth that is not a real date, an email or a phone that is
 * not one, an unknown sex. The customer comes in incomplete and waits here, as a walk-in does
 * (issue 12 item 1), until staff complete them. A prescription that breaks a rule (axis 200, a missing
 * exam date) is left out whole, its problems listed; the customer still comes in.
 */

export type CustomerCreate = z.output<typeof CustomerCreateInput>;
export type RowProblemT = z.infer<typeof RowProblem>;

export interface RowResult {
  row: number;
  /** null: the row is skipped (its problems say why). */
  customer: CustomerCreate | null;
  rx: RxInput | null;
  problems: RowProblemT[];
}

export interface RowContext {
  dateOrder: DayOrder;
  /** YYYY-MM-DD where the counter is. */
  today: string;
}

/** Which column (index) holds each field, from the headers and the mapping. */
export type FieldColumns = Partial<Record<ImportField, number>>;

export function fieldColumns(headers: readonly string[], mapping: ImportMapping): FieldColumns {
  const out: FieldColumns = {};
  headers.forEach((h, i) => {
    const f = mapping[h];
    if (f && out[f] === undefined) out[f] = i;
  });
  return out;
}

const SEX_WORDS: Record<string, 'male' | 'female'> = {
  m: 'male', h: 'male', homme: 'male', male: 'male', man: 'male', masculin: 'male', mr: 'male', monsieur: 'male', mister: 'male',
  f: 'female', femme: 'female', female: 'female', woman: 'female', feminin: 'female', mme: 'female', mlle: 'female', madame: 'female', mademoiselle: 'female', ms: 'female', mrs: 'female', miss: 'female',
};
export const SEX_ALLOWED = 'M/F, H/F, Homme/Femme, Male/Female, M./Mme/Mlle';

/** "M.", "Mme", "Femme", "H" → the form's sex; null when the word is not one of them. */
export function readSex(text: string): 'male' | 'female' | null {
  const w = text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[.\s]/g, '');
  return SEX_WORDS[w] ?? null;
}

const YES = new Set(['1', 'yes', 'y', 'oui', 'o', 'true', 'vrai', 'x', 'ok']);

/**
 * A full name split into first and last: "Dupont, Marie" (last first, with a comma); "DUPONT Marie"
 * (the last name written in capitals, as French files do); else "Marie Dupont" (the last word is the
 * last name). One word is a last name alone.
 */
export function splitFullName(full: string): { firstName: string; lastName: string } {
  const s = full.trim().replace(/\s+/g, ' ');
  const comma = s.indexOf(',');
  if (comma !== -1) return { lastName: s.slice(0, comma).trim(), firstName: s.slice(comma + 1).trim() };
  const words = s.split(' ');
  if (words.length === 1) return { firstName: '', lastName: s };
  const isCaps = (w: string) => w.length > 1 && w === w.toUpperCase() && w !== w.toLowerCase();
  const caps = words.findIndex((w) => !isCaps(w));
  if (caps > 0) return { lastName: words.slice(0, caps).join(' '), firstName: words.slice(caps).join(' ') };
  if (caps === -1) return { firstName: words.slice(0, -1).join(' '), lastName: words[words.length - 1]! };
  const lastCaps = words.slice(1).findIndex((w) => isCaps(w));
  if (lastCaps !== -1) return { firstName: words.slice(0, lastCaps + 1).join(' '), lastName: words.slice(lastCaps + 1).join(' ') };
  return { firstName: words.slice(0, -1).join(' '), lastName: words[words.length - 1]! };
}

const OPTIONAL = new Set(['email', 'phoneNumber', 'dateOfBirth', 'sex', 'street', 'city', 'zipCode', 'state']);
const RX_FIELDS = ['rx.rightEye.sph', 'rx.rightEye.cyl', 'rx.rightEye.axis', 'rx.rightEye.add', 'rx.leftEye.sph', 'rx.leftEye.cyl', 'rx.leftEye.axis', 'rx.leftEye.add'] as const;

/** Reads one row (`row`: its 1-based line in the file, the header being line 1). */
export function readRow(cells: readonly string[], row: number, cols: FieldColumns, ctx: RowContext): RowResult {
  const get = (f: ImportField) => {
    const i = cols[f];
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const problems: RowProblemT[] = [];
  const problem = (field: string, m: { code: string; params: Record<string, string | number>; message: string }) => problems.push({ ...m, row, field });

  let firstName = get('firstName');
  let lastName = get('lastName');
  const full = get('fullName');
  if (full && (!firstName || !lastName)) {
    const split = splitFullName(full);
    firstName ||= split.firstName;
    lastName ||= split.lastName;
  }
  if (!firstName && !lastName) {
    problem('lastName', say('import.noName', {}, 'The row has no name (first name, last name or full name)'));
    return { row, customer: null, rx: null, problems };
  }

  const data: Record<string, string> = { firstName, lastName, email: get('email'), phoneNumber: get('phoneNumber') };
  const dob = get('dateOfBirth');
  if (dob) {
    const day = readDay(dob, ctx.dateOrder, Number(ctx.today.slice(0, 4)));
    if (day) data.dateOfBirth = day;
    else problem('dateOfBirth', say('date.shape', { field: 'dateOfBirth', example: '1992-05-12' }, `Date of birth must be a date like 1992-05-12 (the file says "${dob}")`));
  }
  const sexText = get('sex');
  if (sexText) {
    const sex = readSex(sexText);
    if (sex) data.sex = sex;
    else problem('sex', say('import.sexUnknown', { value: sexText, allowed: SEX_ALLOWED }, `Sex "${sexText}" is not known: use ${SEX_ALLOWED}; left empty`));
  }
  const address: Record<string, string> = {};
  for (const f of ['street', 'city', 'zipCode', 'state'] as const) if (get(f)) address[f] = get(f);
  const consent = { marketing: YES.has(get('consentMarketing').toLowerCase()), sms: YES.has(get('consentSms').toLowerCase()) };

  const customer = checkCustomer(data, address, consent, problem);
  if (!customer) return { row, customer: null, rx: null, problems };
  return { row, customer, rx: readRx(get, customer, ctx, problem), problems };
}

type Problem = (field: string, m: { code: string; params: Record<string, string | number>; message: string }) => void;

/** The form's schema on the row; a faulty optional value is left out and the rest checked again. */
function checkCustomer(data: Record<string, string>, address: Record<string, string>, consent: { marketing: boolean; sms: boolean }, problem: Problem): CustomerCreate | null {
  for (;;) {
    const parsed = CustomerCreateInput.safeParse({
      customerData: data,
      ...(Object.keys(address).length > 0 ? { address } : {}),
      ...(consent.marketing || consent.sms ? { consent } : {}),
    });
    if (parsed.success) return parsed.data;
    let dropped = false;
    let fatal = false;
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[1] ?? issue.path[0] ?? '');
      problem(field, messageFromIssue(issue));
      const holder = issue.path[0] === 'address' ? address : data;
      if (OPTIONAL.has(field) && holder[field] !== undefined && (issue as { params?: { code?: string } }).params?.code !== 'customer.reach') {
        delete holder[field];
        dropped = true;
      } else fatal = true;
    }
    if (fatal || !dropped) return null;
  }
}

/** The row's prescription, when it has one: checked as the Prescription tab checks it, else left out. */
function readRx(get: (f: ImportField) => string, customer: CustomerCreate, ctx: RowContext, problem: Problem): RxInput | null {
  if (!RX_FIELDS.some((f) => get(f) !== '')) return null;
  const eye = (side: 'rightEye' | 'leftEye') => {
    const e: Record<string, string> = {};
    for (const m of ['sph', 'cyl', 'axis', 'add'] as const) {
      const v = get(`rx.${side}.${m}`);
      if (v) e[m] = v;
    }
    return e;
  };
  const examText = get('rx.examDate');
  const examDate = examText ? readDay(examText, ctx.dateOrder, Number(ctx.today.slice(0, 4))) : null;
  const rx: RxInput = { kind: 'spectacles', examDate: examDate ?? (examText || null), distanceVision: { rightEye: eye('rightEye'), leftEye: eye('leftEye') } };
  const check = checkRx(rx, { today: ctx.today, dateOfBirth: customer.customerData.dateOfBirth || null, previous: null });
  if (check.valid) return rx;
  for (const [path, message] of Object.entries(check.errors)) problem(`rx.${path.replace(/^distanceVision\./, '')}`, message);
  problem('rx', say('import.rxLeftOut', {}, 'The prescription of this row was left out'));
  return null;
}

/** A row's customer as the preview shows it: each field as it would be stored. */
export function customerView(c: CustomerCreate): Record<string, string | null> {
  const d = c.customerData;
  return {
    firstName: d.firstName,
    lastName: d.lastName,
    email: d.email || null,
    phoneNumber: d.phoneNumber || null,
    dateOfBirth: d.dateOfBirth ? d.dateOfBirth.slice(0, 10) : null,
    sex: d.sex || null,
    street: c.address?.street ?? null,
    city: c.address?.city ?? null,
    zipCode: c.address?.zipCode ?? null,
    state: c.address?.state ?? null,
  };
}

/** A row's prescription as the preview shows it: canonical values (`-1.25`, axis `090`) by field. */
export function rxView(rx: RxInput, today: string): Record<string, string | null> {
  const n = checkRx(rx, { today }).normalized;
  const out: Record<string, string | null> = { examDate: n.examDate ?? null };
  for (const side of ['rightEye', 'leftEye'] as const) {
    const e = n.distanceVision?.[side];
    for (const m of ['sph', 'cyl', 'axis', 'add'] as const) out[`${side}.${m}`] = e?.[m] ?? null;
  }
  return out;
}
