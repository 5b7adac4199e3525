import { isUtf8 as validUtf8 } from 'node:buffer';
import { AppError } from '../../shared/errors';

/*
 * The imported file as it arrives (base64 in JSON, as attachments travel): its size, its kind by its
 * bytes rather than its name, and a CSV's text encoding. Pure.
 */

/**
 * Largest file taken: its base64 (4/3 of it) must fit the browser host's 32 MB request with room for
 * the JSON around it. 100,000 customers with a prescription each are about 12 MB of CSV.
 */
export const MAX_IMPORT_BYTES = 22 * 1024 * 1024;
const MAX_BASE64_CHARS = Math.ceil(MAX_IMPORT_BYTES / 3) * 4;

export type FileFormat = 'csv' | 'xlsx';
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export function decodeImportBytes(base64: string): Buffer {
  if (base64.length > MAX_BASE64_CHARS) throw tooLarge();
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  // Node's decoder also takes base64url's - and _: not what a file is sent as.
  const bytes = base64.length % 4 === 0 && !base64.includes('-') && !base64.includes('_') ? Buffer.from(base64, 'base64') : null;
  // Node's decoder skips what is not base64: fewer bytes than the characters promise tell it (a
  // regular expression over the 15 MB did the same in ~50 ms, holding the counter that long).
  if (!bytes || bytes.length !== (base64.length / 4) * 3 - padding) throw new AppError('import.unreadable', 'The file must be sent as base64');
  if (bytes.length === 0) throw new AppError('import.empty', 'The file is empty');
  return bytes;
}

function tooLarge() {
  return new AppError('import.tooLarge', `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB: split it into smaller files`, undefined, { maxBytes: MAX_IMPORT_BYTES });
}

/** An .xlsx is a zip ("PK\x03\x04"); a CSV is text; anything else (a PDF, an old .xls, an image) is neither. */
export function formatOf(bytes: Buffer): FileFormat {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'xlsx';
  if (looksBinary(bytes)) throw new AppError('import.unreadable', 'This file is neither a CSV text file nor an Excel .xlsx workbook');
  return 'csv';
}

/** Control bytes that text never holds (UTF-16's NULs aside, which textEncodingOf reads as such). */
function looksBinary(bytes: Buffer): boolean {
  if (bomOf(bytes) || utf16WithoutBom(bytes)) return false;
  const n = Math.min(bytes.length, 4096);
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b === 0 || (b < 0x09) || (b > 0x0d && b < 0x20 && b !== 0x1b)) return true;
  }
  return false;
}

function bomOf(bytes: Buffer): { encoding: TextEncoding; length: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/** UTF-16 without a BOM: ASCII text has a NUL in every other byte, odd ones for LE, even ones for BE. */
function utf16WithoutBom(bytes: Buffer): TextEncoding | null {
  const n = Math.min(bytes.length - (bytes.length % 2), 4096);
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.4 && evenNul < pairs * 0.05) return 'utf-16le';
  if (evenNul > pairs * 0.4 && oddNul < pairs * 0.05) return 'utf-16be';
  return null;
}

export type EncodingChoice = TextEncoding | 'auto';

/** Bytes of a CSV decoded at a time: its text is never held whole (23 MB for 100,000 customers). */
export const TEXT_PIECE_BYTES = 1024 * 1024;

/** A CSV's text, read a piece at a time. */
export interface FileText {
  encoding: TextEncoding;
  /** The text in pieces of about `pieceBytes`, each cut just after a line feed (the last where the file ends). */
  pieces(): Generator<string, void>;
  /** Its rows after the first, as its line feeds count them: a progress bar's estimate (a quoted cell may hold one). */
  linesAfterFirst: number;
}

/**
 * A CSV's text and the encoding it was read in: as chosen; else a BOM says it; else UTF-16's NUL
 * pattern; else UTF-8 when the bytes are, or almost are (see mostlyUtf8: its few broken lines keep a
 * � each, which the table lists as problems); else Windows-1252, what Excel on a French or Moroccan
 * Windows writes. Cut at line feeds, every piece starts and ends on a whole character.
 */
