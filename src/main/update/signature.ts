/*
 * Windows update signatures. electron-updater's own check reads the publisher from app-update.yml,
 * which lies beside app.asar (outside its integrity check, user-writable on a per-user install), and
 * it lets an update through when that file names no publisher or when PowerShell fails. Here the
 * publisher is compiled in, and anything but "Authenticode valid, signed by that publisher" refuses.
 */

/**
 * The subject of the code-signing certificate the Windows installers are signed with, exactly as in
 * the certificate (electron-builder's `win.publisherName` is the same list). Change it together with
 * the certificate: an update signed by another name is refused.
 */
export const WINDOWS_PUBLISHER_NAMES: readonly string[] = ['Jethings'];

/** `Get-AuthenticodeSignature`'s Status for a valid signature (System.Management.Automation.SignatureStatus). */
const AUTHENTICODE_VALID = 0;

/**
 * Why a downloaded Windows installer must not run, or null when it may (electron-updater's
 * convention): `authenticode` is `Get-AuthenticodeSignature -LiteralPath <file> | ConvertTo-Json`
 * for `file`; a certificate subject matches a publisher name by its CN, or by every part when the
 * name is a full distinguished name.
 */
export function authenticodeProblem(authenticode: string, file: string, publishers: readonly string[] = WINDOWS_PUBLISHER_NAMES): string | null {
  let data: { Status?: unknown; Path?: unknown; SignerCertificate?: { Subject?: unknown } | null };
  try {
    data = JSON.parse(authenticode) as typeof data;
  } catch {
    return 'the signature of the update could not be read';
  }
  if (data === null || typeof data !== 'object') return 'the signature of the update could not be read';
  if (data.Status !== AUTHENTICODE_VALID) return 'the update is not signed, or its signature is not valid';
  // The answer must be about the file checked, not another one.
  if (typeof data.Path !== 'string' || normalisePath(data.Path) !== normalisePath(file)) return 'the signature check answered about another file';
  const subject = typeof data.SignerCertificate?.Subject === 'string' ? parseDn(data.SignerCertificate.Subject) : null;
  if (!subject) return 'the update is signed by an unknown publisher';
  const matches = publishers.some((name) => {
    const wanted = parseDn(name);
    return wanted.size > 0 ? [...wanted].every(([key, value]) => subject.get(key) === value) : subject.get('CN') === name;
  });
  return matches ? null : `the update is signed by "${subject.get('CN') ?? data.SignerCertificate?.Subject}", not by ${publishers.join(' or ')}`;
}

/** "CN=Jethings, O=\"Jethings, SAS\", C=FR" -> Map { CN => Jethings, O => Jethings, SAS, C => FR }; empty for a bare name. */
export function parseDn(dn: string): Map<string, string> {
  const parts = new Map<string, string>();
  const re = /\s*([A-Za-z][\w.]*)\s*=\s*("(?:[^"\\]|\\.)*"|(?:[^,\\]|\\.)*)\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < dn.length && (m = re.exec(dn)) !== null) {
    const raw = m[2]!.trim();
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw.replace(/\\(.)/g, '$1');
    parts.set(m[1]!.toUpperCase(), value);
    if (m[0] === '') break;
  }
  return parts;
}

function normalisePath(p: string): string {
  return p.replace(/\//g, '\\').toLowerCase();
}
