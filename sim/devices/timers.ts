import type { DeviceRecord } from '../accounts/account-book';
import type { DueWork, TimedWork } from '../clock';
import type { Acceptance, Params } from './kinds';
import { isObject } from '../fields';
import { isTimerType, nextOccurrence, readSchedule, type Schedule, type TimerAction } from './timer-schedule';
import type { TimerFiring } from '../types';

interface TimerDeps {
  /** Every device in the sim, online or not: a device runs its timers without the cloud. */
  devices(): Iterable<DeviceRecord>;
  /** Applies what a timer does as a change the device makes by itself. */
  change(device: DeviceRecord, params: Params): Acceptance;
}

interface DueAction {
  readonly device: DeviceRecord;
  readonly mId: string;
  readonly params: unknown;
  readonly action: TimerAction;
}

/**
 * The devices running their own `timers` arrays, as real ones do: each enabled entry acts
 * when its schedule comes round on the sim's clock. An entry stays in the array after it
 * acted (a once entry too, which does not act again: its moment has passed).
 */
export class DeviceTimers implements TimedWork {
  /** Each time a timer acted, oldest first. */
  readonly fired: TimerFiring[] = [];
  private readonly schedules = new Map<string, Schedule | undefined>();

  constructor(private readonly deps: TimerDeps) {}

  due(after: number, until: number): DueWork | undefined {
    let time: number | undefined;
    let actions: DueAction[] = [];
    for (const device of this.deps.devices()) {
      const entries = device.params['timers'];
      if (!Array.isArray(entries)) continue;
      for (const entry of entries) {
        const schedule = this.scheduleOf(entry);
        if (!schedule || !isObject(entry)) continue;
        // Looking no further than the earliest moment found so far keeps a long move cheap.
        const next = nextOccurrence(schedule, after, time ?? until);
        if (!next) continue;
        if (time === undefined || next.time < time) {
          time = next.time;
          actions = [];
        }
        actions.push({ device, mId: entry['mId'] as string, params: entry[next.action], action: next.action });
      }
    }
    if (time === undefined) return undefined;
    const at = time;
    return { time: at, run: () => actions.forEach((action) => this.act(action, at)) };
  }

  private act({ device, mId, params, action }: DueAction, at: number): void {
    // What a timer does is a change of state; it never rewrites the timers themselves.
    const wanted: Params = isObject(params) ? { ...params } : {};
    delete wanted['timers'];
    const outcome = this.deps.change(device, wanted);
    this.fired.push({
      deviceid: device.deviceid,
      mId,
      at,
      action,
      params: outcome.ok ? outcome.params : {},
      ...(!outcome.ok && { refused: outcome.reason }),
    });
  }

  /** The schedule of an enabled, readable entry; entries seeded by hand are not checked, so anything else is skipped. */
  private scheduleOf(entry: unknown): Schedule | undefined {
    if (!isObject(entry) || entry['enabled'] !== 1 || typeof entry['mId'] !== 'string') return undefined;
    const { type, at } = entry;
    if (!isTimerType(type) || typeof at !== 'string') return undefined;
    const key = `${type} ${at}`;
    if (!this.schedules.has(key)) {
      const schedule = readSchedule(type, at);
      this.schedules.set(key, 'problem' in schedule ? undefined : schedule);
    }
    return this.schedules.get(key);
  }
}
