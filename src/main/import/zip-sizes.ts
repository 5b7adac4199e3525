import { createInflateRaw } from 'node:zlib';
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
export interface ZipPart {
  name: string;
  /** Inflated. */
  size: number;
  packed: number;
  method: number;
  /** Where its local header starts. */
  offset: number;
}

export function zipSizes(bytes: Buffer): ZipPart[] | null {
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
  const out: ZipPart[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL) return null;
    const method = bytes.readUInt16LE(at + 10);
    const packed = bytes.readUInt32LE(at + 20);
    const size = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extra = bytes.readUInt16LE(at + 30);
    const comment = bytes.readUInt16LE(at + 32);
    out.push({ name: bytes.toString('utf8', at + 46, at + 46 + nameLength), size, packed, method, offset: bytes.readUInt32LE(at + 42) });
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

/**
 * How many rows the workbook's first sheet has, counted in its XML as it inflates (never held whole):
 * the import's progress bar knows its end before the rows are read. null when it cannot tell.
 */
export async function sheetRowCount(bytes: Buffer): Promise<number | null> {
  const parts = zipSizes(bytes) ?? [];
  const sheet = parts.filter((p) => /^xl\/worksheets\/sheet\d+\.xml$/.test(p.name)).sort((a, b) => sheetNumber(a.name) - sheetNumber(b.name))[0];
  if (!sheet || sheet.method !== 8 || bytes.readUInt32LE(sheet.offset) !== 0x04034b50) return null;
  const start = sheet.offset + 30 + bytes.readUInt16LE(sheet.offset + 26) + bytes.readUInt16LE(sheet.offset + 28);
  let rows = 0;
  let tail = '';
  try {
    for await (const chunk of createInflateRaw().end(bytes.subarray(start, start + sheet.packed)) as AsyncIterable<Buffer>) {
      const text = tail + chunk.toString('latin1');
      for (let at = text.indexOf('<row'); at !== -1; at = text.indexOf('<row', at + 4)) if (text[at + 4] === ' ' || text[at + 4] === '>') rows++;
      tail = text.slice(-4);
    }
  } catch {
    return null;
  }
  return rows;
}

const sheetNumber = (name: string) => Number(/(\d+)\.xml$/.exec(name)?.[1] ?? 0);
