import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Conflict, InvalidInput, NotFound } from '../../lib/errors';
import { SceneService, type SceneInput } from '../../lib/scenes/scene-service';
import { isBridgeMid } from '../../lib/timers/compile';
import type { TimerModelRepository } from '../../lib/timers/model';
import type { SceneSchedule } from '../../lib/timers/schedule';
import { ACCOUNT, socketUpdates, startHarness, type Harness } from '../support/bridge';
import { scanTable } from '../support/dynamo';
import { cloudTraffic, failure } from '../support/refusals';

const LAMP = '1000000001';
const STRIP = '1000000004';
const PLUG = '1000000009'; // offline
const UNKNOWN = '1000000777';
const START = Date.parse('2026-06-01T10:00:00Z');
const MIN = 60_000;

type DeviceTimer = { mId: string; enabled: number; type: string; at: string; do?: unknown };

let h: Harness;
beforeEach(async () => {
  // The devices' clock is moved by hand; the bridge reads the same clock (startHarness wires it).
  h = await startHarness({ sim: { clock: { mode: 'manual', start: START } } });
  // The device list is read once here, so what a test counts afterwards is its own traffic.
  await h.bridge.directory.list(ACCOUNT);
  h.sim.stats.reset();
});
afterEach(async () => {
  await h.close();
});

/** The bridge's entries in the device's own `timers` array, as the simulated device holds it. */
function bridgeTimers(deviceid: string): DeviceTimer[] {
  const timers = h.sim.device(deviceid).params.timers;
  return Array.isArray(timers) ? (timers as DeviceTimer[]).filter((t) => isBridgeMid(t.mId)) : [];
}

function outlet(deviceid: string, channel: number): unknown {
  return (h.sim.device(deviceid).params.switches as { switch: string; outlet: number }[]).find((s) => s.outlet === channel)?.switch;
}

async function storedScenes(): Promise<Record<string, unknown>[]> {
  return (await scanTable(h.table)).filter((item) => String(item.sk).startsWith('SCENE#'));
}

const onDemand = (name = 'Evening'): SceneInput => ({
  name,
  actions: [
    { deviceid: LAMP, command: { power: 'on' } },
    { deviceid: STRIP, command: { power: 'on', channel: 1 } },
  ],
});

