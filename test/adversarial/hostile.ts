import fc from 'fast-check';

/*
 * What a hostile or broken caller sends instead of a well-formed input: wrong types, prototype keys,
 * NUL, lone surrogates, right-to-left overrides, path separators, 1 MB strings. `hostile(base)` takes
 * inputs derived from a channel's schema and changes one place in them (or the whole input), so the
 * rest of the input stays valid and the odd value reaches as deep as parsing lets it.
 */

/** One megabyte of text, shared (building it once keeps runs fast). */
export const ONE_MB = 'a'.repeat(1 << 20);

export const hostileStrings: readonly string[] = [
  '',
  ' ',
  '\t\r\n',
  '\u0000',
  'Layla\u0000Hassan',
  '\uD800', // a lone high surrogate
  'x\uDC00y', // a lone low surrogate
  'scan\u202Egnp.exe', // reads as "scanexe.png"
  '\u202Efdp.bat',
  '\u200F\u061C\u2066x\u2069',
  '\uFEFFbom',
  'e\u0301', // decomposed é
  '../../../../etc/passwd',
  '..\\..\\Windows\\System32\\config\\SAM',
  '/dev/zero',
  'C:\\',
  'CON',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  "'; DROP TABLE customers; --",
  '" OR 1=1 --',
  '%s%n%x',
  '${process.exit()}',
  '<img src=x onerror=alert(1)>',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
  '🧿👁️‍🗨️',
  'x'.repeat(10_000),
  ONE_MB,
  ONE_MB.slice(0, -1) + '\uD800',
];

/** Values that are not what any field expects, each of them. */
export const hostileValues: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...hostileStrings), weight: 4 },
  {
    arbitrary: fc.constantFrom<unknown>(
      null,
      undefined,
      true,
      false,
      0,
      -1,
      1.5,
      Number.MAX_SAFE_INTEGER + 2,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
      [],
      [null],
      [ONE_MB],
      {},
      { length: 1 },
      protoObject(),
      new Array(10_000).fill('x'),
    ),
    weight: 2,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
);

/** `{"__proto__": {...}}` as JSON.parse makes it: an own key, which a careless merge walks into. */
export function protoObject(): Record<string, unknown> {
  return JSON.parse('{"__proto__": {"polluted": true, "role": "owner", "isAdmin": true}, "constructor": {"prototype": {"polluted": true}}}') as Record<string, unknown>;
}

/** Snippets spliced into a string that is otherwise fine: the field stays valid-looking around them. */
export const hostileSnippets: readonly string[] = ['\uD800', '\uDFFF', '\u0000', '\u202E', '\u2066', '\u200F', '\u0007', '../', '\\', '\r\n', '\uFFFF'];

type Mutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'splice'; at: number; offset: number; snippet: string }
  | { kind: 'addKey'; at: number; key: string; value: unknown }
  | { kind: 'drop'; at: number }
  | { kind: 'whole'; value: unknown };

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValues }), weight: 6 },
  {
    arbitrary: fc.record({
      kind: fc.constant('addKey' as const),
      at: fc.nat(),
      key: fc.constantFrom('__proto__', 'constructor', 'prototype', 'role', 'id', 'staffId', 'deletedAt', 'purged', ''),
      value: hostileValues,
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), offset: fc.nat(), snippet: fc.constantFrom(...hostileSnippets) }),
    weight: 5,
  },
  { arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('whole' as const), value: hostileValues }), weight: 1 },
);

/** `base`'s inputs, each with one hostile change. */
export function hostile(base: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(base, mutationArbitrary).map(([value, mutation]) => mutate(value, mutation));
}

/** Every place in a JSON-like value: [parent, key] pairs (the root has no parent). */
function places(value: unknown): [Record<string, unknown> | unknown[], string | number][] {
  const out: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        out.push([v, i]);
        walk(item);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const key of Object.keys(v)) {
        out.push([v as Record<string, unknown>, key]);
        walk((v as Record<string, unknown>)[key]);
      }
    }
  };
  walk(value);
  return out;
}

function containers(value: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      out.push(v as Record<string, unknown>);
      Object.values(v).forEach(walk);
    }
  };
  walk(value);
  return out;
}

function mutate(original: unknown, m: Mutation): unknown {
  if (m.kind === 'whole') return m.value;
  const value = original === undefined ? {} : structuredClone(original);
  if (m.kind === 'addKey') {
    const targets = containers(value);
    const target = targets[m.at % Math.max(1, targets.length)];
    if (!target) return m.value;
    // defineProperty: a plain assignment of `__proto__` would set the prototype, not add a key.
    Object.defineProperty(target, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
    return value;
  }
  const all = places(value);
  if (m.kind === 'splice') {
    const strings = all.filter(([parent, key]) => typeof (parent as Record<string | number, unknown>)[key] === 'string');
    const target = strings[m.at % Math.max(1, strings.length)];
    if (!target) return value;
    const [parent, key] = target;
    const text = (parent as Record<string | number, string>)[key]!;
    const cut = m.offset % (text.length + 1);
    (parent as Record<string | number, unknown>)[key] = text.slice(0, cut) + m.snippet + text.slice(cut);
    return value;
  }
  const place = all[m.at % Math.max(1, all.length)];
  if (!place) return m.kind === 'replace' ? m.value : value;
  const [parent, key] = place;
  if (m.kind === 'drop') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else {
    (parent as Record<string | number, unknown>)[key] = m.value;
  }
  return value;
}
