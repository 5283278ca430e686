import { afterEach, describe, expect, it } from 'vitest';
import { MAX_DEVICE_TIMERS } from '../../lib/timers/compile';
import type { TimerInput } from '../../lib/timers/timer-service';
import { ACCOUNT, socketUpdates, startHarness, testAccount, type Harness } from '../support/bridge';
import { cloudTraffic } from '../support/refusals';

/*
 * The cap on a device's full `timers` array: the bridge account's entries and those set
 * elsewhere (the phone app, other accounts) together hold at most MAX_DEVICE_TIMERS. An edit
 * beyond it is refused before anything is stored; a push beyond it (entries set elsewhere
 * since the edit) sends nothing and says why.
 */

const LAMP = '1000000001';
const STRIP = '1000000004';

/** An entry the phone app made: a weekly Monday timer, with an mId no bridge makes. */
function appEntry(i: number): Record<string, unknown> {
  return { enabled: 1, mId: `c102f00f-db6f-fef0-f296-9dd10fdc${String(2100 + i)}`, type: 'repeat', coolkit_timer_type: 'repeat', at: `${i} 20 * * 1`, do: { switch: 'off' } };
}

function appEntries(count: number, from = 0): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => appEntry(from + i));
}

/** A weekly Monday timer in UTC. */
function mondayAt(time: string): TimerInput {
  return { schedule: { type: 'repeat', days: [1], time }, timeZone: 'UTC', action: { power: 'on' } };
}

function lampEntries(harness: Harness): unknown[] {
  const timers = harness.sim.device(LAMP).params.timers;
  return Array.isArray(timers) ? timers : [];
}