export function decodeText(bytes: Buffer, choice: EncodingChoice = 'auto', pieceBytes = TEXT_PIECE_BYTES): FileText {
  const bom = bomOf(bytes);
  const detected = () => bom?.encoding ?? utf16WithoutBom(bytes) ?? (isUtf8(bytes) || mostlyUtf8(bytes) ? 'utf-8' : 'windows-1252');
  const encoding = choice === 'auto' ? detected() : choice;
  const body = bom && bom.encoding === encoding ? bytes.subarray(bom.length) : bytes;
  // A Mac CSV ends its lines with CR alone (a line feed may still be in a cell): counted by whichever is more.
  const feeds = lineBreaks(body, encoding, LF);
  const returns = lineBreaks(body, encoding, CR);
  const { count, last } = returns.count > feeds.count ? returns : feeds;
  return {
    encoding,
    linesAfterFirst: count - (last === body.length ? 1 : 0),
    *pieces() {
      for (let start = 0; start < body.length; ) {
        const cut = start + pieceBytes >= body.length ? -1 : lineFeedEnd(body, start + pieceBytes, encoding);
        const end = cut === -1 ? body.length : cut;
        yield decodePiece(body.subarray(start, end), encoding);
        start = end;
      }
    },
  };
}

function decodePiece(bytes: Buffer, encoding: TextEncoding): string {
  if (encoding === 'utf-16be') return new TextDecoder('utf-16le').decode(swapPairs(bytes));
  if (encoding === 'windows-1252') return decodeWindows1252(bytes);
  return new TextDecoder(encoding).decode(bytes);
}

const LF = 0x0a;
const CR = 0x0d;

/** How many `code` characters (LF or CR) the text has, and where the last one ends. */
function lineBreaks(bytes: Buffer, encoding: TextEncoding, code: number): { count: number; last: number } {
  let count = 0;
  let last = -1;
  for (let at = lineFeedEnd(bytes, 0, encoding, code); at !== -1; at = lineFeedEnd(bytes, at, encoding, code)) {
    count++;
    last = at;
  }
  return { count, last };
}

/** Where the first line feed (or `code`) at or after `from` ends, -1 if none: 0A in one byte, 0A 00 (LE) or 00 0A (BE) in UTF-16. */
function lineFeedEnd(bytes: Buffer, from: number, encoding: TextEncoding, code = LF): number {
  for (let i = bytes.indexOf(code, from); i !== -1; i = bytes.indexOf(code, i + 1)) {
    if (encoding === 'utf-16le') {
      if (i % 2 === 0 && bytes[i + 1] === 0) return i + 2;
    } else if (encoding === 'utf-16be') {
      if (i % 2 === 1 && bytes[i - 1] === 0) return i + 1;
    } else return i + 1;
  }
  return -1;
}

/**
 * A UTF-8 file a line of which came from elsewhere (pasted from an old Latin-1 export): its header is
 * UTF-8 and at most 1 line in 100 is not. Read whole as Windows-1252 it would garble every accent.
 */
function mostlyUtf8(bytes: Buffer): boolean {
  let lines = 0;
  let bad = 0;
  let firstBad = false;
  for (let start = 0; start < bytes.length; ) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl + 1;
    if (!isUtf8(bytes.subarray(start, end))) {
      bad++;
      if (lines === 0) firstBad = true;
    }
    lines++;
    start = end;
  }
  return !firstBad && bad * 100 <= lines;
}

/*
 * Windows-1252 is Latin-1 but for 0x80–0x9F, where it has € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™
 * š › œ ž Ÿ. Node's TextDecoder, built without full ICU, reads the 'windows-1252' label as Latin-1
 * (a French "œil" came out as a control character), so those 32 are mapped here.
 */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
function decodeWindows1252(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] as string);
}

function isUtf8(bytes: Buffer): boolean {
  return validUtf8(bytes);
}

function swapPairs(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  out.swap16();
  return out;
}
