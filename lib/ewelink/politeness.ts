import { currentBudget } from '../deadline';
import { CloudPaced } from './errors';

/** The real cloud's limits for one endpoint: calls at least `minGapMs` apart, at most `maxCalls` in any `windowMs`. */
export interface PolitenessLimits {
  minGapMs: number;
  maxCalls: number;
  windowMs: number;
}

/** What the eWeLink cloud tolerates from one caller on one endpoint: 500 ms apart, 300 calls per 5 minutes. */
export const CLOUD_LIMITS: PolitenessLimits = { minGapMs: 500, maxCalls: 300, windowMs: 300_000 };

interface Lane {
  /** Start times given out, oldest first, pruned to the last window. */
  starts: number[];
}

/**
 * Keeps the bridge's calls to the eWeLink cloud within its limits, per account and endpoint
 * (an HTTP method and path, or the socket's `userOnline` handshake). A call takes the next free
 * start time of its lane and waits for it; a call whose turn would come after the current
 * request's budget runs out is not made: `CloudPaced`, with when its turn would have been.
 *
 * The memory is per process: each Lambda instance keeps its own count. Instances of one
 * bridge are few (a personal bridge seldom runs two at once), and the limits leave room, so
 * no shared counter is kept in the table.
 *
 * @example
 * await cloudPoliteness.turn(creds.apikey, 'POST /api/user/device/status', 'setStatus');
 */
export class Politeness {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    readonly limits: PolitenessLimits = CLOUD_LIMITS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Waits for this account's turn on `endpoint`; throws `CloudPaced` (nothing reserved) when the turn lies past the budget. */
  async turn(account: string, endpoint: string, operation: string): Promise<void> {
    const key = `${account} ${endpoint}`;
    const lane = this.lanes.get(key) ?? { starts: [] };
    const now = this.clock();
    const { minGapMs, maxCalls, windowMs } = this.limits;
    while (lane.starts.length > 0 && (lane.starts[0] as number) <= now - windowMs) lane.starts.shift();
    const last = lane.starts[lane.starts.length - 1];
    let at = last === undefined ? now : Math.max(now, last + minGapMs);
    if (lane.starts.length >= maxCalls) at = Math.max(at, (lane.starts[lane.starts.length - maxCalls] as number) + windowMs);
    const wait = at - now;
    const budget = currentBudget();
    if (wait > 0 && budget && wait >= budget.remaining()) throw new CloudPaced(operation, wait);
    lane.starts.push(at);
    this.lanes.set(key, lane);
    if (wait > 0) await new Promise<void>((resolve) => setTimeout(resolve, wait));
  }
}

/** The process's limiter: every cloud call of this instance goes through it unless a client is given another. */
export const cloudPoliteness = new Politeness();

/**
 * The rate-limit lane of an account's calls: its apikey (a v2 account that owns no device has
 * none, and shares the app's lane with the calls made before login).
 *
 * @example
 * await cloudPoliteness.turn(accountLane(creds), 'userOnline', 'userOnline');
 */
export function accountLane(creds: { apikey: string }): string {
  return creds.apikey || 'app';
}