/** The lamp starts with `foreign` entries the phone app set on it. */
function lampHolding(foreign: number): Promise<Harness> {
  const account = testAccount();
  const devices = (account.devices ?? []).map((d) => (d.deviceid === LAMP ? { ...d, params: { ...d.params, timers: appEntries(foreign) } } : d));
  return startHarness({ account: { ...account, devices }, sim: { clock: { mode: 'manual', start: Date.parse('2026-06-01T10:00:00Z') } } });
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the cap on timer entries per device', () => {
  it('a device holding 14 entries set elsewhere takes 2 bridge timers; the 3rd is refused with 422 and nothing changes', async () => {
    // Prepare
    h = await lampHolding(14);
    for (const time of ['06:00', '07:00']) {
      const added = await h.call('POST', `/devices/${LAMP}/timers`, { body: mondayAt(time) });
      expect(added.status).toBe(201);
      expect(added.body.push.status).toBe('done');
    }
    const before = structuredClone(lampEntries(h));
    h.sim.stats.reset();

    // Act
    const third = await h.call('POST', `/devices/${LAMP}/timers`, { body: mondayAt('08:00') });

    // Assess
    expect(MAX_DEVICE_TIMERS).toBe(16);
    expect(before).toHaveLength(16);
    expect(third.status).toBe(422);
    expect(third.body.error).toMatchObject({
      code: 'invalid_input',
      field: 'timers',
      message: 'timers: device 1000000001 would hold 17 timer entries (14 set elsewhere: the phone app or other accounts); a device takes at most 16',
    });
    expect(cloudTraffic(h)).toBe(0);
    expect(socketUpdates(h.sim, LAMP)).toEqual([]);
    expect(lampEntries(h)).toEqual(before);
    expect((await h.call('GET', `/devices/${LAMP}/timers`)).body.timers).toHaveLength(2);
  });

  it('replaces a timer of a device at the cap', async () => {
    // Prepare
    h = await lampHolding(15);
    const added = await h.call('POST', `/devices/${LAMP}/timers`, { body: mondayAt('06:00') });
    expect(lampEntries(h)).toHaveLength(16);

    // Act
    const replaced = await h.call('PUT', `/devices/${LAMP}/timers/${added.body.timer.id}`, { body: mondayAt('06:30') });

    // Assess
    expect(replaced.status).toBe(200);
    expect(replaced.body.push).toMatchObject({ status: 'done', entries: 16 });
    expect(lampEntries(h)).toEqual([...appEntries(15), expect.objectContaining({ at: '30 6 * * 1' })]);
  });

  it('refuses a scheduled scene with 422 on schedule when a device it acts on is full, and stores nothing', async () => {
    // Prepare
    h = await lampHolding(16);
    const scene = {
      name: 'Evening',
      actions: [
        { deviceid: STRIP, command: { power: 'on', channel: 1 } },
        { deviceid: LAMP, command: { power: 'on' } },
      ],
      schedule: { type: 'repeat', days: [1], time: '19:00' },
      timeZone: 'UTC',
    };
    await h.call('GET', '/devices');
    h.sim.stats.reset();

    // Act
    const created = await h.call('POST', '/scenes', { body: scene });

    // Assess
    expect(created.status).toBe(422);
    expect(created.body.error).toMatchObject({ field: 'schedule', message: expect.stringContaining('device 1000000001 would hold 17 timer entries (16 set elsewhere') });
    expect((await h.call('GET', '/scenes')).body.scenes).toEqual([]);
    expect(cloudTraffic(h)).toBe(0);
    expect(lampEntries(h)).toEqual(appEntries(16));
  });

  it('refuses to give an on-demand scene a schedule on a full device, and keeps it as it was', async () => {
    // Prepare: an on-demand scene adds no entries, so a full device takes it
    h = await lampHolding(16);
    const onDemand = { name: 'Evening', actions: [{ deviceid: LAMP, command: { power: 'on' } }] };
    const created = await h.call('POST', '/scenes', { body: onDemand });
    expect(created.status).toBe(201);

    // Act
    const replaced = await h.call('PUT', `/scenes/${created.body.scene.id}`, { body: { ...onDemand, schedule: { type: 'repeat', days: [1], time: '19:00' }, timeZone: 'UTC' } });

    // Assess
    expect(replaced.status).toBe(422);
    expect(replaced.body.error.field).toBe('schedule');
    expect((await h.call('GET', '/scenes')).body.scenes).toEqual([created.body.scene]);
    expect(lampEntries(h)).toEqual(appEntries(16));
  });

  it('sends nothing when entries set elsewhere since the check leave no room, and the push record says why', async () => {
    // Prepare: one bridge timer beside 14 entries, listed; then the phone app adds 2 more
    h = await lampHolding(14);
    const first = await h.call('POST', `/devices/${LAMP}/timers`, { body: mondayAt('06:00') });
    expect(first.body.push.status).toBe('done');
    const creds = await h.parts.keeper.withCredentials(ACCOUNT, async (c) => c);
    await h.parts.client.setStatus(creds, LAMP, { timers: [...lampEntries(h), ...appEntries(2, 14)] });
    const before = structuredClone(lampEntries(h));
    h.sim.stats.reset();

    // Act: the cached device list still says 14 elsewhere, so the edit passes its check
    const second = await h.call('POST', `/devices/${LAMP}/timers`, { body: mondayAt('07:00') });

    // Assess
    const why = 'device 1000000001 would hold 18 timer entries (16 set elsewhere: the phone app or other accounts); a device takes at most 16';
    expect(second.status).toBe(201);
    expect(second.body.push).toMatchObject({ status: 'failed', error: why });
    expect(socketUpdates(h.sim, LAMP)).toEqual([]);
    expect(lampEntries(h)).toEqual(before);
    const listed = await h.call('GET', `/devices/${LAMP}/timers`);
    expect(listed.body.timers).toHaveLength(2);
    expect(listed.body.push).toMatchObject({ status: 'failed', error: why });
  });

  it('still pushes a removal to a device the phone app filled past the cap', async () => {
    // Prepare: two bridge timers beside 14 entries; then the phone app adds 2 more (18 on the device)
    h = await lampHolding(14);
    const added = [];
    for (const time of ['06:00', '07:00']) added.push((await h.call('POST', `/devices/${LAMP}/timers`, { body: mondayAt(time) })).body.timer.id);
    const creds = await h.parts.keeper.withCredentials(ACCOUNT, async (c) => c);
    await h.parts.client.setStatus(creds, LAMP, { timers: [...lampEntries(h), ...appEntries(2, 14)] });

    // Act
    const removed = await h.call('DELETE', `/devices/${LAMP}/timers/${added[0]}`);

    // Assess: 17 is still beyond the cap, but fewer than the device held
    expect(removed.status).toBe(200);
    expect(removed.body.push).toMatchObject({ status: 'done', entries: 17 });
    expect(lampEntries(h)).toEqual([...appEntries(16), expect.objectContaining({ at: '0 7 * * 1' })]);
  });
});
