import { AppError } from '../../shared/errors';

/*
 * An .xlsx is a zip: before a byte is inflated, its central directory says how large each part will
 * be. A zip bomb (a 400 KB file whose shared strings inflate to 400 MB) is refused here, before the
 * reader's memory grows. Pure.
 */

/** Largest part of a workbook taken (a 22 MB .xlsx of 100,000 customers inflates its sheet to about 60 MB). */
export const MAX_XLSX_PART_BYTES = 200 * 1024 * 1024;
/** The shared strings are held whole while the sheet is read: 100,000 customers' are about 10 MB. */
export const MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024;
const MAX_XLSX_TOTAL_BYTES = 400 * 1024 * 1024;

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

/** Each part's name and inflated size, from the zip's central directory; null when it has none (not a zip the reader can take). */
export function zipSizes(bytes: Buffer): { name: string; size: number }[] | null {
  const from = Math.max(0, bytes.length - 65_557);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= from; i--) {
    if (bytes.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) return null;
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  const out: { name: string; size: number }[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL) return null;
    const size = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extra = bytes.readUInt16LE(at + 30);
    const comment = bytes.readUInt16LE(at + 32);
    out.push({ name: bytes.toString('utf8', at + 46, at + 46 + nameLength), size });
    at += 46 + nameLength + extra + comment;
  }
  return out;
}

/** Refuses a workbook whose parts would inflate past what a customer file needs. */
export function checkZipSizes(bytes: Buffer): void {
  const parts = zipSizes(bytes);
  if (!parts) throw new AppError('import.unreadable', 'This .xlsx workbook could not be read');
  let total = 0;
  for (const p of parts) {
    total += p.size;
    // 0xFFFFFFFF: a zip64 size, larger than 4 GB.
    const cap = /sharedStrings\.xml$/i.test(p.name) ? MAX_SHARED_STRINGS_BYTES : MAX_XLSX_PART_BYTES;
    if (p.size > cap || total > MAX_XLSX_TOTAL_BYTES) {
      throw new AppError('import.tooLarge', `This workbook inflates to more than a customer file can (${p.name}: ${Math.round(p.size / 1024 / 1024)} MB): split it, or save it as CSV`, undefined, { part: p.name, bytes: p.size });
    }
  }
}
