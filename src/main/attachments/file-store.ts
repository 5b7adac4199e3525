import { createHash, randomUUID } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE, privateDir } from '../private-files';

/**
 * Files stored by content: `<root>/<sha256[0..2]>/<sha256>`. The same bytes are stored once however
 * many times they are attached, and a file's name is its checksum, so damage can be detected on read.
 */
export class ContentStore {
  constructor(private readonly root: string) {}

  static hash(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256 content address: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  /**
   * Puts the bytes on disk durably and returns their address. Written to a temporary file in the same
   * folder, fsynced, then renamed over the address, so the address only ever holds a complete file
   * (a counter PC may lose power at any moment). An existing copy is kept when it still matches its
   * checksum and replaced when it does not, so attaching the same file again repairs a damaged copy.
   */
  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = ContentStore.hash(bytes);
    const target = this.pathOf(sha256);
    if ((await this.check(target, sha256)) === 'ok') return sha256;

    const dir = join(this.root, sha256.slice(0, 2));
    await mkdir(dir, privateDir);
    const temp = join(dir, `.${sha256}.${randomUUID()}.tmp`);
    try {
      const handle = await open(temp, 'wx', PRIVATE_FILE_MODE);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temp, target);
      } catch (err) {
        // Windows refuses to replace a file another process holds open (a viewer, an antivirus);
        // if a complete copy is already there, that is as good as ours.
        if ((await this.check(target, sha256)) !== 'ok') throw err;
      }
    } finally {
      await unlink(temp).catch(() => undefined);
    }
    await syncDir(dir);
    return sha256;
  }

  /** The stored bytes, or why they cannot be given: missing, or not matching their checksum. */
  async get(sha256: string): Promise<{ ok: true; bytes: Buffer } | { ok: false; problem: 'missing' | 'damaged' }> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(sha256));
    } catch (err) {
      if (isNotFound(err)) return { ok: false, problem: 'missing' };
      throw err;
    }
    return ContentStore.hash(bytes) === sha256 ? { ok: true, bytes } : { ok: false, problem: 'damaged' };
  }

  private async check(path: string, sha256: string): Promise<'ok' | 'missing' | 'damaged'> {
    try {
      return ContentStore.hash(await readFile(path)) === sha256 ? 'ok' : 'damaged';
    } catch (err) {
      if (isNotFound(err)) return 'missing';
      throw err;
    }
  }
}

/** Makes the rename itself durable. Windows cannot open a folder for fsync; NTFS journals it anyway. */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort: the file's own bytes were already fsynced.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}
