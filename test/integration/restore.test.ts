import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, restoreLatestGood } from '../../src/main/core';
import { DB_FILE_NAME } from '../../src/main/db/database';
import { OWNER, ahmed, expectFailure, layla, memoryLogger, openTestCore } from '../helpers/core';

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

describe('backup.restore through the app', () => {
  it('takes a safety backup, swaps the data under the running app, and asks everyone to sign in again', async () => {
    const t = await openTestCore();
    close = t.close;
    const { core, raw } = t;
    const a = await core.call('customers.create', layla);
    const backup = await core.call('backup.create', {});
    await core.call('customers.create', ahmed);

    const out = await core.call('backup.restore', { name: backup.name });
    expect(out.restoredFrom).toBe(backup.name);
    expect(out.safetyBackup).not.toBe(backup.name);
    // Sessions do not survive a restore.
    await expectFailure(core, 'customers.list', {}, 'auth.required', 401);

    const { sessionToken } = await raw.call('auth.login', { username: OWNER.username, password: OWNER.password });
    const list = await raw.call('customers.list', {}, { sessionToken });
    expect(list.data.map((c) => c.id)).toEqual([a.customer.id]);
    const kinds = (await raw.call('backup.list', {}, { sessionToken })).map((b) => b.kind);
    expect(kinds).toContain('pre-restore');

    // And the safety backup undoes it.
    await raw.call('backup.restore', { name: out.safetyBackup }, { sessionToken });
    const again = await raw.call('auth.login', { username: OWNER.username, password: OWNER.password });
    expect((await raw.call('customers.list', {}, { sessionToken: again.sessionToken })).pagination.total).toBe(2);
  });

  it('answers backup.notFound for an unknown backup and changes nothing', async () => {
    const t = await openTestCore();
    close = t.close;
    await t.core.call('customers.create', layla);
    await expectFailure(t.core, 'backup.restore', { name: '../../etc' }, 'backup.notFound', 404);
    expect((await t.core.call('customers.list', {})).pagination.total).toBe(1);
  });
});

describe('a damaged database at start', () => {
  it('is refused with the latest good backup named, and restoreLatestGood brings the app back', async () => {
    const t = await openTestCore();
    const { core, dir } = t;
    await core.call('customers.create', layla);
    const good = await core.call('backup.create', {});
    await t.raw.close();

    // Damage the file: overwrite a page in the middle of it.
    const file = join(dir, DB_FILE_NAME);
    const fd = Buffer.alloc(4096, 0x5a);
    writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0'), fd]));
    const err = await openCore({ dataDir: dir, appVersion: 'x', log: memoryLogger() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'db.corrupt', details: { latestGoodBackup: { name: good.name } } });

    expect(restoreLatestGood(dir)).toBe(good.name);
    expect(readdirSync(join(dir, 'backups')).some((n) => n.startsWith('damaged-'))).toBe(true);
    const reopened = await openTestCore({ dataDir: dir });
    close = async () => {
      await reopened.close();
      t.close();
    };
    expect((await reopened.core.call('customers.list', {})).data.map((c) => c.name)).toEqual(['Layla Hassan']);
    expect(existsSync(file)).toBe(true);
  });
});
