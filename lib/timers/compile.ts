import { createHash } from 'node:crypto';
import type { DeviceProfile } from '../devices/catalogue';
import type { DeviceCommand } from '../devices/command';
import { checkCommand, planCommand } from '../devices/plan';
import type { DeviceParams } from '../ewelink/types';
import type { DeviceTimerEntry, SceneDef, TimerDef } from './model';
import { localToUtc, repeatToUtcCron, type Schedule } from './schedule';

/*
 * The local model compiled to a device's full `timers` array. Entries made elsewhere (the
 * phone app, other accounts) are kept as they are; a push replaces only the pushing
 * account's own entries, which it tells apart by their mId.
 *
 * A bridge-made mId stays uuid-shaped (8-4-4-4-12 lowercase hex, as the device expects):
 *
 *   ssssssss-ssss-ssss-eb2d-aaaaaaaaaaaa
 *
 * - s: which entry, from the device id and the timer or scene action it was compiled from,
 *   so it is the same on every push;
 * - eb2d: the scheme;
 * - a: whose, from the bridge account id and the apikey of the eWeLink account it is linked
 *   to (see `timerOwner`), so it survives restarts, and two accounts sharing a device never
 *   take each other's entries for their own, even two deployments that both call their
 *   account "default". A phone app's mId is taken for this account's only if it matches
 *   both by chance (2^-64).
 *
 * Older bridges wrote `ssssssss-ssss-ssss-eb1d-ssssssssssss` with no account in it, and
 * every account took every such entry for its own. Upgrade rule: each old push replaced all
 * eb1d entries on the device with the pusher's, so the eb1d entries a device still holds
 * are one account's whole set. They are the pushing account's when at least one of them is
 * an mId its own model (a timer, or an action of a scheduled scene) yields under the old
 * scheme; then all of them are replaced, orphans of timers deleted while the device was
 * offline included, so an upgrade leaves no duplicates. Otherwise they belong to another
 * account (or to no timer any account still has) and are kept like any foreign entry.
 */

const ACCOUNT_SCHEME = 'eb2d';
const LEGACY_SCHEME = 'eb1d';
const HEX = '[0-9a-f]';
const BRIDGE_MID = new RegExp(`^${HEX}{8}-${HEX}{4}-${HEX}{4}-(${ACCOUNT_SCHEME}|${LEGACY_SCHEME})-${HEX}{12}$`);

