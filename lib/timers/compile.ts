import { createHash } from 'node:crypto';
import type { DeviceProfile } from '../devices/catalogue';
import type { DeviceCommand } from '../devices/command';
import { checkCommand, planCommand } from '../devices/plan';
import type { DeviceParams } from '../ewelink/types';
import type { DeviceTimerEntry, SceneDef, TimerDef } from './model';
import { localToUtc, repeatToUtcCron, type Schedule } from './schedule';

/*
 * The local model compiled to a device's full `timers` array. The bridge's entries carry
 * mIds derived from the timer or scene id (stable across pushes, recognisable by their
 * fourth group), so entries made in the phone app are told apart and kept as they are.
 */

const BRIDGE_MARK = 'eb1d';
const BRIDGE_MID = new RegExp(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-${BRIDGE_MARK}-[0-9a-f]{12}$`);

/** The mId of a bridge-made entry: uuid-shaped, the same every time for the same source. */
export function bridgeMid(deviceid: string, sourceId: string): string {
  const h = createHash('sha256').update(`${deviceid}\u0000${sourceId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${BRIDGE_MARK}-${h.slice(16, 28)}`;
}

export function isBridgeMid(mId: unknown): boolean {
  return typeof mId === 'string' && BRIDGE_MID.test(mId);
}

export interface CompileInput {
  deviceid: string;
  profile: DeviceProfile;
  /** The device's last known params (light commands may depend on its mode). */
  params: DeviceParams;
  timers: TimerDef[];
  /** Scheduled scenes with an action for this device. */
  scenes: SceneDef[];
  /** The device's current array: its entries not made by the bridge are kept. */
  current: unknown[];
  now: number;
}

/** The params a command becomes on this device, as a timer will apply them. */
export function timerParams(deviceid: string, profile: DeviceProfile, command: DeviceCommand, params: DeviceParams, at = 'action'): DeviceParams {
  const channels = checkCommand(deviceid, profile, command, at);
  return planCommand(profile, command, channels, params).params;
}

/**
 * The full array to push: the phone app's entries as they are, then one entry per live
 * timer and per scheduled scene (once/delay entries whose time has passed are left out).
 *
 * @example
 * compileTimers({ deviceid, profile, params, timers: [repeatAt8], scenes: [], current: [], now })
 * // [{ enabled: 1, mId: '…-eb1d-…', type: 'repeat', coolkit_timer_type: 'repeat', at: '0 7 * * 1,3', do: { switch: 'on' } }]
 */
export function compileTimers(input: CompileInput): DeviceTimerEntry[] {
  const { deviceid, profile, params, now } = input;
  const foreign = input.current.filter(
    (e): e is DeviceTimerEntry => typeof e === 'object' && e !== null && !isBridgeMid((e as { mId?: unknown }).mId),
  );
  const entries: DeviceTimerEntry[] = [...foreign];
  for (const timer of input.timers) {
    const entry = timerEntry(bridgeMid(deviceid, `timer:${timer.id}`), timer.schedule, timer.timeZone, timer.enabled, now, timer.createdAt, {
      do: () => timerParams(deviceid, profile, timer.action, params),
      endDo: () => timerParams(deviceid, profile, timer.endAction ?? { power: 'off' }, params, 'endAction'),
    });
    if (entry) entries.push(entry);
  }
  for (const scene of input.scenes) {
    if (!scene.schedule) continue;
    for (const [i, action] of scene.actions.entries()) {
      if (action.deviceid !== deviceid) continue;
      const entry = timerEntry(bridgeMid(deviceid, `scene:${scene.id}:${i}`), scene.schedule, scene.timeZone ?? 'UTC', scene.enabled, now, scene.createdAt, {
        do: () => timerParams(deviceid, profile, action.command, params, `actions.${i}.command`),
        endDo: () => ({}),
      });
      if (entry) entries.push(entry);
    }
  }
  return entries;
}

function timerEntry(
  mId: string,
  schedule: Schedule,
  timeZone: string,
  enabled: boolean,
  now: number,
  createdAt: number,
  actions: { do: () => DeviceParams; endDo: () => DeviceParams },
): DeviceTimerEntry | undefined {
  const on: 0 | 1 = enabled ? 1 : 0;
  switch (schedule.type) {
    case 'once': {
      const at = localToUtc(schedule.at, timeZone);
      if (at <= now) return undefined;
      return { enabled: on, mId, type: 'once', coolkit_timer_type: 'once', at: new Date(at).toISOString(), do: actions.do() };
    }
    case 'delay': {
      const at = createdAt + schedule.minutes * 60_000;
      if (at <= now) return undefined;
      return { enabled: on, mId, type: 'once', coolkit_timer_type: 'delay', at: new Date(at).toISOString(), period: String(schedule.minutes), do: actions.do() };
    }
    case 'repeat':
      return { enabled: on, mId, type: 'repeat', coolkit_timer_type: 'repeat', at: repeatToUtcCron(schedule.days, schedule.time, timeZone, now), do: actions.do() };
    case 'duration': {
      const start = new Date(localToUtc(schedule.start, timeZone)).toISOString();
      return {
        enabled: on,
        mId,
        type: 'duration',
        coolkit_timer_type: 'duration',
        at: `${start} ${schedule.onMinutes} ${schedule.offMinutes}`,
        startDo: actions.do(),
        endDo: actions.endDo(),
      };
    }
  }
}

/** A short fingerprint of an array, to tell whether what is on the device is what was compiled. */
export function timersFingerprint(entries: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(entries)).digest('base64url').slice(0, 22);
}
