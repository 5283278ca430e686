import { RateLimited } from './errors';
import { Int, RULE, Type, type Static } from './schema';

/*
 * Token buckets for hooks and API keys. A bucket holds up to `burst` tokens and gains
 * `perSecond` of them a second; each admitted call takes one. The bucket lives in the table
 * beside the hook or key it meters (every Lambda container sees the same one) and is written
 * with a version condition, so two containers cannot spend the same token.
 */

/** How fast one hook or key may be called. */
export const RATE_LIMIT = Type.Object(
  {
    perSecond: Type.Number({ minimum: 0.01, maximum: 100, description: 'calls a second, sustained (tokens gained a second)', [RULE]: 'must be a number from 0.01 to 100' }),
    burst: Int({ minimum: 1, maximum: 100, description: 'calls that may come at once after a quiet spell (the bucket size)' }),
  },
  { $id: 'RateLimit', additionalProperties: false, examples: [{ perSecond: 1, burst: 5 }] },
);
export type RateLimit = Static<typeof RATE_LIMIT>;

/** A hook's limit unless it was given its own: a button or an applet, not a loop. */
export const HOOK_RATE: RateLimit = { perSecond: 1, burst: 5 };
/** An API key's limit unless it was given its own: below the stage-wide 25/s, so one key cannot take all of it. */
export const KEY_RATE: RateLimit = { perSecond: 10, burst: 20 };
/** Last use is written to the listing at most this often: it is for people, not for accounting. */
export const LAST_USE_EVERY_MS = 60 * 60 * 1000;

/**
 * What is stored beside a metered hook or key. The bucket is kept as one number, the moment it
 * will be full again (the "theoretical arrival time" of the generic cell rate algorithm, which
 * is a token bucket told in time): each call moves it one interval on, so a spend is a single
 * atomic add, and concurrent callers never need to retry against each other.
 */
export interface Metered {
  /** Epoch ms at which the bucket is full again; absent or past: it is full. */
  fullAt?: number;
  /** Epoch ms of the last use written to the listing. */
  lastUsedAt?: number;
}

/** Where a metered thing's bucket is kept (the store implements it per hook and per key). */
export interface BucketStore {
  /** Sets `fullAt` to `next` if the bucket is full (`fullAt` absent or at most `now`) and the thing still exists. */
  start(now: number, next: number): Promise<boolean>;
  /** Moves `fullAt` on by `intervalMs` if it lies after `now` and at most at `latest`, and the thing still exists. */
  advance(now: number, intervalMs: number, latest: number): Promise<boolean>;
  /** Records `now` as the last use, unless one within `LAST_USE_EVERY_MS` is recorded already. */
  touch(now: number): Promise<void>;
  /** The stored state, or undefined if the thing is gone. */
  reload(): Promise<Metered | undefined>;
}

/**
 * Whether a call at `now` may go through a bucket that is full again at `fullAt`; if not, how
 * long until it may.
 *
 * @example
 * waitFor({ perSecond: 1, burst: 5 }, undefined, Date.now()) // 0: a full bucket
 */
export function waitFor(limit: RateLimit, fullAt: number | undefined, now: number): number {
  const interval = 1000 / limit.perSecond;
  // burst - 1 intervals of debt leave one token; more leave less than one.
  return Math.max(0, (fullAt ?? now) - (limit.burst - 1) * interval - now);
}

// A take loses only when the bucket changed between its read and its write (a fresh bucket
// started by another caller); the second round then takes the atomic path.
const SPEND_ATTEMPTS = 3;

/**
 * Spends one token of a hook's or key's bucket, or throws `RateLimited` with the wait. Also
 * records the last use, at most hourly. `gone` is thrown if the thing was deleted meanwhile.
 *
 * @example
 * await spendToken(hook.limit ?? HOOK_RATE, hook, store.hooks.bucket(hook), 'this webhook', () => refused());
 */
export async function spendToken(limit: RateLimit, seen: Metered, store: BucketStore, what: string, gone: () => Error, now: () => number = Date.now): Promise<void> {
  const interval = 1000 / limit.perSecond;
  let state: Metered | undefined = seen;
  for (let attempt = 0; attempt < SPEND_ATTEMPTS; attempt++) {
    if (!state) throw gone();
    const at = now();
    const wait = waitFor(limit, state.fullAt, at);
    if (wait > 0) throw limited(limit, what, wait);
    const fresh = state.fullAt === undefined || state.fullAt <= at;
    const taken = fresh ? await store.start(at, at + interval) : await store.advance(at, interval, at + (limit.burst - 1) * interval);
    if (taken) {
      if (state.lastUsedAt === undefined || at - state.lastUsedAt >= LAST_USE_EVERY_MS) await store.touch(at);
      return;
    }
    state = await store.reload();
  }
  throw limited(limit, what, interval);
}

function limited(limit: RateLimit, what: string, waitMs: number): RateLimited {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new RateLimited(`${what} takes ${limit.perSecond} call(s) a second with bursts of ${limit.burst}; try again in ${seconds} s`, seconds);
}
