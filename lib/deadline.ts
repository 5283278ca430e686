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
