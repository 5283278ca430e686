import { afterEach, describe, expect, it } from 'vitest';
import { isBridgeMid, MAX_DEVICE_TIMERS } from '../../../lib/timers/compile';
import { ACCOUNT, startHarness, testAccount, type Harness } from '../../support/bridge';

const LAMP = '1000000001';
const STRIP = '1000000004';
const PLUG = '1000000009';
const MIN = 60_000;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function deviceTimers(harness: Harness, deviceid: string): { mId: string; at: string; type: string; do?: unknown }[] {
  const timers = harness.sim.device(deviceid).params.timers;
  return Array.isArray(timers) ? (timers as { mId: string; at: string; type: string; do?: unknown }[]) : [];
}

function manualHarness(start: string, account = testAccount()) {
  return startHarness({ account, sim: { clock: { mode: 'manual', start: Date.parse(start) } } });
}

describe('scenes and timers end to end', () => {
  it('a scheduled scene is pushed, and the devices act on it by themselves when the time comes', async () => {
    // Prepare: 10:00Z on 1 June; the scene runs at 14:00 Berlin (12:00Z)
    h = await manualHarness('2026-06-01T10:00:00Z');
    // Act
    const created = await h.call('POST', '/scenes', {
      body: {
        name: 'Afternoon',
        actions: [
          { deviceid: LAMP, command: { power: 'on' } },
          { deviceid: STRIP, command: { power: 'on', channel: 1 } },
        ],
        schedule: { type: 'once', at: '2026-06-01T14:00' },
        timeZone: 'Europe/Berlin',
      },
    });
    // Assess: pushed as device timers in UTC
    expect(created.status).toBe(201);
    expect(created.body.pushes[LAMP].status).toBe('done');
    expect(created.body.pushes[STRIP].status).toBe('done');
    expect(deviceTimers(h, LAMP)).toEqual([expect.objectContaining({ type: 'once', at: '2026-06-01T12:00:00.000Z', do: { switch: 'on' } })]);
    expect(deviceTimers(h, STRIP)[0]?.do).toEqual({ switches: [{ switch: 'on', outlet: 1 }] });

    h.sim.stats.reset();
    await h.sim.clock.advance(119 * MIN);
    expect(h.sim.device(LAMP).params.switch).toBe('off');
    await h.sim.clock.advance(2 * MIN);
    expect(h.sim.device(LAMP).params.switch).toBe('on');
    const outlets = h.sim.device(STRIP).params.switches as { switch: string; outlet: number }[];
    expect(outlets.find((o) => o.outlet === 1)?.switch).toBe('on');
    expect(outlets.filter((o) => o.switch === 'on')).toHaveLength(1);
    // No command from the bridge: the devices ran their own timers.
    expect(h.sim.stats.http + h.sim.stats.socketMessages).toBe(0);
    expect(h.sim.timerLog.map((f) => new Date(f.at).toISOString())).toEqual(['2026-06-01T12:00:00.000Z', '2026-06-01T12:00:00.000Z']);
  });

  it('20 concurrent timer additions: the 16 the device has room for end in the model and on the device, the rest are refused', async () => {
    // Prepare
    h = await manualHarness('2026-06-01T10:00:00Z');
    const harness = h;
    // Act
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        harness.call('POST', `/devices/${LAMP}/timers`, {
          body: { schedule: { type: 'repeat', days: [1, 2, 3, 4, 5], time: `07:${String(i).padStart(2, '0')}` }, timeZone: 'Europe/Berlin', action: { power: 'on' } },
        }),
      ),
    );
    // Assess: the cap is checked on every edit attempt, so racing additions never pass it together
    expect(answers.filter((a) => a.status === 201)).toHaveLength(MAX_DEVICE_TIMERS);
    expect(answers.filter((a) => a.status === 422).map((a) => a.body.error.field)).toEqual(Array(20 - MAX_DEVICE_TIMERS).fill('timers'));
    const listed = await h.call('GET', `/devices/${LAMP}/timers`);
    expect(listed.body.timers).toHaveLength(MAX_DEVICE_TIMERS);
    const onDevice = deviceTimers(h, LAMP);
    expect(onDevice).toHaveLength(MAX_DEVICE_TIMERS);
    expect(new Set(onDevice.map((t) => t.at)).size).toBe(MAX_DEVICE_TIMERS);
    expect(listed.body.push.status).toBe('done');
  });

  it('keeps the entries made in the phone app when it pushes its own', async () => {
    // Prepare: the phone app put a timer on the lamp
    h = await manualHarness('2026-06-01T10:00:00Z');
    const appTimer = { enabled: 1, mId: 'c102f00f-db6f-fef0-f296-9dd10fdc2193', type: 'once', coolkit_timer_type: 'once', at: '2026-07-24T08:28:00.000Z', do: { switch: 'off' } };
    const creds = await h.parts.keeper.withCredentials(ACCOUNT, async (c) => c);
    await h.parts.client.setStatus(creds, LAMP, { timers: [appTimer] });
    // Act
    const added = await h.call('POST', `/devices/${LAMP}/timers`, { body: { schedule: { type: 'delay', minutes: 30 }, timeZone: 'UTC', action: { power: 'on' } } });
    const removed = await h.call('DELETE', `/devices/${LAMP}/timers/${added.body.timer.id}`);
    // Assess
    expect(added.status).toBe(201);
    expect(removed.status).toBe(200);
    expect(deviceTimers(h, LAMP)).toEqual([appTimer]);
  });

  it('a device offline at edit time gets the right array after it is back and the reconcile runs', async () => {
    // Prepare
    h = await manualHarness('2026-06-01T10:00:00Z');
    const added = await h.call('POST', `/devices/${PLUG}/timers`, {
      body: { schedule: { type: 'once', at: '2026-06-02T07:30' }, timeZone: 'Europe/Berlin', action: { power: 'on' } },
    });
    expect(added.status).toBe(201);
    expect(added.body.push.status).toBe('pending');
    expect(deviceTimers(h, PLUG)).toEqual([]);
    // Act
    h.sim.setDeviceOnline(PLUG, true);
    const report = await h.bridge.timers.reconcile(ACCOUNT);
    // Assess
    expect(report.pushed).toContain(PLUG);
    expect(report.drift.find((d) => d.deviceid === PLUG)?.missing).toHaveLength(1);
    expect(deviceTimers(h, PLUG)).toEqual([expect.objectContaining({ at: '2026-06-02T05:30:00.000Z', do: { switch: 'on' } })]);
    expect((await h.call('GET', `/devices/${PLUG}/timers`)).body.push.status).toBe('done');
    const again = await h.bridge.timers.reconcile(ACCOUNT);
    expect(again.inSync).toContain(PLUG);
    expect(again.drift).toEqual([]);
  });

  it('a repeat timer at 08:00 Europe/Berlin fires at 08:00 local on both sides of a DST change', async () => {
    // Prepare: Friday 27 March 2026; Berlin moves to summer time on Sunday 29 March
    h = await manualHarness('2026-03-27T00:00:00Z');
    const added = await h.call('POST', `/devices/${LAMP}/timers`, {
      body: { schedule: { type: 'repeat', days: [0, 1, 2, 3, 4, 5, 6], time: '08:00' }, timeZone: 'Europe/Berlin', action: { power: 'on' } },
    });
    expect(deviceTimers(h, LAMP)[0]?.at).toBe('0 7 * * 0,1,2,3,4,5,6');
    // Act: Saturday's run, then the hourly reconcile, then Sunday's run
    await h.sim.clock.set(Date.parse('2026-03-28T07:30:00Z'));
    await h.call('POST', `/devices/${LAMP}/control`, { body: { power: 'off' } });
    const report = await h.bridge.timers.reconcile(ACCOUNT);
    await h.sim.clock.set(Date.parse('2026-03-29T07:30:00Z'));
    // Assess
    expect(added.status).toBe(201);
    expect(report.pushed).toContain(LAMP);
    expect(deviceTimers(h, LAMP)[0]?.at).toBe('0 6 * * 0,1,2,3,4,5,6');
    const fired = h.sim.timerLog.filter((f) => f.deviceid === LAMP).map((f) => new Date(f.at).toISOString());
    expect(fired).toEqual(['2026-03-27T07:00:00.000Z', '2026-03-28T07:00:00.000Z', '2026-03-29T06:00:00.000Z']);
    expect(h.sim.device(LAMP).params.switch).toBe('on');
  });

  it('runs a scene at once: results per device, and an offline device holds nobody up', async () => {
    // Prepare
    h = await manualHarness('2026-06-01T10:00:00Z');
    const scene = await h.call('POST', '/scenes', {
      body: { name: 'All on', actions: [LAMP, PLUG, STRIP].map((deviceid) => ({ deviceid, command: { power: 'on' } })) },
    });
    // Act
    const run = await h.call('POST', `/scenes/${scene.body.scene.id}/run`);
    // Assess
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ ok: 2, failed: 1 });
    expect(run.body.results.find((r: { deviceid: string }) => r.deviceid === PLUG)).toMatchObject({ ok: false, error: { code: 'device_offline' } });
    expect(h.sim.device(LAMP).params.switch).toBe('on');
    expect((h.sim.device(STRIP).params.switches as { switch: string }[]).every((s) => s.switch === 'on')).toBe(true);
    expect(h.sim.stats.connections).toBe(1);
  });

  it.each([
    [{ schedule: { type: 'repeat', days: [1], time: '07:00' }, timeZone: 'Europe/Berlin', action: { power: 'toggle' } }, 'action.power'],
    [{ schedule: { type: 'repeat', days: [1], time: '07:00' }, timeZone: 'Mars/Olympus', action: { power: 'on' } }, 'timeZone'],
    [{ schedule: { type: 'repeat', days: [7], time: '07:00' }, timeZone: 'UTC', action: { power: 'on' } }, 'schedule.days.0'],
    [{ schedule: { type: 'once', at: '2026-02-30T07:00' }, timeZone: 'UTC', action: { power: 'on' } }, 'schedule.at'],
    [{ schedule: { type: 'weekly' }, timeZone: 'UTC', action: { power: 'on' } }, 'schedule.type'],
    [{ schedule: { type: 'delay', minutes: 0 }, timeZone: 'UTC', action: { power: 'on' } }, 'schedule.minutes'],
    [{ schedule: { type: 'delay', minutes: 5 }, timeZone: 'UTC', action: { brightness: 50 } }, 'action.brightness'],
    [{ schedule: { type: 'delay', minutes: 5 }, timeZone: 'UTC', action: { power: 'on' }, endAction: { power: 'off' } }, 'endAction'],
    // The clock reads 2026-06-01T10:00Z: once-timers at or before it would never run.
    [{ schedule: { type: 'once', at: '2026-06-01T10:00' }, timeZone: 'UTC', action: { power: 'on' } }, 'schedule.at'],
    [{ schedule: { type: 'once', at: '2026-06-01T11:30' }, timeZone: 'Europe/Berlin', action: { power: 'on' } }, 'schedule.at'],
    [{ schedule: { type: 'once', at: '0000-01-01T00:00' }, timeZone: 'UTC', action: { power: 'on' } }, 'schedule.at'],
  ])('refuses timer %j with 422 naming %s, storing and sending nothing', async (body, field) => {
    h = await manualHarness('2026-06-01T10:00:00Z');
    await h.call('GET', '/devices'); // the device list is read once; the refusal itself sends nothing
    h.sim.stats.reset();
    const res = await h.call('POST', `/devices/${LAMP}/timers`, { body });
    expect(res.status).toBe(422);
    expect(res.body.error.field).toBe(field);
    expect(h.sim.stats.http + h.sim.stats.socketMessages).toBe(0);
    expect((await h.parts.store.timers.getTimers(ACCOUNT, LAMP)).timers).toEqual([]);
  });

  it('takes a once-timer a minute ahead in its own zone, and refuses a scene scheduled once in the past', async () => {
    // Prepare: 10:00Z is 12:00 in Berlin
    h = await manualHarness('2026-06-01T10:00:00Z');
    // Act
    const ahead = await h.call('POST', `/devices/${LAMP}/timers`, { body: { schedule: { type: 'once', at: '2026-06-01T12:01' }, timeZone: 'Europe/Berlin', action: { power: 'on' } } });
    const pastScene = await h.call('POST', '/scenes', {
      body: { name: 'late', actions: [{ deviceid: LAMP, command: { power: 'on' } }], schedule: { type: 'once', at: '2026-06-01T11:59' }, timeZone: 'Europe/Berlin' },
    });
    // Assess
    expect(ahead.status).toBe(201);
    expect(deviceTimers(h, LAMP).map((t) => t.at)).toEqual(['2026-06-01T10:01:00.000Z']);
    expect(pastScene.status).toBe(422);
    expect(pastScene.body.error.field).toBe('schedule.at');
    expect((await h.call('GET', '/scenes')).body.scenes).toEqual([]);
  });

  it('refuses a scene with a toggle on a schedule or an unknown device, and 404s an unknown scene', async () => {
    h = await manualHarness('2026-06-01T10:00:00Z');
    const toggle = await h.call('POST', '/scenes', {
      body: { name: 'x', actions: [{ deviceid: LAMP, command: { power: 'toggle' } }], schedule: { type: 'repeat', days: [1], time: '07:00' }, timeZone: 'UTC' },
    });
    const unknown = await h.call('POST', '/scenes', { body: { name: 'x', actions: [{ deviceid: '10000fffff', command: { power: 'on' } }] } });
    const noZone = await h.call('POST', '/scenes', { body: { name: 'x', actions: [{ deviceid: LAMP, command: { power: 'on' } }], schedule: { type: 'once', at: '2026-06-02T07:00' } } });
    expect(toggle.status).toBe(422);
    expect(toggle.body.error.field).toBe('actions.0.command.power');
    expect(unknown.status).toBe(404);
    expect(noZone.body.error.field).toBe('timeZone');
    expect((await h.call('POST', '/scenes/no-such-scene/run')).status).toBe(404);
    expect((await h.call('GET', '/scenes')).body.scenes).toEqual([]);
  });

  it('a scene edit moves its timers from the old devices to the new ones', async () => {
    h = await manualHarness('2026-06-01T10:00:00Z');
    const schedule = { type: 'repeat', days: [1], time: '07:00' };
    const created = await h.call('POST', '/scenes', { body: { name: 'Mornings', actions: [{ deviceid: LAMP, command: { power: 'on' } }], schedule, timeZone: 'UTC' } });
    const replaced = await h.call('PUT', `/scenes/${created.body.scene.id}`, {
      body: { name: 'Mornings', actions: [{ deviceid: STRIP, command: { power: 'on', channel: 0 } }], schedule, timeZone: 'UTC' },
    });
    expect(replaced.status).toBe(200);
    expect(Object.keys(replaced.body.pushes).sort()).toEqual([LAMP, STRIP]);
    expect(deviceTimers(h, LAMP).filter((t) => isBridgeMid(t.mId))).toEqual([]);
    expect(deviceTimers(h, STRIP)).toHaveLength(1);
    const deleted = await h.call('DELETE', `/scenes/${created.body.scene.id}`);
    expect(deleted.status).toBe(200);
    expect(deviceTimers(h, STRIP)).toEqual([]);
  });
});
