import { z } from 'zod';
import { HttpError } from './http';

/*
 * What seed 001's customer endpoints accept, and the 400s they give. Messages read like the
 * NestJS/class-validator server the seed documents: the dotted field path, then the rule
 * (`customerData.email must be an email`). Keys the seed does not define are dropped, or kept and
 * returned when the server runs with keepUnknownFields (inside customerData, address, opticData, a
 * vision and an eye) — the sync engine must cope with both.
 */

const MUST_BE_STRING = 'must be a string';
const NOT_EMPTY = 'should not be empty';

const requiredText = () =>
  z.string({ error: (iss) => (iss.input === undefined ? NOT_EMPTY : MUST_BE_STRING) }).min(1, NOT_EMPTY);
/** Optional fields take null like class-validator's @IsOptional (null reads as "not given"). */
const optionalText = () => z.string({ error: MUST_BE_STRING }).nullable().optional();

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const isoDate = () =>
  requiredText().refine((s) => ISO_DATE.test(s) && !Number.isNaN(Date.parse(s)), 'must be a valid ISO 8601 date string');

const objectOf = <S extends z.ZodRawShape>(shape: S, keepUnknown: boolean) => {
  const params = { error: (iss: { input?: unknown }) => (iss.input === undefined ? NOT_EMPTY : 'must be an object') };
  return keepUnknown ? z.looseObject(shape, params) : z.object(shape, params);
};

function schemas(keepUnknown: boolean) {
  const customerData = objectOf(
    {
      firstName: requiredText(),
      lastName: requiredText(),
      // Trimmed and stored as given (seed 001 "Email Handling"); unicode addresses are real ones.
      email: z
        .string({ error: (iss) => (iss.input === undefined ? NOT_EMPTY : MUST_BE_STRING) })
        .trim()
        .min(1, NOT_EMPTY)
        .regex(z.regexes.unicodeEmail, 'must be an email'),
      phoneNumber: requiredText(),
      // Stored as an ISO timestamp, like the seed's `1992-05-12T00:00:00.000Z`.
      dateOfBirth: isoDate().transform((s) => new Date(s).toISOString()),
      sex: z.enum(['male', 'female'], { error: 'must be one of the following values: male, female' }),
    },
    keepUnknown,
  );
  const address = objectOf({ street: optionalText(), city: optionalText(), zipCode: optionalText(), state: optionalText() }, keepUnknown);
  const eye = objectOf({ sph: optionalText(), cyl: optionalText(), axis: optionalText() }, keepUnknown);
  const vision = objectOf({ rightEye: eye.optional(), leftEye: eye.optional() }, keepUnknown);
  const opticData = objectOf(
    { distanceVision: vision.optional(), intermediateVision: vision.optional(), nearVision: vision.optional() },
    keepUnknown,
  );
  // The top level of jsonData never keeps unknown keys: only the three documented parts are stored.
  return {
    create: z.object({ customerData, address: address.optional(), opticData: opticData.optional() }, { error: 'must be an object' }),
    update: z.object(
      { customerData: customerData.partial().optional(), address: address.optional(), opticData: opticData.optional() },
      { error: 'must be an object' },
    ),
  };
}

const STRICT = schemas(false);
const LOOSE = schemas(true);

export type CustomerCreate = z.output<typeof STRICT.create>;
export type CustomerUpdate = z.output<typeof STRICT.update>;

/** Reads multipart's `jsonData` and validates it for a create or an update. */
export function parseJsonData(form: FormData, mode: 'create', keepUnknown: boolean): CustomerCreate;
export function parseJsonData(form: FormData, mode: 'update', keepUnknown: boolean): CustomerUpdate;
export function parseJsonData(form: FormData, mode: 'create' | 'update', keepUnknown: boolean): CustomerCreate | CustomerUpdate {
  const raw = form.get('jsonData');
  // An update may carry files only ("absent fields stay unchanged"); a create needs its data.
  if (raw === null && mode === 'update') return {};
  if (typeof raw !== 'string') throw new HttpError(400, ['jsonData must be a JSON string']);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new HttpError(400, ['jsonData must be a valid JSON string']);
  }
  const schema = (keepUnknown ? LOOSE : STRICT)[mode];
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, issuesToMessages(parsed.error.issues));
  return parsed.data;
}

function issuesToMessages(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : 'jsonData'} ${i.message}`);
}

// ---- GET /customer query ----

export const SORT_BY = ['name', 'status', 'createdAt', 'updatedAt'] as const;

const bool = (name: string) =>
  z.enum(['true', 'false'], { error: `${name} must be a boolean value` }).transform((s) => s === 'true').optional();
const positiveInt = (name: string, max?: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a positive integer`)
    .transform(Number)
    .refine((n) => n >= 1, `${name} must not be less than 1`)
    .refine((n) => max === undefined || n <= max, `${name} must not be greater than ${max}`);

const ListQuery = z.object({
  search: z.string().optional(),
  name: z.string().optional(),
  isActive: bool('isActive'),
  page: positiveInt('page').default(1),
  limit: positiveInt('limit', 100).default(10),
  sortBy: z.enum(SORT_BY, { error: `sortBy must be one of the following values: ${SORT_BY.join(', ')}` }).default('createdAt'),
  sortOrder: z.enum(['asc', 'desc'], { error: 'sortOrder must be one of the following values: asc, desc' }).default('desc'),
  // Extensions: only read when the server runs with them (see server.ts).
  updatedSince: z
    .string()
    .refine((s) => ISO_DATE.test(s) && !Number.isNaN(Date.parse(s)), 'updatedSince must be a valid ISO 8601 date string')
    .transform((s) => new Date(s).toISOString())
    .optional(),
  includeDeleted: bool('includeDeleted'),
});

export type ListQuery = z.output<typeof ListQuery>;

export function parseListQuery(params: URLSearchParams, extensions: boolean): ListQuery {
  const raw = Object.fromEntries(params);
  if (!extensions) {
    delete raw.updatedSince;
    delete raw.includeDeleted;
  }
  const parsed = ListQuery.safeParse(raw);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((i) => i.message));
  return parsed.data;
}

// ---- DELETE /customer/bulk ----

export function parseBulkIds(body: unknown): string[] {
  const ids = (body as { ids?: unknown } | null)?.ids;
  if (!Array.isArray(ids) || ids.length === 0) throw new HttpError(400, 'No customer IDs provided');
  if (!ids.every((id) => typeof id === 'string' && id.length > 0)) {
    throw new HttpError(400, ['each value in ids must be a non-empty string']);
  }
  return ids as string[];
}
