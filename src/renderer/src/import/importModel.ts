import { type DuplicateChoice, type ImportField, type ImportMapping, importFields } from '../../../shared/import/schema';

/*
 * The import screens' rules, pure: which fields a column can take (grouped as the select shows them),
 * which fields two columns claim at once, the per-row duplicate choices sent to import.run, the
 * progress as a percentage, and a file's bytes as base64 in slices (a large file never freezes the page).
 */

export type Choice = (typeof DuplicateChoice.options)[number];

/** The select's groups: the customer's own fields, then the prescription's. */
export const fieldGroups: { group: 'customer' | 'rx'; fields: ImportField[] }[] = [
  { group: 'customer', fields: importFields.filter((f) => !f.startsWith('rx.')) },
  { group: 'rx', fields: importFields.filter((f) => f.startsWith('rx.')) },
];

/** A field's translation key under `importer.fields`: 'rx.rightEye.sph' → 'rx_rightEye_sph' (i18next reads dots as nesting). */
export function fieldKey(field: string): string {
  return field.replace(/\./g, '_');
}

/** A problem's field as the preview names it: a mapped field, or the whole prescription ('rx'). */
export function problemFieldKey(field: string): string | null {
  if (field === 'rx') return 'rx';
  return (importFields as readonly string[]).includes(field) ? fieldKey(field) : null;
}

/** Fields more than one column is mapped to, with those columns (the second would overwrite the first). */
export function doubleMapped(mapping: ImportMapping): Map<ImportField, string[]> {
  const byField = new Map<ImportField, string[]>();
  for (const [header, field] of Object.entries(mapping)) {
    if (field) byField.set(field, [...(byField.get(field) ?? []), header]);
  }
  return new Map([...byField].filter(([, headers]) => headers.length > 1));
}

/** The mapping with one column changed; '' in the select means "not imported". */
export function remap(mapping: ImportMapping, header: string, value: string): ImportMapping {
  const field = (importFields as readonly string[]).includes(value) ? (value as ImportField) : null;
  return { ...mapping, [header]: field };
}

/** What import.run is told of the rows the person decided one by one: only those that differ from the default. */
export function rowChoices(choices: ReadonlyMap<number, Choice>, fallback: Choice): Record<string, Choice> {
  const out: Record<string, Choice> = {};
  for (const [row, choice] of choices) if (choice !== fallback) out[String(row)] = choice;
  return out;
}

/** Whole percent done, never 100 before the end. */
export function percentDone(done: number, total: number): number {
  if (total <= 0) return 0;
  const p = Math.floor((done / total) * 100);
  return done >= total ? 100 : Math.min(p, 99);
}

/** Bytes per slice: a multiple of 3, so the slices' base64 join into the file's. */
const SLICE = 3 * 64 * 1024;

/** Base64 of bytes, a slice at a time; `pause` runs between slices (the page then handles its events). */
export async function base64Of(bytes: Uint8Array, pause: () => Promise<void> = () => Promise.resolve()): Promise<string> {
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += SLICE) {
    const slice = bytes.subarray(at, at + SLICE);
    let binary = '';
    // String.fromCharCode takes arguments: 32k at a time stays under the engine's argument limit.
    for (let i = 0; i < slice.length; i += 0x8000) binary += String.fromCharCode(...slice.subarray(i, i + 0x8000));
    parts.push(btoa(binary));
    if (at + SLICE < bytes.length) await pause();
  }
  return parts.join('');
}

/** The picked file as import.preview wants it, read without holding up the page. */
export async function readFileBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return base64Of(bytes, () => new Promise((resolve) => setTimeout(resolve, 0)));
}

/** Files the import reads (the core tells the rest apart by their bytes). */
export const IMPORT_ACCEPT = '.csv,.txt,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