describe('SceneService: create, get, list, replace, remove', () => {
  it('creates an on-demand scene, stores it as given, and sends nothing to the devices', async () => {
    // Prepare
    const input = { ...onDemand(), name: '  Evening ' };
    // Act
    const { scene, pushes } = await h.bridge.scenes.create(ACCOUNT, input);
    // Assess
    expect(scene).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Evening', actions: onDemand().actions, enabled: true, createdAt: START, updatedAt: START, version: 1 });
    expect(pushes).toEqual({});
    expect(await h.bridge.scenes.get(ACCOUNT, scene.id)).toEqual(scene);
    expect(cloudTraffic(h)).toBe(0);
    expect(h.sim.device(LAMP).params.switch).toBe('off');
  });

  it('lists every scene of the account, and none of another account', async () => {
    // Prepare
    const first = await h.bridge.scenes.create(ACCOUNT, onDemand('Evening'));
    const second = await h.bridge.scenes.create(ACCOUNT, onDemand('Morning'));
    // Act
    const listed = await h.bridge.scenes.list(ACCOUNT);
    const elsewhere = await h.bridge.scenes.list('someone-else');
    // Assess
    expect(listed.map((s) => s.id).sort()).toEqual([first.scene.id, second.scene.id].sort());
    expect(listed.find((s) => s.id === second.scene.id)).toEqual(second.scene);
    expect(elsewhere).toEqual([]);
  });

  it('replaces a scene: same id and creation time, a new version and update time', async () => {
    // Prepare
    const { scene } = await h.bridge.scenes.create(ACCOUNT, onDemand());
    await h.sim.clock.advance(5 * MIN);
    const input: SceneInput = { name: 'Late evening', actions: [{ deviceid: STRIP, command: { power: 'off', channel: 'all' } }], enabled: false };
    // Act
    const replaced = await h.bridge.scenes.replace(ACCOUNT, scene.id, input);
    // Assess
    expect(replaced.scene).toEqual({ id: scene.id, name: 'Late evening', actions: input.actions, enabled: false, createdAt: START, updatedAt: START + 5 * MIN, version: 2 });
    expect(replaced.pushes).toEqual({});
    expect(await h.bridge.scenes.get(ACCOUNT, scene.id)).toEqual(replaced.scene);
  });

  it('removes a scene, leaving the others', async () => {
    // Prepare
    const gone = await h.bridge.scenes.create(ACCOUNT, onDemand('Evening'));
    const kept = await h.bridge.scenes.create(ACCOUNT, onDemand('Morning'));
    // Act
    const pushes = await h.bridge.scenes.remove(ACCOUNT, gone.scene.id);
    // Assess
    expect(pushes).toEqual({});
    expect(await failure(h.bridge.scenes.get(ACCOUNT, gone.scene.id))).toBeInstanceOf(NotFound);
    expect(await h.bridge.scenes.list(ACCOUNT)).toEqual([kept.scene]);
  });

  it('answers NotFound for an unknown scene on get, replace, remove and run, writing and sending nothing', async () => {
    // Act
    const errors = await Promise.all([
      failure(h.bridge.scenes.get(ACCOUNT, 'no-such-scene')),
      failure(h.bridge.scenes.replace(ACCOUNT, 'no-such-scene', onDemand())),
      failure(h.bridge.scenes.remove(ACCOUNT, 'no-such-scene')),
      failure(h.bridge.scenes.run(ACCOUNT, 'no-such-scene')),
    ]);
    // Assess
    for (const err of errors) {
      expect(err).toBeInstanceOf(NotFound);
      expect(err.message).toBe('no scene "no-such-scene"');
    }
    expect(await storedScenes()).toEqual([]);
    expect(cloudTraffic(h)).toBe(0);
  });
});

