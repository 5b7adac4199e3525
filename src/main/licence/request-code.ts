import { CROCKFORD, checkSymbol, normaliseKey } from '../../shared/licence/key';

/**
 * The offline-activation request code: what a store without internet reads (or mails) to the vendor,
 * who answers with a licence file to import. It holds no key and nothing personal: this PC's machine
 * id (already a hash), the app version and the store id. Compact binary — a format byte, the 32 bytes
 * of the machine id, then `storeId\nappVersion` in UTF-8 — in Crockford base32 (the alphabet of the
 * keys, so O/I/L and case are forgiven the same way), grouped by five, with a check symbol last.
 */
export interface RequestCodeData {
  machineId: string;
  appVersion: string;
  storeId: string;
}

const FORMAT = 1;

export function encodeRequestCode(data: RequestCodeData): string {
  if (!/^[0-9a-f]{64}$/.test(data.machineId)) throw new Error('machineId must be 64 hex digits (SHA-256)');
  const tail = Buffer.from(`${data.storeId}\n${data.appVersion}`, 'utf8');
  const bytes = Buffer.concat([Buffer.from([FORMAT]), Buffer.from(data.machineId, 'hex'), tail]);
  const symbols = toBase32(bytes);
  return (symbols + checkSymbol(symbols)).match(/.{1,5}/g)!.join('-');
}

export type RequestCodeCheck = { ok: true; data: RequestCodeData } | { ok: false; message: string };

export function decodeRequestCode(code: string): RequestCodeCheck {
  const symbols = normaliseKey(code);
  if (symbols.length < 2 || [...symbols].some((s) => !CROCKFORD.includes(s))) return { ok: false, message: 'This is not a request code' };
  const body = symbols.slice(0, -1);
  if (checkSymbol(body) !== symbols.at(-1)) return { ok: false, message: 'This request code has a typo' };
  const bytes = fromBase32(body);
  if (bytes.length < 34 || bytes[0] !== FORMAT) return { ok: false, message: 'This request code comes from another version of the app' };
  const [storeId = '', ...rest] = bytes.subarray(33).toString('utf8').split('\n');
  return { ok: true, data: { machineId: bytes.subarray(1, 33).toString('hex'), storeId, appVersion: rest.join('\n') } };
}

function toBase32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += CROCKFORD[(value << (5 - bits)) & 31];
  return out;
}

function fromBase32(symbols: string): Buffer {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const s of symbols) {
    value = (value << 5) | CROCKFORD.indexOf(s);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}
