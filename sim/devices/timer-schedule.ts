import { nextCronMinute, parseCron, type Cron } from './cron';

/*
 * When one entry of a device's `timers` array acts, read from its `type` and `at`:
 * once (and the app's delay, which the device sees as once) at an instant; repeat at each
 * UTC minute its cron matches; duration from a start, `startDo` at the start of each cycle
 * and `endDo` a first number of minutes later, a cycle lasting both numbers together.
 */

export type TimerType = 'once' | 'repeat' | 'duration';

/** Which of the entry's params an occurrence applies. */
export type TimerAction = 'do' | 'startDo' | 'endDo';

export type Schedule =
  | { readonly type: 'once'; readonly at: number }
  | { readonly type: 'repeat'; readonly cron: Cron }
  | { readonly type: 'duration'; readonly start: number; readonly startToEndMs: number; readonly cycleMs: number };

export interface Occurrence {
  readonly time: number;
  readonly action: TimerAction;
}

export const TIMER_TYPES: readonly TimerType[] = ['once', 'repeat', 'duration'];

export function isTimerType(value: unknown): value is TimerType {
  return typeof value === 'string' && (TIMER_TYPES as readonly string[]).includes(value);
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;
const MINUTE_MS = 60_000;

function minutes(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : undefined;
}

function isoInstant(text: string | undefined): number | undefined {
  if (text === undefined || !ISO_TIME.test(text)) return undefined;
  const instant = Date.parse(text);
  return Number.isNaN(instant) ? undefined : instant;
}

/** The schedule an entry's `at` describes for its type, or why the device cannot read it. */
export function readSchedule(type: TimerType, at: string): Schedule | { problem: string } {
  if (type === 'once') {
    const instant = isoInstant(at);
    return instant === undefined ? { problem: 'must be a UTC ISO time' } : { type, at: instant };
  }
  if (type === 'repeat') {
    const cron = parseCron(at);
    return typeof cron === 'string' ? { problem: `must be a 5-field UTC cron expression: ${cron}` } : { type, cron };
  }
  const [startText, first, second, ...rest] = at.split(' ');
  const [start, toEnd, toNextStart] = [isoInstant(startText), minutes(first), minutes(second)];
  if (start === undefined || toEnd === undefined || toNextStart === undefined || rest.length > 0) {
    return { problem: 'must be "<UTC ISO start> <on minutes> <off minutes>"' };
  }
  return { type, start, startToEndMs: toEnd * MINUTE_MS, cycleMs: (toEnd + toNextStart) * MINUTE_MS };
}

/** The schedule's first occurrence after `after` (exclusive) and no later than `until`. */
export function nextOccurrence(schedule: Schedule, after: number, until: number): Occurrence | undefined {
  const found = firstAfter(schedule, after, until);
  return found && found.time <= until ? found : undefined;
}

function firstAfter(schedule: Schedule, after: number, until: number): Occurrence | undefined {
  switch (schedule.type) {
    case 'once':
      return schedule.at > after ? { time: schedule.at, action: 'do' } : undefined;
    case 'repeat': {
      const time = nextCronMinute(schedule.cron, after, until);
      return time === undefined ? undefined : { time, action: 'do' };
    }
    case 'duration': {
      if (schedule.start > after) return { time: schedule.start, action: 'startDo' };
      const cycleStart = schedule.start + Math.floor((after - schedule.start) / schedule.cycleMs) * schedule.cycleMs;
      const end = cycleStart + schedule.startToEndMs;
      return end > after ? { time: end, action: 'endDo' } : { time: cycleStart + schedule.cycleMs, action: 'startDo' };
    }
  }
}