describe('SceneService: what a scene may hold', () => {
  const REPEAT: SceneSchedule = { type: 'repeat', days: [1, 3], time: '07:00' };

  it.each([
    ['a schedule without a time zone', 'timeZone', { ...onDemand(), schedule: REPEAT }, /required with a schedule/],
    ['a time zone without a schedule', 'timeZone', { ...onDemand(), timeZone: 'Europe/Berlin' }, /only a scheduled scene/],
    ['a toggle on a schedule', 'actions.1.command.power', { name: 'x', actions: [{ deviceid: LAMP, command: { power: 'on' } }, { deviceid: STRIP, command: { power: 'toggle', channel: 0 } }], schedule: REPEAT, timeZone: 'UTC' }, /cannot toggle/],
    ['a channel without power', 'actions.0.command.channel', { name: 'x', actions: [{ deviceid: STRIP, command: { channel: 2 } }] }, /goes with power/],
    ['a light setting on a plain switch', 'actions.1.command.brightness', { name: 'x', actions: [{ deviceid: LAMP, command: { power: 'on' } }, { deviceid: LAMP, command: { brightness: 40 } }] }, /device 1000000001 \(single-channel switch\) has: power; no brightness/],
    ['a colour on a plain switch', 'actions.0.command.color', { name: 'x', actions: [{ deviceid: LAMP, command: { color: '#ff0000' } }] }, /no color/],
    ['a channel the device lacks', 'actions.1.command.channel', { name: 'x', actions: [{ deviceid: LAMP, command: { power: 'on' } }, { deviceid: STRIP, command: { power: 'on', channel: 4 } }] }, /has channels 0 to 3/],
    ['a channel a one-channel device lacks', 'actions.0.command.channel', { name: 'x', actions: [{ deviceid: LAMP, command: { power: 'on', channel: 1 } }], schedule: REPEAT, timeZone: 'UTC' }, /has only channel 0/],
  ] as [string, string, SceneInput, RegExp][])('refuses %s as InvalidInput naming %s, storing and sending nothing', async (_what, field, input, message) => {
    // Act
    const err = await failure(h.bridge.scenes.create(ACCOUNT, input));
    // Assess
    expect(err).toBeInstanceOf(InvalidInput);
    expect((err as InvalidInput).field).toBe(field);
    expect(err.message).toMatch(message);
    expect(await storedScenes()).toEqual([]);
    expect(cloudTraffic(h)).toBe(0);
  });

  it('takes a toggle when the scene has no schedule', async () => {
    const { scene } = await h.bridge.scenes.create(ACCOUNT, { name: 'Flip', actions: [{ deviceid: LAMP, command: { power: 'toggle' } }] });
    expect(scene.actions).toEqual([{ deviceid: LAMP, command: { power: 'toggle' } }]);
  });

  it('refuses a toggle when a replace adds a schedule, keeping the scene as it was', async () => {
    // Prepare
    const { scene } = await h.bridge.scenes.create(ACCOUNT, { name: 'Flip', actions: [{ deviceid: LAMP, command: { power: 'toggle' } }] });
    // Act
    const err = await failure(h.bridge.scenes.replace(ACCOUNT, scene.id, { name: 'Flip', actions: scene.actions, schedule: REPEAT, timeZone: 'UTC' }));
    // Assess
    expect((err as InvalidInput).field).toBe('actions.0.command.power');
    expect(await h.bridge.scenes.get(ACCOUNT, scene.id)).toEqual(scene);
    expect(bridgeTimers(LAMP)).toEqual([]);
  });

  it('refuses a device that is not in the account with NotFound, storing nothing and pushing to no other device', async () => {
    // Prepare: the known device comes first, so its check passes before the unknown one fails
    const input: SceneInput = {
      name: 'Mornings',
      actions: [
        { deviceid: LAMP, command: { power: 'on' } },
        { deviceid: UNKNOWN, command: { power: 'on' } },
      ],
      schedule: REPEAT,
      timeZone: 'Europe/Berlin',
    };
    // Act
    const err = await failure(h.bridge.scenes.create(ACCOUNT, input));
    // Assess
    expect(err).toBeInstanceOf(NotFound);
    expect(err.message).toBe(`no device "${UNKNOWN}" in this account`);
    expect(await storedScenes()).toEqual([]);
    expect(bridgeTimers(LAMP)).toEqual([]);
    expect(socketUpdates(h.sim, LAMP)).toEqual([]);
  });
});

