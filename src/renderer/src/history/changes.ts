/*
 * Reading the audit trail of a customer: which fields an entry changed, from what to what. The core
 * records whole before/after snapshots; the screen shows only the leaves that differ.
 */

export type FieldChange = { path: string; from: unknown; to: unknown };

/** Keys that identify rather than describe: they never change and are not worth a line. */
const IGNORED = new Set(['id', 'customerId', 'address.id', 'address.customerId', 'address.customer_id']);

/** `{ a: { b: 1 } }` → `a.b = 1`; null, '' and absent are the same: nothing. */
export function leaves(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value === null || value === undefined || value === '') return out;
  if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${key}` : key, out);
    return out;
  }
  out.set(prefix, value);
  return out;
}

/** The fields that differ between two snapshots, in the order the later one lists them. */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const a = leaves(before);
  const b = leaves(after);
  const paths = [...new Set([...b.keys(), ...a.keys()])];
  return paths
    .filter((path) => !IGNORED.has(path) && JSON.stringify(a.get(path)) !== JSON.stringify(b.get(path)))
    .map((path) => ({ path, from: a.get(path), to: b.get(path) }));
}

/** A field of a recorded object, when the value is an object that has it as text. */
export function textField(value: unknown, key: string): string | null {
  if (!value || typeof value !== 'object' || !(key in value)) return null;
  const v = (value as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : null;
}
