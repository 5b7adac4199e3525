import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyFileSecretBox } from '../../src/main/secrets';
import { AttemptLimiter, type KeptFailures } from '../../src/main/staff/attempts';
import { ATTEMPTS_FILE, attemptsFile } from '../../src/main/staff/attempts-file';
import { manualClock, memoryLogger, tempDir } from '../helpers/core';

describe('AttemptLimiter', () => {
  it('hands out 5 slots per key at once, synchronously, then says how long to wait', () => {
    const clock = manualClock();
    const limiter = new AttemptLimiter(clock);
    const slots = Array.from({ length: 5 }, () => limiter.reserve('pin:a').slot);
    expect(slots.every((s) => s !== null)).toBe(true);
    // All five still running: if they fail, the next slot frees a full window from now.
    expect(limiter.reserve('pin:a')).toEqual({ slot: null, waitMs: 60_000 });
    expect(limiter.reserve('pin:b').slot).not.toBeNull();
  });

  it('never ages out a check still running, however long it waits', () => {
    const clock = manualClock();
    const limiter = new AttemptLimiter(clock);
    const slots = Array.from({ length: 5 }, () => limiter.reserve('k').slot!);
    clock.advance(10 * 60_000);
    expect(limiter.reserve('k').slot).toBeNull();
    for (const s of slots) s.failed();
    clock.advance(20_000);
    expect(limiter.reserve('k')).toEqual({ slot: null, waitMs: 40_000 });
    clock.advance(40_000);
    expect(limiter.reserve('k').slot).not.toBeNull();
  });

  it('gives back the slot of a success or of a check that never ran, keeping earlier failures', () => {
    const clock = manualClock();
    const limiter = new AttemptLimiter(clock);
    for (let i = 0; i < 3; i++) limiter.reserve('k').slot!.failed();
    limiter.reserve('k').slot!.succeeded();
    limiter.reserve('k').slot!.cancelled();
    // Three failures still count: two more slots, then none.
    expect(limiter.reserve('k').slot).not.toBeNull();
    expect(limiter.reserve('k').slot).not.toBeNull();
    expect(limiter.reserve('k').slot).toBeNull();
  });

  it('counts failures from now when the clock is set back while the app runs: a wait of at most the window (review 28)', () => {
    const clock = manualClock('2026-03-02T09:00:00.000Z');
    const limiter = new AttemptLimiter(clock);
    for (let i = 0; i < 5; i++) limiter.reserve('login:sam').slot!.failed();
    clock.advance(-3_600_000);
    expect(limiter.reserve('login:sam')).toEqual({ slot: null, waitMs: 60_000 });
    clock.advance(60_000);
    expect(limiter.reserve('login:sam').slot).not.toBeNull();
  });

  it('starts from the failures kept, a time ahead of the clock counting from now, and keeps only failures of the window', () => {
    const clock = manualClock('2026-03-02T09:00:00.000Z');
    const now = clock.now().getTime();
    const saved: Map<string, number[]>[] = [];
    const kept: KeptFailures = {
      load: () => new Map([
        ['old', [now - 61_000, now - 60_000]],
        ['full', [now - 50_000, now - 40_000, now - 30_000, now - 20_000, now - 10_000]],
        // The clock was set back a day since these failed.
        ['ahead', [now + 86_400_000, now + 86_400_000, now + 86_400_000, now + 86_400_000, now + 86_400_000]],
      ]),
      save: (failures) => saved.push(failures),
    };
    const limiter = new AttemptLimiter(clock, { kept });
    expect(limiter.reserve('full')).toEqual({ slot: null, waitMs: 10_000 });
    expect(limiter.reserve('ahead')).toEqual({ slot: null, waitMs: 60_000 });
    clock.advance(60_000);
    expect(limiter.reserve('ahead').slot).not.toBeNull();

    const slot = limiter.reserve('old').slot!;
    const running = limiter.reserve('other').slot!;
    slot.failed();
    // A success or a check still running is not a failure to keep; the aged-out ones are gone.
    expect(saved).toEqual([new Map([['old', [now + 60_000]]])]);
    running.succeeded();
    expect(saved).toHaveLength(1);
  });
});

describe('attemptsFile', () => {
  it('keeps the failures across a new limiter, sealed, and starts empty (with a warning) from a damaged file', () => {
    const folder = tempDir();
    try {
      const box = keyFileSecretBox(folder.dir);
      const log = memoryLogger();
      const clock = manualClock('2026-03-02T09:00:00.000Z');
      const first = new AttemptLimiter(clock, { kept: attemptsFile(folder.dir, box, log) });
      for (let i = 0; i < 5; i++) first.reserve('login:sam').slot!.failed();
      clock.advance(1_000);
      const second = new AttemptLimiter(clock, { kept: attemptsFile(folder.dir, box, log) });
      expect(second.reserve('login:sam')).toEqual({ slot: null, waitMs: 59_000 });
      expect(log.lines).toEqual([]);

      writeFileSync(join(folder.dir, ATTEMPTS_FILE), 'not sealed');
      const third = new AttemptLimiter(clock, { kept: attemptsFile(folder.dir, box, log) });
      expect(third.reserve('login:sam').slot).not.toBeNull();
      expect(log.lines).toEqual([expect.stringContaining(`${ATTEMPTS_FILE} not read`)]);
    } finally {
      folder.remove();
    }
  });

  it('starts, with a warning, when something other than a file stands at its name (a FIFO held the start forever; review 28)', () => {
    const folder = tempDir();
    try {
      execFileSync('mkfifo', [join(folder.dir, ATTEMPTS_FILE)]);
      const log = memoryLogger();
      const limiter = new AttemptLimiter(manualClock(), { kept: attemptsFile(folder.dir, keyFileSecretBox(folder.dir), log) });
      expect(limiter.reserve('login:sam').slot).not.toBeNull();
      expect(log.lines).toEqual([expect.stringContaining('not a plain file')]);
    } finally {
      folder.remove();
    }
  });

  it('answers the failure even when it cannot be written (a folder at its name), and says so in the log', () => {
    const folder = tempDir();
    try {
      mkdirSync(join(folder.dir, ATTEMPTS_FILE));
      const log = memoryLogger();
      const limiter = new AttemptLimiter(manualClock(), { kept: attemptsFile(folder.dir, keyFileSecretBox(folder.dir), log) });
      for (let i = 0; i < 5; i++) limiter.reserve('login:sam').slot!.failed();
      expect(limiter.reserve('login:sam').slot).toBeNull();
      expect(log.lines.filter((l) => l.includes('not kept across restarts'))).toHaveLength(5);
    } finally {
      folder.remove();
    }
  });
});
