/*
 * Text that is not valid Unicode: a lone UTF-16 surrogate ("\uD800"), which JSON escapes, IPC and JS
 * strings all carry but UTF-8 (SQLite, files, the cloud) cannot. Stored, it silently becomes U+FFFD,
 * so the app would acknowledge a value it does not hold. Checked once over every channel's raw input
 * (dispatch.ts), so no text field of any schema, present or future, can let one through.
 */

// With the `u` flag a regex reads code points: a surrogate pair is one astral character, so only an
// unpaired surrogate is of the Cs category.
const LONE_SURROGATE = /\p{Cs}/u;

export const ILL_FORMED_TEXT_MESSAGE = 'contains characters that are not valid Unicode (a broken character); type it again';

export function isWellFormedText(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/**
 * The paths (`customerData.firstName`, `ids.1`) of every string in `value`, and of every object key,
 * that is not well-formed. Walks plain objects and arrays without recursion (input depth is the
 * caller's choice) and visits each object once (IPC's structured clone allows cycles).
 */
export function illFormedTextPaths(value: unknown): (string | number)[][] {
  const found: (string | number)[][] = [];
  const seen = new Set<object>();
  // Each entry links to its parent: the path is spelled out only for what is reported, so a deeply
  // nested input costs linear time, not a copy of the path per level.
  const stack: Step[] = [{ value, key: null, parent: null, badKey: false }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    const v = step.value;
    if (step.badKey || (typeof v === 'string' && !isWellFormedText(v))) {
      found.push(pathOf(step));
    } else if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && !seen.has(v)) {
      seen.add(v);
      const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        // A bad key is reported under a printable form of itself: the path is shown and sent back.
        const badKey = typeof key === 'string' && !isWellFormedText(key);
        stack.push({ value: (v as Record<string | number, unknown>)[key], key: badKey ? escapeLoneSurrogates(key as string) : key, parent: step, badKey });
      }
    }
  }
  return found;
}

interface Step {
  value: unknown;
  key: string | number | null;
  parent: Step | null;
  badKey: boolean;
}

function pathOf(step: Step): (string | number)[] {
  const path: (string | number)[] = [];
  for (let s: Step | null = step; s && s.key !== null; s = s.parent) path.push(s.key);
  return path.reverse();
}

function escapeLoneSurrogates(s: string): string {
  return s.replace(/\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}
