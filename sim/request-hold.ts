/**
 * The `hangHttp` fault: while it is on, every cloud request waits here without an answer; when
 * it is lifted, the waiting requests go on in the order they came, as a cloud that stalled and
 * came back would carry out what it had taken in. A request whose client has given up meanwhile
 * is carried out all the same: the client cannot know whether it was.
 *
 * @example
 * const hold = new RequestHold();
 * hold.set(true);
 * const passed = hold.pass(); // pending
 * hold.set(false); // passed resolves
 */
export class RequestHold {
  private holding = false;
  private readonly waiting: Array<() => void> = [];

  /** Whether requests are being held. */
  get active(): boolean {
    return this.holding;
  }

  /** How many requests wait for the hold to be lifted. */
  get held(): number {
    return this.waiting.length;
  }

  /** Starts holding, or lifts the hold and lets every waiting request go on, oldest first. */
  set(on: boolean): void {
    this.holding = on;
    if (on) return;
    for (const release of this.waiting.splice(0)) release();
  }

  /** Resolves at once while nothing is held; otherwise once the hold is lifted. */
  pass(): Promise<void> {
    if (!this.holding) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }
}