function sha256hex(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/**
 * Who owns the entries a push writes: the bridge account and the eWeLink account (its own
 * apikey) it is linked to.
 *
 * @example
 * timerOwner('default', creds.apikey)
 */
export function timerOwner(accountId: string, apikey: string): string {
  return `${accountId}\u0000${apikey}`;
}

/** The last group of an owner's mIds: the first 48 bits of a hash of `timerOwner`. */
export function accountMark(owner: string): string {
  return sha256hex('ewelink-bridge account', owner).slice(0, 12);
}

/**
 * The mId of an entry the account compiles: uuid-shaped, the same every time for the same
 * account, device and source.
 *
 * @example
 * bridgeMid(timerOwner('default', apikey), '1000000001', 'timer:t-1') // 'cc1f6c63-9ba2-77f3-eb2d-…'
 */
export function bridgeMid(owner: string, deviceid: string, sourceId: string): string {
  const h = sha256hex(deviceid, sourceId);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${ACCOUNT_SCHEME}-${accountMark(owner)}`;
}

/** The mId an older bridge gave the same source, with the shared mark (see the upgrade rule above). */
export function legacyBridgeMid(deviceid: string, sourceId: string): string {
  const h = sha256hex(deviceid, sourceId);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${LEGACY_SCHEME}-${h.slice(16, 28)}`;
}

/** Whether a bridge made the entry: any account, either scheme. */
export function isBridgeMid(mId: unknown): boolean {
  return typeof mId === 'string' && BRIDGE_MID.test(mId);
}

function isLegacyMid(mId: unknown): mId is string {
  return isBridgeMid(mId) && (mId as string).slice(19, 23) === LEGACY_SCHEME;
}

/** What the account's entries on a device are compiled from (timers, and scheduled scenes' actions on it). */
function sourceIds(deviceid: string, timers: TimerDef[], scenes: SceneDef[]): string[] {
  const ids = timers.map((t) => `timer:${t.id}`);
  for (const scene of scenes) {
    if (!scene.schedule) continue;
    for (const [i, action] of scene.actions.entries()) if (action.deviceid === deviceid) ids.push(`scene:${scene.id}:${i}`);
  }
  return ids;
}

/**
 * Which of the device's entries a push by this account replaces: its own marks, and the old
 * shared-mark entries when they are this account's (the upgrade rule above).
 *
 * @example
 * const owns = ownedBy({ owner, deviceid, timers, scenes, current });
 * const foreign = current.filter((e) => !owns(e.mId));
 */
export function ownedBy(input: Pick<CompileInput, 'owner' | 'deviceid' | 'timers' | 'scenes' | 'current'>): (mId: unknown) => boolean {
  const mark = `-${ACCOUNT_SCHEME}-${accountMark(input.owner)}`;
  const legacyOwn = new Set(sourceIds(input.deviceid, input.timers, input.scenes).map((id) => legacyBridgeMid(input.deviceid, id)));
  const legacyIsOurs = input.current.some((e) => legacyOwn.has(mIdOf(e) as string));
  return (mId) => isBridgeMid(mId) && ((mId as string).endsWith(mark) || (legacyIsOurs && isLegacyMid(mId)));
}

function mIdOf(entry: unknown): unknown {
  return typeof entry === 'object' && entry !== null ? (entry as { mId?: unknown }).mId : undefined;
}

export interface CompileInput {
  /** Who is pushing (`timerOwner`): its entries are replaced, everyone else's kept. */
  owner: string;
  deviceid: string;
  profile: DeviceProfile;
  /** The device's last known params (light commands may depend on its mode). */
  params: DeviceParams;
  timers: TimerDef[];
  /** Scheduled scenes with an action for this device. */
  scenes: SceneDef[];
  /** The device's current array: the entries that are not this account's own are kept. */
  current: unknown[];
  now: number;
}

/** The params a command becomes on this device, as a timer will apply them. */
export function timerParams(deviceid: string, profile: DeviceProfile, command: DeviceCommand, params: DeviceParams, at = 'action'): DeviceParams {
  const channels = checkCommand(deviceid, profile, command, at);
  return planCommand(profile, command, channels, params).params;
}

/**
 * The full array to push: every entry that is not this account's own (the phone app's, other
 * accounts') as it is, then one entry per live timer and per scheduled scene action (once/delay
 * entries whose time has passed are left out).
 *
 * @example
 * compileTimers({ owner: timerOwner('default', apikey), deviceid, profile, params, timers: [repeatAt8], scenes: [], current: [], now })
 * // [{ enabled: 1, mId: '…-eb2d-…', type: 'repeat', coolkit_timer_type: 'repeat', at: '0 7 * * 1,3', do: { switch: 'on' } }]
 */
export function compileTimers(input: CompileInput): DeviceTimerEntry[] {
  const { owner, deviceid, profile, params, now } = input;
  const owns = ownedBy(input);
  const foreign = input.current.filter((e): e is DeviceTimerEntry => typeof e === 'object' && e !== null && !owns(mIdOf(e)));
  const entries: DeviceTimerEntry[] = [...foreign];
  for (const timer of input.timers) {
    const entry = timerEntry(bridgeMid(owner, deviceid, `timer:${timer.id}`), timer.schedule, timer.timeZone, timer.enabled, now, timer.createdAt, {
      do: () => timerParams(deviceid, profile, timer.action, params),
      endDo: () => timerParams(deviceid, profile, timer.endAction ?? { power: 'off' }, params, 'endAction'),
    });
    if (entry) entries.push(entry);
  }
  for (const scene of input.scenes) {
    if (!scene.schedule) continue;
    for (const [i, action] of scene.actions.entries()) {
      if (action.deviceid !== deviceid) continue;
      const entry = timerEntry(bridgeMid(owner, deviceid, `scene:${scene.id}:${i}`), scene.schedule, scene.timeZone ?? 'UTC', scene.enabled, now, scene.createdAt, {
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

/**
 * The most entries a device's full `timers` array may hold: this account's (timers and scheduled
 * scenes' actions) and every entry set elsewhere (the phone app, other accounts) together.
 */
export const MAX_DEVICE_TIMERS = 16;

/**
 * Why a compiled array is too long for its device, in words a user can act on; undefined when
 * it fits. `owns` tells this account's entries (`ownedBy`) from those set elsewhere.
 *
 * @example
 * beyondCap('1000000001', entries, owns)
 * // 'device 1000000001 would hold 17 timer entries (3 set elsewhere: the phone app or other accounts); a device takes at most 16'
 */
export function beyondCap(deviceid: string, entries: readonly DeviceTimerEntry[], owns: (mId: unknown) => boolean): string | undefined {
  if (entries.length <= MAX_DEVICE_TIMERS) return undefined;
  const elsewhere = entries.filter((e) => !owns(e.mId)).length;
  return `device ${deviceid} would hold ${entries.length} timer entries (${elsewhere} set elsewhere: the phone app or other accounts); a device takes at most ${MAX_DEVICE_TIMERS}`;
}

/** A short fingerprint of an array, to tell whether what is on the device is what was compiled. */
export function timersFingerprint(entries: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(entries)).digest('base64url').slice(0, 22);
}
