import { randomUUID } from 'node:crypto';
import { DEVICE_COMMAND } from '../devices/command';
import type { ControlResult, DeviceController } from '../devices/controller';
import { DEVICE_ID, displayName } from '../devices/management';
import { Conflict, InvalidInput, NotFound, toDomainError, unconfirmedWrite } from '../errors';
import { RULE, Type, type Static } from '../schema';
import type { PushRecord, SceneAction, SceneDef, StoredScene, TimerModelRepository } from '../timers/model';
import { refusePast, SCENE_SCHEDULE, TIME_ZONE } from '../timers/schedule';
import { normalSchedule, timerCommand, type TimerService } from '../timers/timer-service';

const MAX_ACTIONS = 50;

/** A scene as a caller gives it. */
export const SCENE_INPUT = Type.Object(
  {
    name: displayName('what the scene is called', 'Evening'),
    actions: Type.Array(Type.Object({ deviceid: DEVICE_ID, command: DEVICE_COMMAND }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: MAX_ACTIONS,
      [RULE]: `must be a list of 1 to ${MAX_ACTIONS} {deviceid, command}`,
    }),
    schedule: Type.Optional(SCENE_SCHEDULE),
    timeZone: Type.Optional({ ...TIME_ZONE, description: 'required with a schedule' }),
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  {
    $id: 'Scene',
    additionalProperties: false,
    examples: [{ name: 'Evening', actions: [{ deviceid: '1000000001', command: { power: 'on' } }] }],
  },
);
export type SceneInput = Static<typeof SCENE_INPUT>;

export interface SceneRunResult {
  deviceid: string;
  ok: boolean;
  result?: ControlResult;
  error?: { code: string; message: string };
}

/**
 * Scenes: named sets of device commands, run together on demand (all at once, over the
 * account's one socket session) or on a schedule the devices run themselves (compiled into
 * each involved device's timers).
 *
 * @example
 * const scene = await scenes.create('default', { name: 'Evening', actions: [{ deviceid: '1000000001', command: { power: 'on' } }] });
 * await scenes.run('default', scene.id); // [{ deviceid: '1000000001', ok: true, … }]
 */
export class SceneService {
  constructor(
    private readonly model: TimerModelRepository,
    private readonly controller: DeviceController,
    private readonly timers: TimerService,
    private readonly now: () => number = Date.now,
  ) {}

  list(accountId: string): Promise<StoredScene[]> {
    return this.model.listScenes(accountId);
  }

  async get(accountId: string, sceneId: string): Promise<StoredScene> {
    const scene = await this.model.getScene(accountId, sceneId);
    if (!scene) throw new NotFound(`no scene "${sceneId}"`);
    return scene;
  }

  async create(accountId: string, input: SceneInput): Promise<{ scene: StoredScene; pushes: Record<string, PushRecord> }> {
    const now = this.now();
    const scene = await this.parseScene(accountId, input, { id: randomUUID(), createdAt: now, updatedAt: now });
    const stored = await this.model.putScene(accountId, scene, 0).catch((err: unknown) => {
      throw unconfirmedWrite(err, scenesMayHaveChanged(`the scene "${scene.name}" may have been stored (as ${scene.id})`, 'creating it again'));
    });
    if (!stored) throw new Conflict('a scene with this id exists');
    return { scene: stored, pushes: await this.pushFor(accountId, scheduledDevices(stored)) };
  }

  async replace(accountId: string, sceneId: string, input: SceneInput): Promise<{ scene: StoredScene; pushes: Record<string, PushRecord> }> {
    const old = await this.get(accountId, sceneId);
    const scene = await this.parseScene(accountId, input, { id: sceneId, createdAt: old.createdAt, updatedAt: this.now() });
    const stored = await this.model.putScene(accountId, scene, old.version).catch((err: unknown) => {
      throw unconfirmedWrite(err, scenesMayHaveChanged(`scene "${sceneId}" may have been replaced`, 'replacing it again'));
    });
    if (!stored) throw new Conflict(`scene "${sceneId}" was changed meanwhile; read it again and retry`);
    const devices = new Set([...scheduledDevices(old), ...scheduledDevices(stored)]);
    return { scene: stored, pushes: await this.pushFor(accountId, devices) };
  }

  async remove(accountId: string, sceneId: string): Promise<Record<string, PushRecord>> {
    const old = await this.get(accountId, sceneId);
    await this.model.deleteScene(accountId, sceneId);
    return this.pushFor(accountId, scheduledDevices(old));
  }

  /**
   * Runs every action at once, over the account's socket session, or without one in one
   * batch-status call. Each device answers for itself: a failure (an offline device included)
   * is reported in its own result and holds up nobody else.
   */
  async run(accountId: string, sceneId: string): Promise<{ sceneId: string; ok: number; failed: number; results: SceneRunResult[] }> {
    const scene = await this.get(accountId, sceneId);
    const outcomes = await this.controller.controlMany(accountId, scene.actions);
    const results = outcomes.map((outcome): SceneRunResult => {
      if (outcome.ok) return { deviceid: outcome.deviceid, ok: true, result: outcome.result };
      const known = toDomainError(outcome.error);
      return { deviceid: outcome.deviceid, ok: false, error: { code: known?.code ?? 'internal', message: known?.message ?? 'internal error' } };
    });
    const ok = results.filter((r) => r.ok).length;
    return { sceneId, ok, failed: results.length - ok, results };
  }

  private async pushFor(accountId: string, deviceids: Iterable<string>): Promise<Record<string, PushRecord>> {
    const ids = [...deviceids];
    const records = await Promise.all(ids.map((id) => this.timers.pushStored(accountId, id)));
    return Object.fromEntries(ids.map((id, i) => [id, records[i] as PushRecord]));
  }

  private async parseScene(accountId: string, input: SceneInput, meta: Pick<SceneDef, 'id' | 'createdAt' | 'updatedAt'>): Promise<SceneDef> {
    const { name, actions, schedule, timeZone, enabled } = input;
    if (schedule && timeZone === undefined) throw new InvalidInput('timeZone', 'is required with a schedule: an IANA time zone name such as "Europe/Berlin"');
    if (!schedule && timeZone !== undefined) throw new InvalidInput('timeZone', 'only a scheduled scene takes a time zone');
    if (schedule && timeZone !== undefined) refusePast(schedule, timeZone, this.now());
    const checked: SceneAction[] = [];
    for (const [i, { deviceid, command }] of actions.entries()) {
      const at = `actions.${i}.command`;
      // A scheduled scene runs on the device later, where a toggle has no meaning.
      if (schedule) timerCommand(command, at);
      await this.controller.check(accountId, deviceid, command, at);
      checked.push({ deviceid, command });
    }
    const scene: SceneDef = { ...meta, name: name.trim(), actions: checked, ...(schedule ? { schedule: normalSchedule(schedule), timeZone } : {}), enabled: enabled !== false };
    // Each device it is scheduled on must have room for its entries before anything is stored.
    for (const deviceid of scheduledDevices(scene)) {
      const fits = await this.timers.capCheck(accountId, deviceid, 'schedule', scene);
      fits((await this.model.getTimers(accountId, deviceid)).timers);
    }
    return scene;
  }
}

/** What a caller hears when a scene's write went to the table and its answer was lost. */
function scenesMayHaveChanged(what: string, retry: string): string {
  return `${what}. List the scenes (GET /scenes) before ${retry}; a stored schedule reaches its devices by the hourly reconcile at the latest`;
}

function scheduledDevices(scene: SceneDef): Set<string> {
  return new Set(scene.schedule ? scene.actions.map((a) => a.deviceid) : []);
}
