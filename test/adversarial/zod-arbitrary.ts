import fc from 'fast-check';
import type { z } from 'zod';

/*
 * fast-check arbitraries derived from zod 4 schemas, by walking the schema objects themselves
 * (`schema._zod.def`): objects, strings with their length/regex/format checks, numbers with their
 * bounds, enums, arrays, optional/nullable/default, unions, pipes. What a schema cannot say from its
 * structure (a `superRefine` reading a phone number, a transform reading a date) comes from hints
 * keyed by the field's name, mixed in beside the derived values, never instead of them; so a schema
 * that gains a field or a check changes what is generated without anyone editing the fuzzer.
 */

interface Def {
  type: string;
  [key: string]: unknown;
}
interface CheckDef {
  check: string;
  [key: string]: unknown;
}

/** A field name -> values worth trying for it (e.g. real ids, a phone number). */
export type Hints = Readonly<Record<string, fc.Arbitrary<unknown>>>;

export interface DeriveOptions {
  hints?: Hints;
  /** Longest string derived from a schema (hostile mutations add longer ones); default 40. */
  maxStringLength?: number;
  /** Longest array derived; default 4. */
  maxArrayLength?: number;
}

function defOf(schema: unknown): Def {
  return (schema as { _zod: { def: Def } })._zod.def;
}

function checksOf(def: Def): CheckDef[] {
  const checks = (def.checks as { _zod: { def: CheckDef } }[] | undefined) ?? [];
  return checks.map((c) => c._zod.def);
}

/** Whether a field of an object may be left out: what zod calls optional on input. */
function omittable(schema: unknown): boolean {
  const t = defOf(schema).type;
  return t === 'optional' || t === 'default' || t === 'prefault';
}

/** An arbitrary of inputs for `schema`, as a caller would send them (z.input, not z.output). */
export function arbitraryFor(schema: z.ZodType, opts: DeriveOptions = {}): fc.Arbitrary<unknown> {
  return derive(schema, [], { hints: opts.hints ?? {}, maxString: opts.maxStringLength ?? 40, maxArray: opts.maxArrayLength ?? 4 });
}

interface Ctx {
  hints: Hints;
  maxString: number;
  maxArray: number;
}

function derive(schema: unknown, path: readonly string[], ctx: Ctx): fc.Arbitrary<unknown> {
  const derived = deriveStructure(schema, path, ctx);
  const name = path[path.length - 1];
  const hint = name !== undefined && Object.hasOwn(ctx.hints, name) ? ctx.hints[name] : undefined;
  // Hints sit at the field, above its optional/nullable wrappers: the wrappers still get their turn.
  const mixed = hint ? fc.oneof({ arbitrary: hint, weight: 3 }, { arbitrary: derived, weight: 1 }) : derived;
  // Every field leans valid; the root does not (callers mix in their own hostile inputs there).
  return path.length === 0 ? mixed : validLeaning(mixed, schema, isLeaf(schema) ? 6 : 3);
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch']);
const CONTAINERS = new Set(['object', 'array', 'record', 'tuple', 'intersection', 'lazy']);

/** A field holding a single value (not an object or a list), once its wrappers are taken off. */
function isLeaf(schema: unknown): boolean {
  let def = defOf(schema);
  while (WRAPPERS.has(def.type)) def = defOf(def.innerType);
  return !CONTAINERS.has(def.type);
}

/**
 * Most of the time, a value the field's own schema accepts (the first of a few samples that parses),
 * so that an object of many fields is often valid as a whole and calls get past validation into the
 * handlers; otherwise any sample, valid or not. Bounded: never loops looking for a valid value.
 */
function validLeaning(arb: fc.Arbitrary<unknown>, schema: unknown, samples: number): fc.Arbitrary<unknown> {
  const accepts = (v: unknown) => (schema as z.ZodType).safeParse(v).success;
  const picked = fc.array(arb, { minLength: samples, maxLength: samples }).map((samples) => samples.find(accepts) ?? samples[0]);
  return fc.oneof({ arbitrary: picked, weight: 3 }, { arbitrary: arb, weight: 1 });
}

function deriveStructure(schema: unknown, path: readonly string[], ctx: Ctx): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  // Wrappers keep the field's name: a hint for `customerId` applies inside its `.optional()`.
  const inner = (s: unknown) => deriveStructure(s, path, ctx);
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      const required: string[] = [];
      for (const [key, field] of Object.entries(shape)) {
        model[key] = derive(field, [...path, key], ctx);
        if (!omittable(field)) required.push(key);
      }
      return fc.record(model, { requiredKeys: required });
    }
    case 'optional':
      return fc.oneof({ arbitrary: inner(def.innerType), weight: 3 }, { arbitrary: fc.constant(undefined), weight: 1 });
    case 'nullable':
      return fc.oneof({ arbitrary: inner(def.innerType), weight: 3 }, { arbitrary: fc.constant(null), weight: 1 });
    case 'default':
    case 'prefault':
      return fc.oneof({ arbitrary: inner(def.innerType), weight: 3 }, { arbitrary: fc.constant(undefined), weight: 1 });
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return inner(def.innerType);
    case 'pipe': {
      // The input side is what a caller sends; the output side, when it is a schema of its own (an
      // email format after a trim), describes the values that get through: try both.
      const sides = [def.in, def.out].filter((s) => defOf(s).type !== 'transform');
      return sides.length === 0 ? fc.anything() : fc.oneof(...sides.map((s) => inner(s)));
    }
    case 'transform':
      return fc.anything();
    case 'union':
      return fc.oneof(...(def.options as unknown[]).map((o) => inner(o)));
    case 'array': {
      let min = 0;
      let max = ctx.maxArray;
      for (const c of checksOf(def)) {
        if (c.check === 'min_length') min = Number(c.minimum);
        if (c.check === 'max_length') max = Math.min(max, Number(c.maximum));
        if (c.check === 'length_equals') min = max = Number(c.length);
      }
      return fc.array(derive(def.element, path, ctx), { minLength: min, maxLength: Math.max(min, max) });
    }
    case 'record':
      return fc.dictionary(fc.string({ maxLength: 12 }), derive(def.valueType, path, ctx), { maxKeys: ctx.maxArray });
    case 'tuple':
      return fc.tuple(...(def.items as unknown[]).map((s) => inner(s)));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, string | number>));
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'undefined':
    case 'void':
      return fc.constant(undefined);
    case 'number':
      return numberArbitrary(def);
    case 'bigint':
      return fc.bigInt();
    case 'date':
      return fc.date({ noInvalidDate: true });
    case 'string':
      return stringArbitrary(def, ctx);
    default:
      // unknown, any, lazy, intersection...: anything at all, JSON-shaped.
      return fc.jsonValue();
  }
}

