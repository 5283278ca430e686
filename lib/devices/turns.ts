/**
 * Work done one at a time per key, in the order it arrived: a caller names every key its work
 * touches, and the work starts once each of them is free. All keys are claimed at once, in the
 * same tick, so two callers naming the same keys in a different order cannot wait on each other.
 * Per process: another instance's commands are not held back.
 *
 * @example
 * const turns = new Turns();
 * await Promise.all([turns.run(['lamp'], toggle), turns.run(['lamp'], toggle)]); // the second starts when the first ends
 */
export class Turns {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const releases: (() => void)[] = [];
    const waits: Promise<void>[] = [];
    for (const key of new Set(keys)) {
      const before = this.tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const done = new Promise<void>((resolve) => (release = resolve));
      const tail = before.then(() => done);
      this.tails.set(key, tail);
      waits.push(before);
      releases.push(() => {
        release();
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
    }
    try {
      await Promise.all(waits);
      return await work();
    } finally {
      for (const release of releases) release();
    }
  }
}
