import { randomUUID } from 'node:crypto';
import type { TokenKeeper } from '../accounts/token-keeper';
import { deviceProfile } from '../devices/catalogue';
import { DEVICE_COMMAND, type DeviceCommand } from '../devices/command';
import type { DeviceDirectory } from '../devices/directory';
import type { CommandChannel } from '../ewelink/command';
import { CloudUnreachable, DeviceTimeout, SocketUnavailable } from '../ewelink/errors';
import { Conflict, InvalidInput, NotFound, toDomainError, unconfirmedWrite } from '../errors';
import { Type, type Static } from '../schema';
import type { CachedDevice } from '../devices/model';
import { beyondCap, compileTimers, ownedBy, timerOwner, timerParams, timersFingerprint } from './compile';
import type { DeviceTimerEntry, DeviceTimers, PushRecord, SceneDef, TimerDef, TimerModelRepository } from './model';
import { refusePast, SCHEDULE, TIME_ZONE, type Schedule } from './schedule';

const EDIT_ATTEMPTS = 60;
const PUSH_ROUNDS = 5;

/** A timer as a caller gives it. */
export const TIMER_INPUT = Type.Object(
  {
    schedule: SCHEDULE,
    timeZone: TIME_ZONE,
    /** What to do (no toggle: the device runs it later). */
    action: DEVICE_COMMAND,
    /** Duration timers: what to do when the "on" part ends (default power off). */
    endAction: Type.Optional(DEVICE_COMMAND),
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  {
    $id: 'Timer',
    additionalProperties: false,
    examples: [{ schedule: { type: 'repeat', days: [1, 2, 3, 4, 5], time: '07:00' }, timeZone: 'Europe/Berlin', action: { power: 'on', brightness: 60 } }],
  },
);
export type TimerInput = Static<typeof TIMER_INPUT>;

export interface TimerView {
  timers: TimerDef[];
  push?: PushRecord;
}

export interface DriftReport {
  deviceid: string;
  /** This account's entries the device lacks or holds in another form, and ones it holds that the model has no more. */
  missing: string[];
  unexpected: string[];
  /** Entries that are not this account's: made in the phone app or by other accounts (kept as they are). */
  foreign: number;
}

/**
 * The devices' timers as the bridge keeps them: edits are optimistic writes on the device's
 * model (retried on a lost race, so concurrent edits never lose one), and every change is
 * pushed to the device as its full `timers` array. Pushes to one device are coalesced: an edit
 * arriving while a push runs makes that push run once more with the newest model.
 *
 * @example
 * await timers.add('default', '1000000001', { schedule: { type: 'repeat', days: [1, 3], time: '07:00' }, timeZone: 'Europe/Berlin', action: { power: 'on' } });
 */
export class TimerService {
  private readonly running = new Map<string, { again: boolean; promise: Promise<PushRecord> }>();

  constructor(
    private readonly model: TimerModelRepository,
    private readonly directory: DeviceDirectory,
    private readonly keeper: TokenKeeper,
    private readonly channel: CommandChannel,
    private readonly now: () => number = Date.now,
  ) {}

  async list(accountId: string, deviceid: string): Promise<TimerView> {
    await this.directory.find(accountId, deviceid);
    const { timers, push } = await this.model.getTimers(accountId, deviceid);
    return { timers, push };
  }

  async add(accountId: string, deviceid: string, input: TimerInput): Promise<{ timer: TimerDef; push: PushRecord }> {
    const device = await this.directory.find(accountId, deviceid);
    const timer = this.parseTimer(device, input, randomUUID(), this.now());
    const fits = await this.capCheck(accountId, deviceid, 'timers');
    await this.edit(accountId, deviceid, (timers) => [...timers, timer], fits, timersMayHaveChanged(deviceid, 'the timer may have been stored', 'adding it again'));
    return { timer, push: await this.pushStored(accountId, deviceid) };
  }

  async replace(accountId: string, deviceid: string, timerId: string, input: TimerInput): Promise<{ timer: TimerDef; push: PushRecord }> {
    const device = await this.directory.find(accountId, deviceid);
    const fits = await this.capCheck(accountId, deviceid, 'timers');
    let timer: TimerDef | undefined;
    await this.edit(
      accountId,
      deviceid,
      (timers) => {
        const old = timers.find((t) => t.id === timerId);
        if (!old) throw new NotFound(`device ${deviceid} has no timer "${timerId}"`);
        timer = this.parseTimer(device, input, timerId, old.createdAt);
        return timers.map((t) => (t.id === timerId ? (timer as TimerDef) : t));
      },
      fits,
      timersMayHaveChanged(deviceid, `timer "${timerId}" may have been replaced`, 'replacing it again'),
    );
    return { timer: timer as TimerDef, push: await this.pushStored(accountId, deviceid) };
  }

  async remove(accountId: string, deviceid: string, timerId: string): Promise<PushRecord> {
    await this.directory.find(accountId, deviceid);
    await this.edit(accountId, deviceid, (timers) => {
      if (!timers.some((t) => t.id === timerId)) throw new NotFound(`device ${deviceid} has no timer "${timerId}"`);
      return timers.filter((t) => t.id !== timerId);
    });
    return this.pushStored(accountId, deviceid);
  }

  /**
   * The push after a change that is stored: never fails, since the change is made whatever the
   * push meets. A push that fails (or cannot start: the device or the table out of reach) is
   * reported in its record, and the hourly reconcile pushes again.
   *
   * @example
   * const push = await timers.pushStored('default', '1000000001'); // { status: 'done' | 'pending' | 'failed', … }
   */
  async pushStored(accountId: string, deviceid: string): Promise<PushRecord> {
    try {
      return await this.push(accountId, deviceid);
    } catch (err) {
      return { fingerprint: '', status: 'failed', at: this.now(), entries: 0, error: toDomainError(err)?.message ?? 'internal error' };
    }
  }

  /** Compiles the device's model and pushes it; coalesced per device (see the class comment). */
  push(accountId: string, deviceid: string): Promise<PushRecord> {
    const key = `${accountId}\u0000${deviceid}`;
    const running = this.running.get(key);
    if (running) {
      running.again = true;
      return running.promise;
    }
    const state = { again: false };
    const promise = (async () => {
      let record: PushRecord;
      do {
        state.again = false;
        record = (await this.sync(accountId, deviceid, false)).push;
      } while (state.again);
      return record;
    })().finally(() => this.running.delete(key));
    this.running.set(key, Object.assign(state, { promise }));
    return promise;
  }

  /**
   * The scheduled reconcile: for every device with a model or a scheduled scene, compares
   * what the device holds with what the model compiles to now (so a repeat timer's UTC form
   * follows DST changes), pushes where they differ (offline devices included, once they are
   * back), and reports the drift it found.
   */
  async reconcile(accountId: string): Promise<{ pushed: string[]; inSync: string[]; pending: string[]; failed: string[]; drift: DriftReport[] }> {
    const report = { pushed: [] as string[], inSync: [] as string[], pending: [] as string[], failed: [] as string[], drift: [] as DriftReport[] };
    const [models, scenes] = await Promise.all([this.model.listTimers(accountId), this.model.listScenes(accountId)]);
    const involved = new Set(models.filter((m) => m.timers.length > 0 || m.push).map((m) => m.deviceid));
    for (const scene of scenes) if (scene.schedule) for (const a of scene.actions) involved.add(a.deviceid);
    for (const deviceid of involved) {
      try {
        const { push, drift } = await this.sync(accountId, deviceid, true);
        if (drift) report.drift.push(drift);
        const bucket = push.status === 'pending' ? report.pending : push.status === 'failed' ? report.failed : drift ? report.pushed : report.inSync;
        bucket.push(deviceid);
      } catch (err) {
        if (err instanceof NotFound) continue; // the device left the account
        report.failed.push(deviceid);
      }
    }
    return report;
  }

  /**
   * The cap check for a change on a device: returns a check to run on the timers the change
   * would store, which throws `InvalidInput` on `field` when the device's full array, compiled
   * from them and the account's scheduled scenes (`scene` in place of its stored version),
   * would hold more than `MAX_DEVICE_TIMERS` entries. The entries set elsewhere are those the
   * cached device held when last listed, so the device is not asked; the push checks again
   * against what it holds then.
   *
   * @example
   * const fits = await timers.capCheck('default', '1000000001', 'schedule', scene);
   * fits((await model.getTimers('default', '1000000001')).timers); // throws when the device would be too full
   */
  async capCheck(accountId: string, deviceid: string, field: string, scene?: SceneDef): Promise<(timers: TimerDef[]) => void> {
    const device = await this.directory.find(accountId, deviceid);
    const profile = deviceProfile(device.uiid, device.params ?? {});
    const [owner, stored] = await Promise.all([this.keeper.withCredentials(accountId, async (creds) => timerOwner(accountId, creds.apikey)), this.model.listScenes(accountId)]);
    const scenes = scene ? [...stored.filter((s) => s.id !== scene.id), scene] : stored;
    const held = device.params?.timers;
    const current = Array.isArray(held) ? held : [];
    return (timers) => {
      const compiled = this.compileFrom(owner, device, profile, current, timers, scenes);
      const beyond = beyondCap(deviceid, compiled.entries, compiled.owns);
      if (beyond) throw new InvalidInput(field, beyond);
    };
  }

  /** Scheduled scenes that act on this device. */
  private scenesFor(scenes: SceneDef[], deviceid: string): SceneDef[] {
    return scenes.filter((s) => s.schedule && s.actions.some((a) => a.deviceid === deviceid));
  }

  /**
   * Reads the device's array, compiles the model against it, and sends the result unless
   * (`onlyIfDrifted`) the device already holds exactly that. Re-reads the model after sending
   * and goes round again if it changed meanwhile, so the last array sent is the newest.
   */
  private async sync(accountId: string, deviceid: string, onlyIfDrifted: boolean): Promise<{ push: PushRecord; drift?: DriftReport }> {
    const device = await this.directory.find(accountId, deviceid);
    const profile = deviceProfile(device.uiid, device.params ?? {});
    const target = { deviceid, apikey: device.apikey };
    let record: PushRecord = { fingerprint: '', status: 'pending', at: this.now(), entries: 0 };
    let drift: DriftReport | undefined;
    try {
      await this.keeper.withCredentials(accountId, async (creds) => {
        const held = await this.channel.query(creds, target, ['timers']);
        const current: unknown[] = Array.isArray(held.timers) ? held.timers : [];
        let compiled = await this.compile(accountId, timerOwner(accountId, creds.apikey), device, profile, current);
        if (onlyIfDrifted) {
          drift = driftOf(deviceid, current, compiled.entries, compiled.owns);
          if (!drift) {
            record = { fingerprint: compiled.fingerprint, status: 'done', at: this.now(), entries: compiled.entries.length };
            return;
          }
        }
        let onDevice = current.length;
        for (let round = 0; round < PUSH_ROUNDS; round++) {
          // Entries set elsewhere since the edit's check may leave no room: an array that would grow past the cap is not sent (one that shrinks, a removal, still is).
          const beyond = beyondCap(deviceid, compiled.entries, compiled.owns);
          if (beyond && compiled.entries.length > onDevice) {
            record = { ...record, status: 'failed', at: this.now(), error: beyond };
            return;
          }
          await this.channel.send(creds, target, { timers: compiled.entries });
          onDevice = compiled.entries.length;
          record = { fingerprint: compiled.fingerprint, status: 'done', at: this.now(), entries: compiled.entries.length };
          // The model read after sending is the next round's, if it changed meanwhile.
          const after = await this.compile(accountId, timerOwner(accountId, creds.apikey), device, profile, current);
          if (after.fingerprint === compiled.fingerprint) return;
          compiled = after;
        }
      });
    } catch (err) {
      const offline = err instanceof DeviceTimeout || err instanceof SocketUnavailable || err instanceof CloudUnreachable;
      // Callers read the record (and it is stored): the domain's words for the failure, never the cause's hosts, ports or socket errors.
      record = { ...record, status: offline ? 'pending' : 'failed', at: this.now(), error: toDomainError(err)?.message ?? 'internal error' };
    }
    // What the push did is the answer even when the table cannot keep its record: the reconcile compares the device again.
    await this.model.recordPush(accountId, deviceid, record).catch(() => undefined);
    return { push: record, drift };
  }

  private async compile(accountId: string, owner: string, device: CachedDevice, profile: ReturnType<typeof deviceProfile>, current: unknown[]) {
    const [model, scenes] = await Promise.all([this.model.getTimers(accountId, device.deviceid), this.model.listScenes(accountId)]);
    return this.compileFrom(owner, device, profile, current, model.timers, scenes);
  }

  private compileFrom(owner: string, device: CachedDevice, profile: ReturnType<typeof deviceProfile>, current: unknown[], timers: TimerDef[], scenes: SceneDef[]) {
    const input = {
      owner,
      deviceid: device.deviceid,
      profile,
      params: device.params ?? {},
      timers,
      scenes: this.scenesFor(scenes, device.deviceid),
      current,
      now: this.now(),
    };
    const entries = compileTimers(input);
    return { entries, fingerprint: timersFingerprint(entries), owns: ownedBy(input) };
  }

  /**
   * `check` (a `capCheck`) runs on every attempt's result, so concurrent additions never pass
   * the cap together. `unconfirmed` is what the caller hears (`OutcomeUnknown`) when the write
   * went out and its answer was lost, so the change may have been stored.
   */
  private async edit(
    accountId: string,
    deviceid: string,
    change: (timers: TimerDef[]) => TimerDef[],
    check?: (timers: TimerDef[]) => void,
    unconfirmed?: string,
  ): Promise<DeviceTimers> {
    for (let attempt = 0; attempt < EDIT_ATTEMPTS; attempt++) {
      const current = await this.model.getTimers(accountId, deviceid);
      const changed = change(current.timers);
      check?.(changed);
      const saved = await this.model.putTimers(accountId, deviceid, changed, current.version).catch((err: unknown) => {
        throw unconfirmed === undefined ? err : unconfirmedWrite(err, unconfirmed);
      });
      if (saved) return saved;
      // Lost a race with another edit of the same device: back off a little, read again.
      await new Promise((r) => setTimeout(r, Math.random() * 10 * Math.min(attempt + 1, 8)));
    }
    throw new Conflict(`the timers of device ${deviceid} are being changed by many callers at once; try again`);
  }

  private parseTimer(device: CachedDevice, input: TimerInput, id: string, createdAt: number): TimerDef {
    refusePast(input.schedule, input.timeZone, this.now());
    const action = timerCommand(input.action, 'action');
    let endAction: DeviceCommand | undefined;
    if (input.endAction !== undefined) {
      if (input.schedule.type !== 'duration') throw new InvalidInput('endAction', 'only a duration timer has an end action');
      endAction = timerCommand(input.endAction, 'endAction');
    }
    // The device must be able to do it: planned now, so a 422 comes before anything is stored.
    const profile = deviceProfile(device.uiid, device.params ?? {});
    timerParams(device.deviceid, profile, action, device.params ?? {}, 'action');
    if (endAction) timerParams(device.deviceid, profile, endAction, device.params ?? {}, 'endAction');
    return { id, schedule: normalSchedule(input.schedule), timeZone: input.timeZone, action, ...(endAction ? { endAction } : {}), enabled: input.enabled !== false, createdAt };
  }
}

/** What a caller hears when a change of a device's timers went to the table and its answer was lost. */
function timersMayHaveChanged(deviceid: string, what: string, retry: string): string {
  return `${what}. List the device's timers (GET /devices/${deviceid}/timers) before ${retry}; a stored change reaches the device by the hourly reconcile at the latest`;
}

/** Weekdays in order, so equal schedules compile and compare alike. */
export function normalSchedule<S extends Schedule>(schedule: S): S {
  return schedule.type === 'repeat' ? { ...schedule, days: [...schedule.days].sort((a, b) => a - b) } : schedule;
}

/** A command a device runs on its own later: explicit, so no toggle. */
export function timerCommand(command: DeviceCommand, at: string): DeviceCommand {
  // The rules between its fields run when it is planned for the device (checkCommand).
  if (command.power === 'toggle') throw new InvalidInput(`${at}.power`, 'a timer runs on the device later and cannot toggle: say "on" or "off"');
  return command;
}

/** `owns` tells this account's entries (compile.ts `ownedBy`), so others' entries are never drift. */
function driftOf(deviceid: string, current: unknown[], desired: DeviceTimerEntry[], owns: (mId: unknown) => boolean): DriftReport | undefined {
  const key = (e: unknown) => JSON.stringify(e);
  const ours = current.filter((e) => owns((e as { mId?: unknown })?.mId));
  const want = desired.filter((e) => owns(e.mId));
  const held = new Set(ours.map(key));
  const wanted = new Set(want.map(key));
  const missing = want.filter((e) => !held.has(key(e))).map((e) => e.mId);
  const unexpected = ours.filter((e) => !wanted.has(key(e))).map((e) => String((e as { mId: unknown }).mId));
  if (missing.length === 0 && unexpected.length === 0) return undefined;
  return { deviceid, missing, unexpected, foreign: current.length - ours.length };
}
