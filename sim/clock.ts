import type { SimClock, SimClockConfig } from './types';

/** Something due at a moment of the devices' clock, and how to run it. */
export interface DueWork {
  readonly time: number;
  run(): void;
}

/** What runs as the devices' clock moves: their timers. */
export interface TimedWork {
  /** The earliest moment in (after, until] at which something is due, with everything due then. */
  due(after: number, until: number): DueWork | undefined;
}

const TICK_MS = 1000;

/**
 * The time the simulated cloud and its virtual devices live in: device timers, token
 * lifetimes, the wait before a share receiver may be asked again, the resend interval of
 * verification codes. A real clock follows the machine's and runs what falls due once a
 * second; a manual one stands still until a test moves it, and then runs everything due on
 * the way, each at its own moment, before the move resolves. (Waits that answer a request
 * late, such as latency or a device's timeout, are real time on either clock.)
 */
export class CloudClock implements SimClock {
  readonly mode: 'real' | 'manual';
  private current: number;
  /** Everything due up to and including this moment has run. */
  private ranUntil: number;
  private work: TimedWork | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private running = false;

  constructor(config: SimClockConfig = { mode: 'real' }) {
    this.mode = config.mode;
    if (config.mode === 'manual' && !(typeof config.start === 'number' && Number.isFinite(config.start) && config.start >= 0)) {
      throw new Error('sim: clock.start must be a time in ms since the epoch');
    }
    this.current = config.mode === 'manual' ? config.start : Date.now();
    this.ranUntil = this.current;
  }

  /** Runs `work` from now on: every second on a real clock, on each move of a manual one. */
  drive(work: TimedWork): void {
    this.work = work;
    if (this.mode !== 'real' || this.ticker) return;
    this.ticker = setInterval(() => {
      try {
        this.runUntil(Date.now());
      } catch (error) {
        console.error('sim: a device timer failed', error);
      }
    }, TICK_MS);
    this.ticker.unref();
  }

  now(): number {
    return this.mode === 'manual' ? this.current : Date.now();
  }

  async advance(ms: number): Promise<void> {
    if (!(typeof ms === 'number' && Number.isFinite(ms) && ms >= 0)) throw new Error('sim: the clock advances by a number of ms, 0 or more');
    this.move(this.now() + ms);
  }

  async set(ms: number): Promise<void> {
    if (!(typeof ms === 'number' && Number.isFinite(ms))) throw new Error('sim: the clock is set to a time in ms since the epoch');
    if (this.mode === 'manual' && ms < this.current) {
      throw new Error(`sim: the clock only moves forward (it reads ${new Date(this.current).toISOString()})`);
    }
    this.move(ms);
  }

  /** Stops the ticker; nothing more runs. */
  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.work = undefined;
  }

  private move(to: number): void {
    if (this.mode !== 'manual') throw new Error('sim: the clock is real; start the sim with clock: {mode: "manual", start} to move it');
    this.runUntil(to);
    this.current = to;
  }

  private runUntil(until: number): void {
    // A timer's action never moves the clock, but a stray call from one must not interleave.
    if (this.running) throw new Error('sim: the clock cannot move while device timers run');
    this.running = true;
    try {
      for (let due = this.work?.due(this.ranUntil, until); due; due = this.work?.due(this.ranUntil, until)) {
        if (this.mode === 'manual') this.current = due.time;
        this.ranUntil = due.time;
        due.run();
      }
      this.ranUntil = Math.max(this.ranUntil, until);
    } finally {
      this.running = false;
    }
  }
}
