import type { Account } from './accounts/account-book';
import type { PolitenessConfig, SimFaults } from './types';

/*
 * The real cloud's politeness limits (protocol notes, "Rate limits seen on the real cloud"):
 * the same endpoint at least 500 ms apart, at most 300 calls to it in 5 minutes, and repeated
 * userOnline handshakes can get the caller blocked. The real cloud counts per IP and its answer
 * to a crossing is not in the spec; the sim counts per account and answers as deviations.ts says.
 */

/** The limits with their defaults filled in. */
export interface PolitenessLimits {
  readonly minGapMs: number;
  readonly perWindow: number;
  readonly windowMs: number;
}

/** How a socket handshake is named as an endpoint beside `METHOD /path`. */
export const HANDSHAKE_ENDPOINT = 'socket userOnline';

/** What the sim answers a refused call with (HTTP body; a refused handshake gets `error` and `reason`). */
export const TOO_FREQUENT = { error: 429, msg: 'request too frequent' } as const;

/** A call that broke a limit: whether it is refused (the limits are enforced), and in how many seconds it would be taken. */
export interface Crossing {
  readonly refused: boolean;
  readonly retryAfterSec: number;
}

interface PolitenessDeps {
  readonly limits: PolitenessLimits;
  /** The cloud's clock, so a manual one drives the gaps and the window. */
  now(): number;
  /** Read on each call: whether crossings are refused or only counted. */
  readonly faults: Pick<SimFaults, 'enforceLimits'>;
  countCrossing(endpoint: string): void;
}

/**
 * The limits as configured: 500 ms, 300 calls and 5 minutes unless given.
 *
 * @example
 * politenessLimits({ enforce: true, perWindow: 3 }); // { minGapMs: 500, perWindow: 3, windowMs: 300000 }
 */
export function politenessLimits(config: PolitenessConfig | undefined): PolitenessLimits {
  const positive = (name: keyof PolitenessLimits, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) throw new Error(`sim: politeness.${name} must be a positive number`);
    return value;
  };
  if (config !== undefined && typeof config.enforce !== 'boolean') throw new Error('sim: politeness.enforce must be true or false');
  const perWindow = positive('perWindow', config?.perWindow, 300);
  if (!Number.isInteger(perWindow)) throw new Error('sim: politeness.perWindow must be a whole number of calls');
  return { minGapMs: positive('minGapMs', config?.minGapMs, 500), perWindow, windowMs: positive('windowMs', config?.windowMs, 300_000) };
}

/**
 * The politeness of a simulator started from the environment (`npm run sim`, `npm start`):
 * enforced, as the real cloud does, unless SIM_ENFORCE_LIMITS=0 (then crossings are only
 * counted in /_sim/stats). Anything but 1 or 0 is refused.
 *
 * @example
 * politenessFromEnv({ SIM_ENFORCE_LIMITS: '0' }); // { enforce: false }
 */
export function politenessFromEnv(env: Record<string, string | undefined>): PolitenessConfig {
  const raw = env['SIM_ENFORCE_LIMITS'];
  if (raw === undefined || raw === '' || raw === '1') return { enforce: true };
  if (raw === '0') return { enforce: false };
  throw new Error(`SIM_ENFORCE_LIMITS must be 1 or 0 (got "${raw}")`);
}

/**
 * Who a call is counted against: the account behind its token.
 *
 * @example
 * accountCaller(account); // 'account 2f…'
 */
export function accountCaller(account: Account): string {
  return `account ${account.apikey}`;
}

/**
 * Who a call without a usable token (a signed call before login) is counted against: its IP.
 *
 * @example
 * addressCaller('127.0.0.1'); // 'ip 127.0.0.1'
 */
export function addressCaller(address: string | undefined): string {
  return `ip ${address ?? 'unknown'}`;
}

/**
 * Every call's time per caller and endpoint, to tell a call that came too soon after the last
 * one or over the window's count. Every crossing is counted; it is refused only while
 * `faults.enforceLimits` is on, and a refused call does not count towards the limits (so
 * Retry-After is exactly when the next call is taken).
 *
 * @example
 * const crossing = politeness.call(accountCaller(account), 'POST /api/user/device/status');
 * if (crossing?.refused) answer429(crossing.retryAfterSec);
 */
export class Politeness {
  /** `caller endpoint` → the times of the calls taken within the window, oldest first. */
  private readonly taken = new Map<string, number[]>();

  constructor(private readonly deps: PolitenessDeps) {}

  /** Notes a call; undefined when it keeps to the limits. */
  call(caller: string, endpoint: string): Crossing | undefined {
    const { minGapMs, perWindow, windowMs } = this.deps.limits;
    const now = this.deps.now();
    const key = `${caller} ${endpoint}`;
    const times = this.taken.get(key) ?? [];
    this.taken.set(key, times);
    while (times.length > 0 && (times[0] as number) <= now - windowMs) times.shift();

    let waitMs = 0;
    const last = times.at(-1);
    if (last !== undefined && now - last < minGapMs) waitMs = last + minGapMs - now;
    if (times.length >= perWindow) waitMs = Math.max(waitMs, (times[times.length - perWindow] as number) + windowMs - now);
    if (waitMs <= 0) {
      times.push(now);
      return undefined;
    }

    this.deps.countCrossing(endpoint);
    const refused = this.deps.faults.enforceLimits;
    if (!refused) times.push(now);
    return { refused, retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}