function numberArbitrary(def: Def): fc.Arbitrary<number> {
  let min = -1e9;
  let max = 1e9;
  let integer = false;
  for (const c of checksOf(def)) {
    if (c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32' || c.format === 'uint32')) integer = true;
    if (c.check === 'greater_than') min = Number(c.value) + (c.inclusive ? 0 : integer ? 1 : Number.EPSILON);
    if (c.check === 'less_than') max = Number(c.value) - (c.inclusive ? 0 : integer ? 1 : Number.EPSILON);
  }
  if (integer) {
    const lo = Math.ceil(min);
    const hi = Math.floor(max);
    // The bounds themselves and their neighbours outside are where checks go wrong.
    return fc.oneof(fc.integer({ min: lo, max: hi }), fc.constantFrom(lo, hi, lo - 1, hi + 1, 0, -1));
  }
  return fc.oneof(fc.double({ min, max, noNaN: true }), fc.constantFrom(min, max, 0, -0, 0.1, 0.25));
}

const FORMAT_ARBITRARIES: Record<string, () => fc.Arbitrary<string>> = {
  email: () => fc.emailAddress(),
  url: () => fc.webUrl({ validSchemes: ['https', 'http'] }),
  uuid: () => fc.uuid(),
  datetime: () => fc.date({ noInvalidDate: true, min: new Date('1970-01-01'), max: new Date('2100-01-01') }).map((d) => d.toISOString()),
  date: () => fc.date({ noInvalidDate: true, min: new Date('1900-01-01'), max: new Date('2100-01-01') }).map((d) => d.toISOString().slice(0, 10)),
};

function stringArbitrary(def: Def, ctx: Ctx): fc.Arbitrary<string> {
  let min = 0;
  let max = Infinity;
  const shaped: fc.Arbitrary<string>[] = [];
  const format = typeof def.format === 'string' ? def.format : null;
  if (format && format !== 'regex' && FORMAT_ARBITRARIES[format]) shaped.push(FORMAT_ARBITRARIES[format]());
  if (format === 'regex' && def.pattern instanceof RegExp) pushMatching(shaped, def.pattern);
  for (const c of checksOf(def)) {
    if (c.check === 'min_length') min = Number(c.minimum);
    if (c.check === 'max_length') max = Number(c.maximum);
    if (c.check === 'length_equals') min = max = Number(c.length);
    if (c.check === 'string_format') {
      const f = String(c.format);
      if (f === 'regex' && c.pattern instanceof RegExp) pushMatching(shaped, c.pattern);
      else if (FORMAT_ARBITRARIES[f]) shaped.push(FORMAT_ARBITRARIES[f]());
    }
  }
  const upTo = Math.max(min, Math.min(max, ctx.maxString));
  const plain = fc.oneof(
    fc.string({ minLength: min, maxLength: upTo }),
    fc.string({ minLength: min, maxLength: upTo, unit: 'grapheme' }),
    fc.string({ minLength: min, maxLength: upTo, unit: 'binary' }),
  );
  const arbitraries: fc.WeightedArbitrary<string>[] = [{ arbitrary: plain, weight: 2 }];
  // The exact limit, and one past it: off-by-one checks and column sizes meet there.
  if (Number.isFinite(max) && max <= 100_000) {
    arbitraries.push({ arbitrary: fc.constantFrom('x'.repeat(max), 'é'.repeat(max), 'x'.repeat(max + 1)), weight: 1 });
  }
  for (const s of shaped) arbitraries.push({ arbitrary: s, weight: 3 });
  return fc.oneof(...arbitraries);
}

/** fast-check reads most regexes; one it cannot (Unicode property escapes) is left to the plain strings. */
function pushMatching(into: fc.Arbitrary<string>[], pattern: RegExp): void {
  try {
    into.push(fc.stringMatching(pattern));
  } catch {
    // Not supported by fast-check's regex reader: the derived plain strings still cover the field.
  }
}
