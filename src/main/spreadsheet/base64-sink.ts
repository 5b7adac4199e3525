/**
 * Base64 of a file written in pieces, encoded as the pieces come: a long export holds its text once
 * (as base64, which the channel answers with), never the whole file as bytes beside it. Bytes that
 * do not fill a group of three wait for the next piece, so the parts join into one valid base64.
 */
export class Base64Sink {
  private readonly parts: string[] = [];
  private rest: Buffer = Buffer.alloc(0);
  private length = 0;

  write(piece: Buffer | string): void {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    this.length += bytes.length;
    const all = this.rest.length > 0 ? Buffer.concat([this.rest, bytes]) : bytes;
    const whole = all.length - (all.length % 3);
    if (whole > 0) this.parts.push(all.subarray(0, whole).toString('base64'));
    this.rest = Buffer.from(all.subarray(whole));
  }

  /** How many bytes the file has so far. */
  get size(): number {
    return this.length;
  }

  end(): string {
    if (this.rest.length > 0) this.parts.push(this.rest.toString('base64'));
    this.rest = Buffer.alloc(0);
    return this.parts.join('');
  }
}
