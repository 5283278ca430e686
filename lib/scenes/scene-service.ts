import { randomUUID } from 'node:crypto';
import { parseCommand } from '../devices/command';
import type { ControlResult, DeviceController } from '../devices/controller';
import { asBridgeError, BridgeError, invalidInput } from '../errors';
import type { PushRecord, StoredScene, TimerModelRepository } from '../store/device-timers';
import type { SceneAction, SceneDef } from '../timers/model';
import { parseSchedule, parseTimeZone } from '../timers/schedule';
import { timerCommand, type TimerService } from '../timers/timer-service';

const SCENE_FIELDS = ['name', 'actions', 'schedule', 'timeZone', 'enabled'];
const MAX_ACTIONS = 50;

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
    if (!scene) throw new BridgeError('not_found', `no scene "${sceneId}"`);
    return scene;
  }

  async create(accountId: string, input: unknown): Promise<{ scene: StoredScene; pushes: Record<string, PushRecord> }> {
    const now = this.now();
    const scene = await this.parseScene(accountId, input, { id: randomUUID(), createdAt: now, updatedAt: now });
    const stored = await this.model.putScene(accountId, scene, 0);
    if (!stored) throw new BridgeError('conflict', 'a scene with this id exists');
    return { scene: stored, pushes: await this.pushFor(accountId, scheduledDevices(stored)) };
  }

  async replace(accountId: string, sceneId: string, input: unknown): Promise<{ scene: StoredScene; pushes: Record<string, PushRecord> }> {
    const old = await this.get(accountId, sceneId);
    const scene = await this.parseScene(accountId, input, { id: sceneId, createdAt: old.createdAt, updatedAt: this.now() });
    const stored = await this.model.putScene(accountId, scene, old.version);
    if (!stored) throw new BridgeError('conflict', `scene "${sceneId}" was changed meanwhile; read it again and retry`);
    const devices = new Set([...scheduledDevices(old), ...scheduledDevices(stored)]);
    return { scene: stored, pushes: await this.pushFor(accountId, devices) };
  }

  async remove(accountId: string, sceneId: string): Promise<Record<string, PushRecord>> {
    const old = await this.get(accountId, sceneId);
    await this.model.deleteScene(accountId, sceneId);
    return this.pushFor(accountId, scheduledDevices(old));
  }

  /**
   * Runs every action at once. Each device answers for itself: a failure (an offline device
   * included) is reported in its own result and holds up nobody else.
   */
  async run(accountId: string, sceneId: string): Promise<{ sceneId: string; ok: number; failed: number; results: SceneRunResult[] }> {
    const scene = await this.get(accountId, sceneId);
    const results = await Promise.all(
      scene.actions.map(async ({ deviceid, command }): Promise<SceneRunResult> => {
        try {
          return { deviceid, ok: true, result: await this.controller.control(accountId, deviceid, command) };
        } catch (err) {
          const known = asBridgeError(err);
          return { deviceid, ok: false, error: { code: known?.kind ?? 'internal', message: known?.message ?? 'internal error' } };
        }
      }),
    );
    const ok = results.filter((r) => r.ok).length;
    return { sceneId, ok, failed: results.length - ok, results };
  }

  private async pushFor(accountId: string, deviceids: Iterable<string>): Promise<Record<string, PushRecord>> {
    const ids = [...deviceids];
    const records = await Promise.all(ids.map((id) => this.timers.push(accountId, id)));
    return Object.fromEntries(ids.map((id, i) => [id, records[i] as PushRecord]));
  }

  private async parseScene(accountId: string, input: unknown, meta: Pick<SceneDef, 'id' | 'createdAt' | 'updatedAt'>): Promise<SceneDef> {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalidInput('body', 'must be a JSON object with name and actions');
    const body = input as Record<string, unknown>;
    for (const key of Object.keys(body)) if (!SCENE_FIELDS.includes(key)) throw invalidInput(key, `unknown field; a scene takes ${SCENE_FIELDS.join(', ')}`);
    const { name, actions, schedule: rawSchedule, timeZone: rawZone, enabled } = body;
    if (typeof name !== 'string' || name.trim().length === 0 || [...name].length > 64) throw invalidInput('name', 'must be 1 to 64 characters');
    if (!Array.isArray(actions) || actions.length === 0 || actions.length > MAX_ACTIONS) throw invalidInput('actions', `must be a list of 1 to ${MAX_ACTIONS} {deviceid, command}`);
    if (enabled !== undefined && typeof enabled !== 'boolean') throw invalidInput('enabled', 'must be true or false');
    let schedule: SceneDef['schedule'];
    let timeZone: string | undefined;
    if (rawSchedule !== undefined) {
      const parsed = parseSchedule(rawSchedule, 'schedule');
      if (parsed.type !== 'once' && parsed.type !== 'repeat') throw invalidInput('schedule.type', 'a scene runs "once" or on a "repeat" schedule');
      schedule = parsed;
      timeZone = parseTimeZone(rawZone, 'timeZone');
    } else if (rawZone !== undefined) {
      throw invalidInput('timeZone', 'only a scheduled scene takes a time zone');
    }
    const parsedActions: SceneAction[] = [];
    for (const [i, raw] of actions.entries()) {
      const at = `actions.${i}`;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidInput(at, 'must be {deviceid, command}');
      const { deviceid, command, ...rest } = raw as Record<string, unknown>;
      const extra = Object.keys(rest)[0];
      if (extra !== undefined) throw invalidInput(`${at}.${extra}`, 'unknown field; an action takes deviceid and command');
      if (typeof deviceid !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(deviceid)) throw invalidInput(`${at}.deviceid`, 'must be a device id');
      // A scheduled scene runs on the device later, where a toggle has no meaning.
      const parsed = schedule ? timerCommand(command, `${at}.command`) : parseCommand(command, `${at}.command`);
      await this.controller.check(accountId, deviceid, parsed, `${at}.command`);
      parsedActions.push({ deviceid, command: parsed });
    }
    return { ...meta, name: name.trim(), actions: parsedActions, ...(schedule ? { schedule, timeZone } : {}), enabled: enabled !== false };
  }
}

function scheduledDevices(scene: SceneDef): Set<string> {
  return new Set(scene.schedule ? scene.actions.map((a) => a.deviceid) : []);
}
