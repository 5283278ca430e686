import { describe, expect, it } from 'vitest';
import { waitFor } from '../lib/rate-limit';

// The bucket told in time: `fullAt` moves one interval on per call; a call may go while at most burst - 1 intervals are owed.
describe('waitFor', () => {
  const limit = { perSecond: 2, burst: 3 }; // an interval of 500 ms
  const now = 1_000_000;

  it.each([
    ['a bucket never used', undefined, 0],
    ['a bucket full again long ago', now - 60_000, 0],
    ['one call owed', now + 500, 0],
    ['two calls owed: the last token', now + 1000, 0],
    ['three calls owed: wait one interval', now + 1500, 500],
    ['three and a half owed', now + 1750, 750],
  ])('%s', (_what, fullAt, wait) => {
    // Act, Assess
    expect(waitFor(limit, fullAt, now)).toBe(wait);
  });

  it('lets exactly `burst` calls through at one moment, then one per interval', () => {
    // Prepare
    let fullAt: number | undefined;
    const take = (at: number) => {
      if (waitFor(limit, fullAt, at) > 0) return false;
      fullAt = Math.max(fullAt ?? at, at) + 500;
      return true;
    };
    // Act
    const atOnce = [0, 0, 0, 0].map(() => take(now));
    const later = [take(now + 499), take(now + 500), take(now + 500), take(now + 1000)];
    // Assess
    expect(atOnce).toEqual([true, true, true, false]);
    expect(later).toEqual([false, true, false, true]);
  });
});
