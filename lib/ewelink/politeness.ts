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

/** A call given its turn: when it was to start, and when its answer came (once it has). */
interface Turn {
  start: number;
  end?: number;
  answered: Promise<void>;
}

interface Lane {
  /** Start times given out, oldest first, pruned to the last window. */
  starts: number[];
  last?: Turn;
  /** How long the lane's last call took, ms: the guess for one still under way. */
  lastTookMs: number;
}

/**
 * Keeps the bridge's calls to the eWeLink cloud within its limits, per account and endpoint
 * (an HTTP method and path, or the socket's `userOnline` handshake). The gap is counted from
 * the previous call's answer, not its start: the cloud sees when a call arrives, and a call
 * that first opens a connection arrives later than it left, so gaps counted from the starts
 * could reach the cloud shorter than they were made. A call still unanswered one gap after it
 * started is taken to have arrived by then (a silent device's call can take seconds, and must
 * not hold up the others). At most `maxCalls` start in any `windowMs`.
 *
 * A call whose turn would come after the current request's budget runs out is not made:
 * `CloudPaced`, saying when its turn would have been. The turn is worked out when the call
 * asks; a call ahead that takes longer than the last one did can push it later, past the
 * budget: then too it is `CloudPaced`, and nothing is sent.
 *
 * The memory is per process: each Lambda instance keeps its own count. A personal bridge
 * seldom runs two instances at once, so no shared counter is kept in the table.
 *
 * @example
 * const answered = await cloudPoliteness.turn(accountLane(creds), 'POST api/user/device/status', 'setStatus');
 * try { await send(); } finally { answered(); }
 */
export class Politeness {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    readonly limits: PolitenessLimits = CLOUD_LIMITS,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Waits for this account's turn on `endpoint`, then answers the function to call once the
   * call has its answer (or failed); throws `CloudPaced` (nothing taken) when the turn lies
   * past the budget.
   */
  async turn(account: string, endpoint: string, operation: string): Promise<() => void> {
    const key = `${account} ${endpoint}`;
    const lane = this.lanes.get(key) ?? { starts: [], lastTookMs: 0 };
    const now = this.clock();
    const { minGapMs, maxCalls, windowMs } = this.limits;
    while (lane.starts.length > 0 && (lane.starts[0] as number) <= now - windowMs) lane.starts.shift();
    const before = lane.last;
    let at = before === undefined ? now : Math.max(now, (before.end ?? before.start + Math.min(lane.lastTookMs, minGapMs)) + minGapMs);
    if (lane.starts.length >= maxCalls) at = Math.max(at, (lane.starts[lane.starts.length - maxCalls] as number) + windowMs);
    const wait = at - now;
    const budget = currentBudget();
    if (wait > 0 && budget && wait >= budget.remaining()) throw new CloudPaced(operation, wait);

    let answer!: () => void;
    const mine: Turn = { start: at, answered: new Promise<void>((resolve) => (answer = resolve)) };
    lane.starts.push(at);
    lane.last = mine;
    this.lanes.set(key, lane);
    // Every wait ends with the budget at the latest; whether any was needed decides the answer then.
    let waited = false;
    const upTo = (ms: number): Promise<void> => {
      if (ms > 0) waited = true;
      return pause(budget ? Math.min(ms, budget.remaining()) : ms);
    };
    await upTo(wait);
    if (before && !budget?.expired) {
      // A call still unanswered a gap after it started is taken to have arrived by then: a silent device must not hold up the lane.
      const heldUntil = before.start + minGapMs;
      await Promise.race([before.answered, upTo(heldUntil - this.clock())]);
      const from = before.end === undefined ? heldUntil : Math.min(before.end, heldUntil);
      await upTo(from + minGapMs - this.clock());
    }
    if (waited && budget?.expired) {
      // The call ahead answered later than its turn was worked out for, and this one's turn came
      // after the budget: nothing is sent, and the lane is left as if it had not asked.
      lane.starts.splice(lane.starts.lastIndexOf(at), 1);
      if (lane.last === mine) lane.last = before;
      answer();
      throw new CloudPaced(operation, minGapMs);
    }
    mine.start = this.clock();
    return () => {
      if (mine.end !== undefined) return;
      mine.end = this.clock();
      lane.lastTookMs = mine.end - mine.start;
      answer();
    };
  }
}

function pause(ms: number): Promise<void> {
  return ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** The process's limiter: every cloud call of this instance goes through it unless a client is given another. */
export const cloudPoliteness = new Politeness();

/**
 * The rate-limit lane of an account's calls: its apikey (a v2 account that owns no device has
 * none, and shares the app's lane with the calls made before login).
 *
 * @example
 * const answered = await cloudPoliteness.turn(accountLane(creds), 'userOnline v1', 'userOnline');
 */
export function accountLane(creds: { apikey: string }): string {
  return creds.apikey || 'app';
}
