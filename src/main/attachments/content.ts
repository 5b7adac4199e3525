import { say } from '../../shared/messages';
import { MAX_ATTACHMENT_BYTES, type attachmentMimeTypes } from '../../shared/attachments/schema';
import { AppError } from '../../shared/errors';

/**
 * Rules for what a customer's document may be, as pure functions: the bytes arrive as base64, the type
 * is read from the content (never trusted from the name) and the name is kept only as a label.
 */

export type AttachmentMimeType = (typeof attachmentMimeTypes)[number];

const MB = 1024 * 1024;
const LIMIT_TEXT = `${MAX_ATTACHMENT_BYTES / MB} MB`;

/** Longest base64 text that can still decode to MAX_ATTACHMENT_BYTES; anything longer is too large. */
const MAX_BASE64_CHARS = Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const kinds: readonly { mime: AttachmentMimeType; label: string; magic: readonly number[]; extensions: readonly string[] }[] = [
  { mime: 'application/pdf', label: 'PDF', magic: [0x25, 0x50, 0x44, 0x46, 0x2d], extensions: ['pdf'] }, // %PDF-
  { mime: 'image/jpeg', label: 'JPEG', magic: [0xff, 0xd8, 0xff], extensions: ['jpg', 'jpeg'] },
  { mime: 'image/png', label: 'PNG', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], extensions: ['png'] },
];

/**
 * Decodes strict base64 (standard alphabet, padded, no whitespace or data: URL prefix). Size is
 * checked from the text's length first, so an oversized file is refused without decoding it.
 */
export function decodeAttachmentBytes(base64: string, fileName: string): Buffer {
  if (base64.length > MAX_BASE64_CHARS) throw tooLarge(fileName, Math.floor((base64.length * 3) / 4));
  if (base64.length === 0) throw AppError.field('bytes', say('file.empty', {}, 'The file is empty'));
  if (base64.startsWith('data:')) {
    throw AppError.field('bytes', say('file.dataUrl', {}, 'Send the file as plain base64, without a "data:…;base64," prefix'));
  }
  if (!BASE64.test(base64)) {
    throw AppError.field('bytes', say('file.notBase64', {}, 'The file must be sent as base64 (A–Z, a–z, 0–9, +, / and = padding only)'));
  }
  if (base64.length % 4 !== 0) {
    throw AppError.field('bytes', say('file.incomplete', {}, 'The file is not complete base64 (its length must be a multiple of 4)'));
  }
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  const size = (base64.length / 4) * 3 - padding;
  if (size === 0) throw AppError.field('bytes', say('file.empty', {}, 'The file is empty'));
  if (size > MAX_ATTACHMENT_BYTES) throw tooLarge(fileName, size);
  return Buffer.from(base64, 'base64');
}

/**
 * The file's type, from its first bytes. A name whose extension claims another of the accepted
 * types is refused: a file that lies about its type is more likely a mistake (or worse) than a scan.
 * A name with no extension or an unrelated one is fine; it is only a label.
 */
export function detectAttachmentType(bytes: Uint8Array, fileName: string): AttachmentMimeType {
  const kind = kinds.find((k) => k.mime === sniffAttachmentType(bytes));
  if (!kind) throw new AppError('attachment.badType', `"${fileName}" is not a PDF, JPEG or PNG file`);
  const ext = extensionOf(fileName);
  const claimed = kinds.find((k) => k.extensions.includes(ext));
  if (claimed && claimed !== kind) {
    throw new AppError('attachment.badType', `"${fileName}" is named .${ext} but its content is a ${kind.label}`);
  }
  return kind.mime;
}

/*
 * Characters that change how a name reads without being seen: controls (Cc, C0 and C1), format
 * characters (Cf: the bidi embeddings, overrides and isolates U+202A-202E and U+2066-2069, the marks
 * U+200E/F and U+061C, zero-width ones, soft hyphens) and line/paragraph separators. With U+202E a
 * name reading "photo.png" can end in ".exe"; none of them belongs in a file name.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** `text` without controls, bidi and other invisible format characters (see INVISIBLE). */
export function withoutInvisibles(text: string): string {
  return text.replace(INVISIBLE, '');
}

/**
 * The name as the user knows it: trimmed, without any folders a browser or OS put in front
 * (`C:\fakepath\scan.png`, `../scan.png`) and without invisible characters. It is never used as a path.
 */
export function attachmentBaseName(fileName: string): string {
  const base = withoutInvisibles(fileName).split(/[/\\]/).pop()?.trim() ?? '';
  if (base === '' || base === '.' || base === '..') throw AppError.field('fileName', say('file.noName', {}, 'fileName must name a file'));
  return base;
}

/** The type the bytes say they are, or null for anything else. */
export function sniffAttachmentType(bytes: Uint8Array): AttachmentMimeType | null {
  return kinds.find((k) => k.magic.every((b, i) => bytes[i] === b))?.mime ?? null;
}

/**
 * The name a document gets when it leaves the app (the subject-access zip): the label without the
 * extension staff typed, then the extension of what the bytes are — a PDF named `scan.bat` leaves as
 * `scan.pdf`, so the receiving computer opens it as what it is. Plain on every system: no invisible
 * characters, none that Windows refuses, no trailing dot or space.
 */
export function documentFileName(label: string, type: AttachmentMimeType | null): string {
  const ext = kinds.find((k) => k.mime === type)?.extensions[0] ?? 'bin';
  // NFC: a name typed composed (é) or decomposed (e + ◌́) is one name, as macOS's file system sees it.
  const clean = withoutInvisibles(label.normalize('NFC'))
    .replace(/[<>:"/\\|?*]/g, '_')
    .trim();
  // Only something that looks like an extension is dropped: "Dr. Smith" keeps its words. Cut by
  // code points, never through a surrogate pair.
  const stem = Array.from(clean.replace(/\.[^.\s]{1,10}$/, ''))
    .slice(0, 200)
    .join('')
    .replace(/[. ]+$/, '');
  return `${stem || 'document'}.${ext}`;
}

function extensionOf(fileName: string): string {
  const m = /\.([^.]+)$/.exec(fileName);
  return m ? m[1]!.toLowerCase() : '';
}

function tooLarge(fileName: string, size: number): AppError {
  // Rounded up, so a file just over the limit never reads as "20.0 MB".
  const shown = `${(Math.ceil((size / MB) * 10) / 10).toFixed(1)} MB`;
  return new AppError('attachment.tooLarge', `"${fileName}" is ${shown}; a file can be at most ${LIMIT_TEXT}`);
}
