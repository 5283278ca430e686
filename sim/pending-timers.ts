/** Every wait the sim starts, so that closing it leaves no timer behind. */
export class PendingTimers {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  /** Resolves after `ms`; after stop() it never resolves, so nothing more is sent. */
  sleep(ms: number): Promise<void> {
    if (this.stopped) return new Promise<void>(() => undefined);
    if (!(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.schedule(ms, resolve);
    });
  }

  /** Runs `task` after `ms`; the returned function cancels it. */
  schedule(ms: number, task: () => void): () => void {
    if (this.stopped) return () => undefined;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, Math.max(0, ms));
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
