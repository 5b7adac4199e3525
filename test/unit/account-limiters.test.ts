import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccountLimiters, SENT_FILE_NAME } from '../../src/main/sync/account-limiters';
import type { RateLimiter } from '../../src/main/sync/limiter';
import { realTimeline } from '../../src/main/sync/timeline';
import { tempDirs } from '../helpers/core';

/*
 * Whether a 429 in a limiter's first minute is another PC's (cut this PC's share) or the echo of its
 * own requests from before a restart (wait, cut nothing): told by when the data folder last sent to
 * that account. Review 17: every new PC ignored its first minute's 429s, and five joining a store
 * at once refused 6–10% of their requests; review 13: a PC restarted mid-sync that took its own for
 * others' crawled at 2 a minute.
 */
const ACCOUNT = { baseUrl: 'https://cloud.example', email: 'Owner@Store.example', requestsPerMinute: 100 };
const dirs = tempDirs();
const dataDir = () => dirs.make();
afterEach(() => {
  vi.useRealTimers();
  dirs.removeAll();
});

/** One request answered 429 (a full window, a slot in 1 s), then the share it leaves. */
async function refusedOnce(limiter: RateLimiter): Promise<number> {
  (await limiter.take())(1_000);
  return limiter.allowance();
}

describe('the rate limiters of a data folder', () => {
  it('a new PC (its new folder never sent) takes its first 429 for other PCs: its share is cut at once', async () => {
    vi.useFakeTimers();
    const limiter = new AccountLimiters(dataDir(), realTimeline, { newFolder: true }).for(ACCOUNT);
    expect(await refusedOnce(limiter)).toBe(50);
  });

  // Review 18: the first start of this version (an update installed mid-sync) has no file yet.
  it('a folder with a store but no file is taken as having just sent: nothing cut for a minute', async () => {
    vi.useFakeTimers();
    const limiter = new AccountLimiters(dataDir(), realTimeline).for(ACCOUNT);
    expect(await refusedOnce(limiter)).toBe(100);
    vi.advanceTimersByTime(62_000);
    expect(await refusedOnce(limiter)).toBe(50);
  });

  it('a PC started again 10 s after its last request cuts nothing for the rest of that minute, then cuts', async () => {
    vi.useFakeTimers();
    const dir = dataDir();
    const before = new AccountLimiters(dir, realTimeline, { newFolder: true }).for(ACCOUNT);
    (await before.take())();
    vi.advanceTimersByTime(10_000);
    const after = new AccountLimiters(dir, realTimeline).for(ACCOUNT);
    expect(await refusedOnce(after)).toBe(100);
    vi.advanceTimersByTime(52_000); // the old request's minute (and the file's second) is over
    expect(await refusedOnce(after)).toBe(50);
  });

  it('a PC whose last request is over a minute old cuts at its first 429', async () => {
    vi.useFakeTimers();
    const dir = dataDir();
    (await new AccountLimiters(dir, realTimeline, { newFolder: true }).for(ACCOUNT).take())();
    vi.advanceTimersByTime(62_000);
    expect(await refusedOnce(new AccountLimiters(dir, realTimeline).for(ACCOUNT))).toBe(50);
  });

  it('an unreadable file is taken as a request just sent, and written whole again', async () => {
    vi.useFakeTimers();
    const dir = dataDir();
    writeFileSync(join(dir, SENT_FILE_NAME), '{"half');
    const limiter = new AccountLimiters(dir, realTimeline).for(ACCOUNT);
    expect(await refusedOnce(limiter)).toBe(100);
    expect(Object.values(JSON.parse(readFileSync(join(dir, SENT_FILE_NAME), 'utf8')) as Record<string, number>)).toEqual([Date.now()]);
  });

  it('writes over a time ahead of the clock, keeps only the last minute, and does not read a file no app wrote', async () => {
    vi.useFakeTimers();
    const dir = dataDir();
    const file = join(dir, SENT_FILE_NAME);
    const ahead = JSON.stringify(['https://cloud.example', 'owner@store.example']);
    writeFileSync(file, JSON.stringify({ [ahead]: Date.now() + 365 * 86_400_000, old: Date.now() - 3_600_000 }));
    (await new AccountLimiters(dir, realTimeline).for(ACCOUNT).take())();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ [ahead]: Date.now() });

    vi.advanceTimersByTime(62_000);
    writeFileSync(file, JSON.stringify(Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`account-${i}`, Date.now() - 120_000]))));
    // Not read (larger than the app writes): as if it had just sent.
    expect(await refusedOnce(new AccountLimiters(dir, realTimeline).for(ACCOUNT))).toBe(100);
  });

  // Review 19: a FIFO at its name held the start forever; a link to /dev/zero filled the memory.
  it.skipIf(process.platform === 'win32')('reads only a plain file at its name: a FIFO or a device is not waited on nor read whole', async () => {
    vi.useFakeTimers();
    const fifoDir = dataDir();
    execFileSync('mkfifo', [join(fifoDir, SENT_FILE_NAME)]);
    const fromFifo = new AccountLimiters(fifoDir, realTimeline).for(ACCOUNT);
    expect(await refusedOnce(fromFifo)).toBe(100); // unknown: as if it had just sent
    const deviceDir = dataDir();
    symlinkSync('/dev/zero', join(deviceDir, SENT_FILE_NAME));
    expect(await refusedOnce(new AccountLimiters(deviceDir, realTimeline).for(ACCOUNT))).toBe(100);
  });

  it('keeps one limiter per account (address and user, any case), its window across a new rate; the file private, written once a second', async () => {
    vi.useFakeTimers();
    const dir = dataDir();
    const limiters = new AccountLimiters(dir, realTimeline, { newFolder: true });
    const limiter = limiters.for(ACCOUNT);
    for (let i = 0; i < 10; i++) (await limiter.take())();
    const file = join(dir, SENT_FILE_NAME);
    const first = readFileSync(file, 'utf8');
    vi.advanceTimersByTime(500);
    (await limiter.take())();
    expect(readFileSync(file, 'utf8')).toBe(first);
    vi.advanceTimersByTime(600);
    (await limiter.take())();
    expect(readFileSync(file, 'utf8')).not.toBe(first);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);

    const same = limiters.for({ ...ACCOUNT, email: ' owner@store.EXAMPLE ', requestsPerMinute: 12 });
    expect(same).toBe(limiter);
    // 12 already in the window: a rate of 12 has no slot left until they age out.
    expect(same.allowance()).toBe(12);
    let got = false;
    void same.take().then(() => (got = true));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(got).toBe(false);
    expect(limiters.for({ ...ACCOUNT, email: 'other@store.example' })).not.toBe(limiter);
  });
});
