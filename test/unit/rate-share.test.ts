import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccountLimiters } from '../../src/main/sync/account-limiters';
import type { RateLimiter } from '../../src/main/sync/limiter';
import { realTimeline } from '../../src/main/sync/timeline';
import { tempDirs } from '../helpers/core';
import { RateLimiter as CloudRateLimiter } from '../cloud/rate-limit';
import { mulberry32 } from '../helpers/prng';

/*
 * A store's PCs sign in to the cloud as the same user, so they share its 100 requests a minute
 * (seed 002, sliding window). Each PC's limiter only knows its own requests; the 429s it meets are
 * how it learns the others are there. Simulated on fake timers with the test cloud's own limiter.
 */
const LATENCY_MS = 80;
const IN_FLIGHT = 8;

interface Tally {
  sent: number;
  refused: number;
  done: number;
}

/** One PC: a request wanted at each time, at most IN_FLIGHT at once (as the push does); a 429 is waited out and sent again. */
function pc(cloud: CloudRateLimiter, wantedAt: number[], tally: Tally, limiter: RateLimiter) {
  let waiting = 0;
  let running = 0;
  const pump = () => {
    while (running < IN_FLIGHT && waiting > 0) {
      waiting--;
      running++;
      void (async () => {
        for (;;) {
          const release = await limiter.take();
          await new Promise((r) => setTimeout(r, LATENCY_MS / 2));
          const retryAfter = cloud.take('user:shared');
          tally.sent++;
          await new Promise((r) => setTimeout(r, LATENCY_MS / 2));
          release(retryAfter === null ? undefined : retryAfter * 1000);
          if (retryAfter === null) break;
          tally.refused++;
        }
        tally.done++;
        running--;
        pump();
      })();
    }
  };
  for (const at of wantedAt) setTimeout(() => (waiting++, pump()), at);
}

const ACCOUNT = { baseUrl: 'https://cloud.example', email: 'owner@store.example', requestsPerMinute: 100 };
const dirs = tempDirs();
const dataDir = () => dirs.make();

describe('several PCs on one cloud account', () => {
  afterEach(() => {
    vi.useRealTimers();
    dirs.removeAll();
  });

  // The issue's measure: five PCs joining a 40-customer store, then editing (49% refused before);
  // and an account asked for more than its limit for half an hour.
  // Joining 4 s apart (a store switching its PCs on at opening time), each new PC ignored 429s for its
  // first minute and a quarter of the joins' requests were refused (review 17).
  it.each([
    { demand: 'within the limit', firstSync: 45, edits: 155, apart: 20_000 },
    { demand: 'over the limit', firstSync: 120, edits: 280, apart: 20_000 },
    { demand: 'within the limit, joining 4 s apart', firstSync: 45, edits: 155, apart: 4_000 },
  ])('five PCs joining a store then editing ($demand): refused requests stay under 5% of all, and every request gets through', async ({ firstSync, edits, apart }) => {
    vi.useFakeTimers();
    const cloud = new CloudRateLimiter(100, () => new Date());
    const random = mulberry32(7);
    const tallies: Tally[] = [];
    for (let p = 0; p < 5; p++) {
      // A first sync (a burst of reads as fast as allowed), then edits at random over ten minutes.
      const joins = p * apart;
      const wanted = [...Array.from({ length: firstSync }, () => joins), ...Array.from({ length: edits }, () => joins + random() * 600_000)].sort((a, b) => a - b);
      const tally = { sent: 0, refused: 0, done: 0 };
      tallies.push(tally);
      // A new PC, as the app makes its limiter: its new data folder never sent (account-limiters.ts).
      pc(cloud, wanted, tally, new AccountLimiters(dataDir(), realTimeline, { newFolder: true }).for(ACCOUNT));
    }
    await vi.advanceTimersByTimeAsync(90 * 60_000);
    const sent = tallies.reduce((s, t) => s + t.sent, 0);
    const refused = tallies.reduce((s, t) => s + t.refused, 0);
    console.log(`[rate-share] ${sent} requests, ${refused} refused (${((100 * refused) / sent).toFixed(1)}%); per PC ${tallies.map((t) => `${t.refused}/${t.sent}`).join(', ')}`);
    expect(tallies.map((t) => t.done)).toEqual(Array(5).fill(firstSync + edits));
    expect(refused / sent).toBeLessThan(0.05);
  });

  // Review 13: killed mid-first-sync and started again, a PC's own requests of the last minute still
  // filled the account's window; each probe's 429 halved its share again, down to 2 a minute, and 208
  // details took 3-5 times as long as at the limit. A full window drains within a minute: 429s within
  // that minute are the same sign, not new ones.
  it('a PC restarted while its own earlier requests fill the window is not slowed to the floor', async () => {
    vi.useFakeTimers();
    const cloud = new CloudRateLimiter(100, () => new Date());
    // The killed process's last minute: all it may send in one (90: a tenth is kept for customers
    // being opened), spread over it, their time kept as the app keeps it.
    const dir = dataDir();
    const killed = new AccountLimiters(dir, realTimeline, { newFolder: true }).for(ACCOUNT);
    for (let i = 0; i < 90; i++) {
      cloud.take('user:shared');
      (await killed.take())();
      await vi.advanceTimersByTimeAsync(500);
    }
    const tally = { sent: 0, refused: 0, done: 0 };
    const started = Date.now();
    pc(cloud, Array(208).fill(0), tally, new AccountLimiters(dir, realTimeline).for(ACCOUNT));
    while (tally.done < 208 && Date.now() - started < 60 * 60_000) await vi.advanceTimersByTimeAsync(1000);
    const minutes = (Date.now() - started) / 60_000;
    console.log(`[rate-share] restart: 208 requests in ${minutes.toFixed(1)} min, ${tally.refused} refused`);
    expect(tally.done).toBe(208);
    // At the limit: what is left of the old minute, then 100 a minute (~2.6 min in all); at the floor it was far more.
    expect(minutes).toBeLessThan(5);
  });
});

