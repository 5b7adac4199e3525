import { describe, expect, it } from 'vitest';
import { AttemptLimiter } from '../../src/main/staff/attempts';
import { manualClock } from '../helpers/core';

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
});