describe('SceneService: run', () => {
  it('runs every action and reports each device', async () => {
    // Prepare
    const { scene } = await h.bridge.scenes.create(ACCOUNT, onDemand());
    // Act
    const run = await h.bridge.scenes.run(ACCOUNT, scene.id);
    // Assess
    expect(run).toMatchObject({ sceneId: scene.id, ok: 2, failed: 0 });
    expect(run.results).toEqual([
      { deviceid: LAMP, ok: true, result: expect.objectContaining({ deviceid: LAMP, power: 'on', params: { switch: 'on' } }) },
      { deviceid: STRIP, ok: true, result: expect.objectContaining({ deviceid: STRIP, channels: [{ channel: 1, power: 'on' }] }) },
    ]);
    expect(h.sim.device(LAMP).params.switch).toBe('on');
    expect(outlet(STRIP, 1)).toBe('on');
    expect(outlet(STRIP, 0)).toBe('off');
  });

  it('reports an offline device in its own result, and switches the others all the same', async () => {
    // Prepare
    const { scene } = await h.bridge.scenes.create(ACCOUNT, {
      name: 'All on',
      actions: [PLUG, LAMP, STRIP].map((deviceid) => ({ deviceid, command: { power: 'on' as const } })),
    });
    // Act
    const run = await h.bridge.scenes.run(ACCOUNT, scene.id);
    // Assess
    expect(run).toMatchObject({ ok: 2, failed: 1 });
    expect(run.results[0]).toEqual({ deviceid: PLUG, ok: false, error: { code: 'device_offline', message: expect.stringMatching(/offline/) } });
    expect(run.results.slice(1).map((r) => r.ok)).toEqual([true, true]);
    expect(h.sim.device(PLUG).params.switch).toBe('off');
    expect(h.sim.device(LAMP).params.switch).toBe('on');
    expect([0, 1, 2, 3].map((c) => outlet(STRIP, c))).toEqual(['on', 'on', 'on', 'on']);
  });

  it('reports a device that left the account since the scene was made as not found', async () => {
    // Prepare
    const { scene } = await h.bridge.scenes.create(ACCOUNT, onDemand());
    await h.bridge.management.remove(ACCOUNT, STRIP);
    // Act
    const run = await h.bridge.scenes.run(ACCOUNT, scene.id);
    // Assess
    expect(run).toMatchObject({ ok: 1, failed: 1 });
    expect(run.results[1]).toEqual({ deviceid: STRIP, ok: false, error: { code: 'not_found', message: `no device "${STRIP}" in this account` } });
    expect(h.sim.device(LAMP).params.switch).toBe('on');
  });
});

describe('SceneService: schedules on the devices', () => {
  it('pushes a scheduled scene to each of its devices, which then run it by themselves', async () => {
    // Prepare: 14:00 in Berlin on 1 June is 12:00Z, two hours after START
    const input: SceneInput = { ...onDemand('Afternoon'), schedule: { type: 'once', at: '2026-06-01T14:00' }, timeZone: 'Europe/Berlin' };
    // Act
    const { scene, pushes } = await h.bridge.scenes.create(ACCOUNT, input);
    // Assess: the devices hold the scene in UTC
    expect(pushes).toEqual({
      [LAMP]: expect.objectContaining({ status: 'done', entries: 1 }),
      [STRIP]: expect.objectContaining({ status: 'done', entries: 1 }),
    });
    expect(scene).toMatchObject({ schedule: input.schedule, timeZone: 'Europe/Berlin' });
    expect(bridgeTimers(LAMP)).toEqual([expect.objectContaining({ enabled: 1, type: 'once', at: '2026-06-01T12:00:00.000Z', do: { switch: 'on' } })]);
    expect(bridgeTimers(STRIP)).toEqual([expect.objectContaining({ at: '2026-06-01T12:00:00.000Z', do: { switches: [{ switch: 'on', outlet: 1 }] } })]);
    expect((await h.parts.store.timers.getTimers(ACCOUNT, LAMP)).push?.status).toBe('done');

    h.sim.stats.reset();
    await h.sim.clock.advance(121 * MIN);
    expect(h.sim.device(LAMP).params.switch).toBe('on');
    expect(outlet(STRIP, 1)).toBe('on');
    expect(cloudTraffic(h)).toBe(0);
  });

  it('pushes a disabled scene as disabled entries, with the weekdays in order', async () => {
    // Act
    const { scene } = await h.bridge.scenes.create(ACCOUNT, {
      name: 'Weekdays',
      actions: [{ deviceid: LAMP, command: { power: 'off' } }],
      schedule: { type: 'repeat', days: [5, 1, 3], time: '22:30' },
      timeZone: 'UTC',
      enabled: false,
    });
    // Assess
    expect(scene.schedule).toEqual({ type: 'repeat', days: [1, 3, 5], time: '22:30' });
    expect(bridgeTimers(LAMP)).toEqual([expect.objectContaining({ enabled: 0, type: 'repeat', at: '30 22 * * 1,3,5', do: { switch: 'off' } })]);
  });

  it('stores a scheduled scene for an offline device, its push left pending', async () => {
    // Act
    const { scene, pushes } = await h.bridge.scenes.create(ACCOUNT, {
      name: 'Plug at night',
      actions: [{ deviceid: PLUG, command: { power: 'off' } }],
      schedule: { type: 'once', at: '2026-06-02T01:00' },
      timeZone: 'UTC',
    });
    // Assess
    expect(pushes[PLUG]?.status).toBe('pending');
    expect(await h.bridge.scenes.get(ACCOUNT, scene.id)).toEqual(scene);
    expect(bridgeTimers(PLUG)).toEqual([]);
  });

  it('takes the entries off the devices when the scene loses its schedule, and when it is removed', async () => {
    // Prepare
    const schedule: SceneSchedule = { type: 'repeat', days: [1], time: '07:00' };
    const { scene } = await h.bridge.scenes.create(ACCOUNT, { ...onDemand(), schedule, timeZone: 'UTC' });
    const other = await h.bridge.scenes.create(ACCOUNT, { name: 'Other', actions: [{ deviceid: LAMP, command: { power: 'off' } }], schedule, timeZone: 'UTC' });
    expect(bridgeTimers(LAMP)).toHaveLength(2);
    // Act
    const replaced = await h.bridge.scenes.replace(ACCOUNT, scene.id, onDemand());
    const removed = await h.bridge.scenes.remove(ACCOUNT, other.scene.id);
    // Assess
    expect(Object.keys(replaced.pushes).sort()).toEqual([LAMP, STRIP]);
    expect(Object.keys(removed)).toEqual([LAMP]);
    expect(bridgeTimers(LAMP)).toEqual([]);
    expect(bridgeTimers(STRIP)).toEqual([]);
  });
});

