import { z } from 'zod';

/*
 * What the core says to staff, as a code and its parameters, so the screen can say it in the staff's
 * language; the English text travels with it for the logs and as the fallback of a renderer that does
 * not know the code (a newer core). The table below declares every code the core can emit beside its
 * AppError codes (errors.ts) and what each parameter is; the renderer's translations are tested
 * against it, so a code cannot be added without its words in every language.
 */

/**
 * How the screen writes a parameter: `term` is a word it translates (a field name, a row of the grid),
 * `number` in the language's digits, `date` a calendar day (YYYY-MM-DD) in the language's form,
 * `diopter` a signed lens value kept left to right in Arabic text, `text` as it is.
 */
export type ParamKind = 'term' | 'number' | 'date' | 'diopter' | 'text';

export const messageParams = {
  // A customer's (and other forms') fields, from the zod schemas.
  'field.required': { field: 'term' },
  'field.notText': { field: 'term' },
  'field.tooLong': { field: 'term', max: 'number' },
  'field.tooShort': { field: 'term', min: 'number' },
  'field.oneLine': { field: 'term' },
  'field.invalid': { field: 'term' },
  'email.invalid': {},
  'phone.shape': {},
  'phone.digits': { min: 'number', max: 'number' },
  'date.shape': { field: 'term', example: 'date' },
  'date.notReal': { field: 'term', example: 'date' },
  'date.tooEarly': { field: 'term', year: 'text' },
  'date.future': { field: 'term' },
  'recall.dateFuture': {},
  'customer.reach': {},
  // Any text field (well-formed-text.ts): a lone surrogate, a broken character.
  'text.illFormed': {},
  // Prescription values (values.ts) and the rules between them (rules.ts).
  'rx.diopter': { measure: 'term', min: 'diopter', max: 'diopter' },
  'rx.axis': {},
  'rx.measure': { measure: 'term', min: 'number', max: 'number', step: 'number' },
  'rx.sphRequired': {},
  'rx.axisRequired': {},
  'rx.baseRequired': {},
  'rx.baseWithoutPrism': {},
  'rx.addDistanceOnly': {},
  'rx.rowCylWithAdd': { row: 'term', cyl: 'diopter' },
  'rx.rowAxisWithAdd': { row: 'term', axis: 'text' },
  'rx.rowCyl': { row: 'term', cyl: 'diopter' },
  'rx.rowAxis': { row: 'term', axis: 'text' },
  'rx.nearIsDistancePlusAdd': { sph: 'diopter' },
  'rx.nearAboveDistance': { sph: 'diopter', minAdd: 'diopter', maxAdd: 'diopter', from: 'diopter', to: 'diopter' },
  'rx.intermediateBetween': { from: 'diopter', to: 'diopter' },
  'rx.intermediateUpTo': { from: 'diopter', to: 'diopter', maxAdd: 'diopter' },
  'rx.examFuture': {},
  // A whole line typed in a sphere cell (line.ts; addNotHere is the editor's own).
  'rx.line.empty': {},
  'rx.line.unreadable': { token: 'text' },
  'rx.line.badValue': { token: 'text' },
  'rx.line.tooMany': { token: 'text' },
  'rx.line.axisWithoutCylinder': { token: 'text' },
  'rx.line.addMissing': {},
  'rx.line.axisNotWhole': { token: 'text' },
  'rx.line.addPlano': {},
  'rx.line.addNotHere': {},
  'rx.expiryBeforeExam': {},
  // Prescription warnings (a second look, not a refusal).
  'rx.warning.anisometropia': { difference: 'diopter' },
  'rx.warning.addForAge': { add: 'diopter', age: 'number', min: 'diopter', max: 'diopter' },
  'rx.warning.signChanged': { eye: 'term', from: 'diopter', to: 'diopter' },
  'rx.warning.eyesSwapped': {},
  'rx.warning.expired': { date: 'date' },
  // A document sent to attachments.add.
  'file.empty': {},
  'file.dataUrl': {},
  'file.notBase64': {},
  'file.incomplete': {},
  'file.noName': {},
  // The licence server's and the cloud's forms.
  'licence.storeIdNeeded': {},
  // Why sync stopped (the status's lastProblem): by the kind of answer the cloud gave; `detail` is
  // the cloud's own words, which only it can say.
  'sync.cloud.offline': {},
  'sync.cloud.server': {},
  'sync.cloud.rateLimited': {},
  'sync.cloud.auth': {},
  'sync.cloud.rejected': { detail: 'text' },
  'sync.cloud.forbidden': { detail: 'text' },
  'sync.cloud.notFound': { detail: 'text' },
  'sync.cloud.conflict': { detail: 'text' },
  'sync.insecureAddress': {},
  'sync.unexpected': {},
  // A staff account's fields.
  'username.chars': {},
  // A row of an imported file (import/row-rules.ts): why it was skipped, or why a value was left out.
  'import.noName': {},
  'import.sexUnknown': { value: 'text', allowed: 'text' },
  'import.emailTaken': {},
  'import.rxLeftOut': {},
  'import.duplicate': { name: 'text' },
  'import.detailsArriving': { name: 'text' },
  'import.mergeTargetDeleted': { name: 'text' },
  // A row the file itself breaks (import/table-reader.ts) and values read back (row-rules.ts).
  'import.quoteNotClosed': {},
  'import.rowTooLong': { max: 'number' },
  'import.cellTooLong': { column: 'text', max: 'number' },
  'import.badBytes': { encoding: 'text' },
  'import.dateNotReal': { field: 'term', value: 'text' },
  'import.phoneUnsure': { value: 'text' },
  'pin.digits': { min: 'number', max: 'number' },
} as const satisfies Record<string, Record<string, ParamKind>>;

