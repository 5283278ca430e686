import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The work's result, or the error `late()` makes once `ms` have passed without one. The work
 * is not stopped (a command already on its way may still land); its later failure is dropped.
 * Assistants wait a fixed time for an answer, and the command path's own limits add up past
 * it (a socket reply 5 s, then the HTTP fallback 6 s), so the adapters answer by this instead.
 *
 * @example
 * await withinDeadline(controller.control(accountId, id, { power: 'on' }), 6_000, () => new DeviceOffline('no answer in time'));
 */
export async function withinDeadline<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A request's time budget: the moment by which its caller must have an answer. Every cloud and
 * DynamoDB call made for the request takes its own limit cut to what is left (`limit`), so the
 * sum of their limits cannot run past the platform's timeout.
 *
 * @example
 * const budget = Budget.of(10_000);
 * await withBudget(budget, () => controller.control(accountId, id, { power: 'on' }));
 */
export class Budget {
  private constructor(
    /** Epoch ms by which the answer is due. */
    readonly endsAt: number,
    private readonly clock: () => number,
  ) {}

  /** A budget of `ms` from now. */
  static of(ms: number, clock: () => number = Date.now): Budget {
    return new Budget(clock() + Math.max(0, ms), clock);
  }

  /** Ms left, never below 0. */
  remaining(): number {
    return Math.max(0, this.endsAt - this.clock());
  }

  /** A call's own limit `ms`, cut to what is left of the budget. */
  limit(ms: number): number {
    return Math.min(ms, this.remaining());
  }

  get expired(): boolean {
    return this.remaining() === 0;
  }
}

const running = new AsyncLocalStorage<Budget>();

/** Runs `work` with `budget` as the current request's: the calls it makes, however deep, see it. */
export function withBudget<T>(budget: Budget, work: () => Promise<T>): Promise<T> {
  return running.run(budget, work);
}

/** The budget of the request being served, if any (a schedule, the admin command: none). */
export function currentBudget(): Budget | undefined {
  return running.getStore();
}

/** A call's own limit `ms`, cut to the current request's budget when there is one. */
export function callLimit(ms: number): number {
  return currentBudget()?.limit(ms) ?? ms;
}

/**
 * Runs `work` outside any request's budget: for work a request starts but does not wait for
 * (opening the socket in the background), which must not be cut short when that request ends.
 *
 * @example
 * withoutBudget(() => openSocket(creds)).catch(noteFailure);
 */
export function withoutBudget<T>(work: () => T): T {
  return running.exit(work);
}

/** What a Lambda keeps back of its remaining time to send its answer (and log) in, ms. */
export const ANSWER_MARGIN_MS = 1_500;

/**
 * The budget of a Lambda invocation: its remaining time less `ANSWER_MARGIN_MS`, and at most
 * `capMs` (a caller that waits less than the function may run). A context that cannot say
 * (a test's bare object) leaves `capMs`.
 *
 * @example
 * const answer = await withBudget(invocationBudget(context), () => serveRequest(request, bridge));
 */
export function invocationBudget(context: { getRemainingTimeInMillis?: () => number } | undefined, capMs = Number.POSITIVE_INFINITY): Budget {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS : Number.POSITIVE_INFINITY;
  return Budget.of(Math.min(capMs, remaining));
}

/**
 * Runs `work` with a budget of `ms`, or of what is left of the current request's when that is
 * less: for a caller inside a request that waits less than the request may run.
 *
 * @example
 * await withBudgetOf(7_000, () => fulfill(bridge, body, bearer, options)); // Google waits less than the HTTP function may run
 */
export function withBudgetOf<T>(ms: number, work: () => Promise<T>): Promise<T> {
  return withBudget(Budget.of(callLimit(ms)), work);
}