describe('SceneService: concurrent writers', () => {
  /**
   * The real repository, except that the first scene read lets another writer in before it
   * answers: the race a second Lambda makes, at the one moment it matters.
   */
  function letInAfterFirstRead(model: TimerModelRepository, otherWriter: () => Promise<unknown>): TimerModelRepository {
    let raced = false;
    return {
      getTimers: (...args) => model.getTimers(...args),
      listTimers: (...args) => model.listTimers(...args),
      putTimers: (...args) => model.putTimers(...args),
      recordPush: (...args) => model.recordPush(...args),
      listScenes: (...args) => model.listScenes(...args),
      putScene: (...args) => model.putScene(...args),
      deleteScene: (...args) => model.deleteScene(...args),
      async getScene(accountId, sceneId) {
        const read = await model.getScene(accountId, sceneId);
        if (!raced) {
          raced = true;
          await otherWriter();
        }
        return read;
      },
    };
  }

  it('refuses a replace made on a version another writer has changed, keeping the other write', async () => {
    // Prepare
    const { scene } = await h.bridge.scenes.create(ACCOUNT, onDemand());
    const theirs: SceneInput = { name: 'Theirs', actions: [{ deviceid: LAMP, command: { power: 'off' } }] };
    const model = letInAfterFirstRead(h.parts.store.timers, () => h.bridge.scenes.replace(ACCOUNT, scene.id, theirs));
    const mine = new SceneService(model, h.bridge.controller, h.bridge.timers, () => h.sim.clock.now());
    // Act
    const err = await failure(
      mine.replace(ACCOUNT, scene.id, { name: 'Mine', actions: [{ deviceid: STRIP, command: { power: 'on', channel: 0 } }], schedule: { type: 'repeat', days: [1], time: '07:00' }, timeZone: 'UTC' }),
    );
    // Assess
    expect(err).toBeInstanceOf(Conflict);
    expect(err.message).toMatch(/changed meanwhile; read it again and retry/);
    expect(await h.bridge.scenes.get(ACCOUNT, scene.id)).toMatchObject({ name: 'Theirs', version: 2 });
    expect(bridgeTimers(STRIP)).toEqual([]);
  });
});
