/**
 * The canonical JSON a licence is signed over (cloud-api.md): keys sorted lexicographically at every
 * level, no whitespace — `JSON.stringify` of the sorted value. Signer and verifier must agree byte
 * for byte, so both use this one function.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}