export type MessageCode = keyof typeof messageParams;

/**
 * The messages whose wording depends on one term parameter's value (i18next context, `key_<term>`):
 * the example a diopter message gives is the measure's own, in the staff's language and written as
 * the grid shows values, so the core sends no example (it wrote one in English, outside review).
 * The wording without the context (no example) is said for a term without its own.
 */
export const messageContexts: Partial<Record<MessageCode, { param: string; terms: readonly MessageTerm[] }>> = {
  'rx.diopter': { param: 'measure', terms: ['sph', 'cyl', 'add'] },
};
export const messageCodes = Object.keys(messageParams) as MessageCode[];

/**
 * The words a `term` parameter may hold (field names, grid rows, eyes, measures): the renderer has a
 * translation for each; a term outside this list is shown with the English message instead.
 */
export const messageTerms = [
  'firstName',
  'lastName',
  'email',
  'phoneNumber',
  'dateOfBirth',
  'sex',
  'street',
  'city',
  'zipCode',
  'state',
  'examDate',
  'expiresAt',
  'prescriber',
  'notes',
  'brand',
  'storeId',
  'password',
  'username',
  'displayName',
  'pin',
  'sph',
  'cyl',
  'add',
  'prism',
  'right',
  'left',
  'binocular',
  'nearBinocular',
  'baseCurve',
  'diameter',
  'near',
  'intermediate',
  'rightEye',
  'leftEye',
] as const;
export type MessageTerm = (typeof messageTerms)[number];

const Param = z.union([z.string(), z.number()]);
/** A message as it crosses a transport: its code, its parameters, and its English text. */
export const Message = z.object({ code: z.string(), params: z.record(z.string(), Param), message: z.string() });
export type Message = z.infer<typeof Message>;

type ParamsOf<C extends MessageCode> = { [K in keyof (typeof messageParams)[C]]: (typeof messageParams)[C][K] extends 'term' ? MessageTerm : string | number };

/** A message with its code checked against the table and its English text for the logs. */
export function say<C extends MessageCode>(code: C, params: ParamsOf<C>, message: string): Message {
  return { code, params: params as Record<string, string | number>, message };
}

/**
 * What a zod refinement attaches to its issue (`params`): a code, and its parameters but the field,
 * which the issue's path gives (the same schema checks the email of a customer and of a sync account).
 */
export type IssueCode = { code: MessageCode; params?: Record<string, string | number> };

function isIssueCode(value: unknown): value is IssueCode {
  return typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'string' && value.code in messageParams;
}

/** The code a zod issue stands for, from what a refinement attached or from the kind of issue. */
export function issueCode(issue: z.core.$ZodIssue): IssueCode | null {
  if (issue.code === 'custom') return isIssueCode(issue.params) ? { code: issue.params.code, ...(issue.params.params ? { params: issue.params.params } : {}) } : null;
  // zod keeps an issue's input only when asked to: a missing one is read as "nothing was given".
  if (issue.code === 'invalid_type') return { code: issue.input === undefined ? 'field.required' : 'field.notText' };
  if (issue.code === 'too_small' && issue.origin === 'string') {
    return Number(issue.minimum) === 1 ? { code: 'field.required' } : { code: 'field.tooShort', params: { min: Number(issue.minimum) } };
  }
  if (issue.code === 'too_big' && issue.origin === 'string') return { code: 'field.tooLong', params: { max: Number(issue.maximum) } };
  if (issue.code === 'invalid_format' && issue.format === 'email') return { code: 'email.invalid' };
  if (issue.code === 'invalid_value') return { code: 'field.invalid' };
  return null;
}

/** The field a zod issue is about, as a term, when the table knows it. */
function fieldTerm(path: readonly PropertyKey[]): MessageTerm | null {
  const last = path[path.length - 1];
  return typeof last === 'string' && (messageTerms as readonly string[]).includes(last) ? (last as MessageTerm) : null;
}

/**
 * The message of one zod issue, its field named by the issue's path. An issue the table cannot say
 * (or about a field it has no name for) is `field.invalid`, whose English text the screen then shows.
 */
export function messageFromIssue(issue: z.core.$ZodIssue): Message {
  const said = issueCode(issue);
  const field = fieldTerm(issue.path);
  const message = issue.message;
  if (said && !('field' in messageParams[said.code])) return { code: said.code, params: said.params ?? {}, message };
  if (issue.code === 'invalid_format' && issue.format === 'regex' && (field === 'username' || field === 'pin')) {
    return field === 'pin' ? say('pin.digits', { min: 4, max: 8 }, message) : say('username.chars', {}, message);
  }
  if (said && field) return { code: said.code, params: { ...said.params, field }, message };
  return { code: 'field.invalid', params: field ? { field } : {}, message };
}
