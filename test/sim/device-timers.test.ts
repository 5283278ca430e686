import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountSeed, Sim, SimClockConfig } from '../../sim/index';
import { ALICE, HEATER, LAMP, STRIP, regionBase, seeds, testSim, wsUrl } from './fixture';
import { bySequence, control, get, onlineSocket, post, updateMessage, type Json, type SocketClient } from './wire';

/*
 * Virtual devices running their own `timers` arrays on the sim's clock, with no one asking:
 * the arrays are pushed over the wire as the bridge would push them, then the manual clock
 * is moved and the devices' state, pushes, history and the timer log are checked.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A Monday, midnight UTC. */
const MONDAY = Date.parse('2026-03-02T00:00:00.000Z');

type Timer = Record<string, unknown>;

const iso = (ms: number) => new Date(ms).toISOString();

function once(mId: string, atMs: number, act: Record<string, unknown>, enabled = 1): Timer {
  return { enabled, mId, type: 'once', coolkit_timer_type: 'once', at: iso(atMs), do: act };
}

function delay(mId: string, fromMs: number, minutes: number, act: Record<string, unknown>): Timer {
  return { enabled: 1, mId, type: 'once', coolkit_timer_type: 'delay', at: iso(fromMs + minutes * MINUTE), period: String(minutes), do: act };
}

function repeat(mId: string, cron: string, act: Record<string, unknown>, enabled = 1): Timer {
  return { enabled, mId, type: 'repeat', coolkit_timer_type: 'repeat', at: cron, do: act };
}

function duration(mId: string, startMs: number, onMinutes: number, offMinutes: number, enabled = 1): Timer {
  return {
    enabled,
    mId,
    type: 'duration',
    coolkit_timer_type: 'duration',
    at: `${iso(startMs)} ${onMinutes} ${offMinutes}`,
    startDo: { switch: 'on' },
    endDo: { switch: 'off' },
  };
}

let sim: Sim;
let eu: string;
let at: string;
let apikey: string;
const sockets: SocketClient[] = [];

async function startAt(clock: SimClockConfig = { mode: 'manual', start: MONDAY }, accounts: AccountSeed[] = seeds()): Promise<void> {
  sim = await testSim({ clock, accounts });
  eu = regionBase(sim, 'eu');
  ({ at, apikey } = sim.issueTokens(ALICE.email));
}

/** Sends the device its whole timers array over HTTP, as the bridge does after any edit. */
async function pushTimers(deviceid: string, timers: Timer[]): Promise<void> {
  const reply = await post(eu, '/api/user/device/status', { deviceid, params: { timers } }, { bearer: at });
  expect(reply.body).toEqual({ error: 0, deviceid });
}

async function setSwitch(deviceid: string, value: 'on' | 'off'): Promise<void> {
  const reply = await post(eu, '/api/user/device/status', { deviceid, params: { switch: value } }, { bearer: at });
  expect(reply.body.error).toBe(0);
}

async function socket(): Promise<SocketClient> {
  const client = await onlineSocket(wsUrl(sim), at, apikey);
  sockets.push(client);
  return client;
}

const switchOf = (deviceid: string) => sim.device(deviceid).params['switch'];
const firedTimes = (mId?: string) => sim.timerLog.filter((f) => mId === undefined || f.mId === mId).map((f) => iso(f.at));
const isSwitchPush = (deviceid: string) => (m: Json) => m.action === 'update' && m.deviceid === deviceid && m.params?.switch !== undefined;

afterEach(async () => {
  for (const client of sockets.splice(0)) client.close();
  await sim.close();
});

describe('on a manual clock', () => {
  beforeEach(() => startAt());

  it('fires a once timer exactly once, at its moment and not before, and keeps it in the array', async () => {
    // Prepare
    const timer = once('t-once', MONDAY + 90 * MINUTE, { switch: 'on' });
    await pushTimers(LAMP, [timer]);

    // Act
    await sim.clock.advance(90 * MINUTE - 1);
    const before = { switch: switchOf(LAMP), fired: sim.timerLog.length };
    await sim.clock.advance(1);
    const atIt = switchOf(LAMP);
    await setSwitch(LAMP, 'off');
    await sim.clock.advance(3 * DAY);

    // Assess
    expect(before).toEqual({ switch: 'off', fired: 0 });
    expect(atIt).toBe('on');
    expect(switchOf(LAMP)).toBe('off');
    expect(sim.timerLog).toEqual([{ deviceid: LAMP, mId: 't-once', at: MONDAY + 90 * MINUTE, action: 'do', params: { switch: 'on' } }]);
    expect(sim.device(LAMP).params['timers']).toEqual([timer]);
  });

  it('fires a delay timer (type once, coolkit delay) once, at its moment', async () => {
    // Prepare
    await pushTimers(LAMP, [delay('t-delay', MONDAY, 30, { switch: 'on' })]);

    // Act
    await sim.clock.advance(30 * MINUTE - 1000);
    const early = switchOf(LAMP);
    await sim.clock.advance(DAY);

    // Assess
    expect(early).toBe('off');
    expect(switchOf(LAMP)).toBe('on');
    expect(firedTimes()).toEqual(['2026-03-02T00:30:00.000Z']);
  });

  it('fires a once timer pushed after its moment never', async () => {
    // Prepare
    await sim.clock.advance(HOUR);
    await pushTimers(LAMP, [once('t-late', MONDAY + 30 * MINUTE, { switch: 'on' })]);

    // Act
    await sim.clock.advance(DAY);

    // Assess
    expect(sim.timerLog).toEqual([]);
    expect(switchOf(LAMP)).toBe('off');
  });

  it('fires "0 7 * * 1,3" on Mondays and Wednesdays at 07:00 UTC over two weeks, and never else', async () => {
    // Prepare
    await pushTimers(LAMP, [repeat('t-weekly', '0 7 * * 1,3', { switch: 'on' })]);

    // Act
    await sim.clock.advance(14 * DAY);

    // Assess
    expect(new Date(MONDAY).getUTCDay()).toBe(1);
    expect(firedTimes()).toEqual(['2026-03-02T07:00:00.000Z', '2026-03-04T07:00:00.000Z', '2026-03-09T07:00:00.000Z', '2026-03-11T07:00:00.000Z']);
    expect(switchOf(LAMP)).toBe('on');
  });

  it('fires a repeat timer once per matching minute crossed, each at its own minute, whatever the step', async () => {
    // Prepare
    await pushTimers(LAMP, [repeat('t-minutely', '* * * * *', { switch: 'on' })]);

    // Act: one move of ten minutes and a half, then ten one-minute moves
    await sim.clock.advance(10 * MINUTE + 30_000);
    const inOneMove = firedTimes();
    for (let i = 0; i < 10; i++) await sim.clock.advance(MINUTE);

    // Assess
    const minutes = Array.from({ length: 20 }, (_, i) => iso(MONDAY + (i + 1) * MINUTE));
    expect(inOneMove).toEqual(minutes.slice(0, 10));
    expect(firedTimes()).toEqual(minutes);
  });

  it('reads lists, ranges and steps in every field, and a day of the month or a weekday', async () => {
    // Prepare
    await pushTimers(LAMP, [
      repeat('t-office', '15,45 9-10 * * 1-5', { switch: 'on' }),
      repeat('t-monthly', '0 12 1 4 *', { switch: 'off' }),
      repeat('t-either', '30 18 15 * 0', { switch: 'off' }),
      repeat('t-stepped', '*/20 0 * * 6', { switch: 'off' }),
    ]);

    // Act
    await sim.clock.advance(35 * DAY);

    // Assess: the office hours over five weekdays of each of five weeks
    const office = firedTimes('t-office');
    expect(office).toHaveLength(4 * 5 * 5);
    expect(office.slice(0, 5)).toEqual([
      '2026-03-02T09:15:00.000Z',
      '2026-03-02T09:45:00.000Z',
      '2026-03-02T10:15:00.000Z',
      '2026-03-02T10:45:00.000Z',
      '2026-03-03T09:15:00.000Z',
    ]);
    expect(office.every((time) => ![0, 6].includes(new Date(time).getUTCDay()))).toBe(true);
    expect(firedTimes('t-monthly')).toEqual(['2026-04-01T12:00:00.000Z']);
    // The 15th, or any Sunday: both day fields restricted match either way, as in cron.
    expect(firedTimes('t-either')).toEqual([
      '2026-03-08T18:30:00.000Z',
      '2026-03-15T18:30:00.000Z',
      '2026-03-22T18:30:00.000Z',
      '2026-03-29T18:30:00.000Z',
      '2026-04-05T18:30:00.000Z',
    ]);
    expect(firedTimes('t-stepped').slice(0, 3)).toEqual(['2026-03-07T00:00:00.000Z', '2026-03-07T00:20:00.000Z', '2026-03-07T00:40:00.000Z']);
    expect(firedTimes('t-stepped')).toHaveLength(5 * 3);
  });

  it('runs a duration timer "start 10 5": on at the start, off 10 minutes on, on again at 15, through the hour', async () => {
    // Prepare
    const start = MONDAY + MINUTE;
    await pushTimers(LAMP, [duration('t-cycle', start, 10, 5)]);

    // Act: minute by minute, noting the switch
    const seen: string[] = [];
    for (let minute = 1; minute <= 61; minute++) {
      await sim.clock.advance(MINUTE);
      seen.push(String(switchOf(LAMP)));
    }

    // Assess
    const expected = Array.from({ length: 61 }, (_, i) => ((i % 15) < 10 ? 'on' : 'off'));
    expect(seen).toEqual(expected);
    expect(sim.timerLog.map((f) => [(f.at - start) / MINUTE, f.action, f.params['switch']])).toEqual([
      [0, 'startDo', 'on'],
      [10, 'endDo', 'off'],
      [15, 'startDo', 'on'],
      [25, 'endDo', 'off'],
      [30, 'startDo', 'on'],
      [40, 'endDo', 'off'],
      [45, 'startDo', 'on'],
      [55, 'endDo', 'off'],
      [60, 'startDo', 'on'],
    ]);
  });

  it('keeps a duration timer alternating over many cycles in one move, and from a start in the past', async () => {
    // Prepare: started a day ago (before it was pushed); a cycle of 7 + 3 minutes
    const start = MONDAY - DAY;
    await pushTimers(LAMP, [duration('t-long', start, 7, 3)]);

    // Act
    await sim.clock.advance(DAY + 4 * MINUTE);

    // Assess: nothing for the day before it was pushed; each edge after it, in order
    const fired = sim.timerLog;
    expect(fired).toHaveLength(2 * 144);
    expect(iso(fired[0]?.at ?? 0)).toBe('2026-03-02T00:07:00.000Z');
    expect(fired[0]?.action).toBe('endDo');
    fired.forEach((firing, i) => {
      expect(firing.action).toBe(i % 2 === 0 ? 'endDo' : 'startDo');
      expect(firing.at).toBe(MONDAY + Math.floor(i / 2) * 10 * MINUTE + (i % 2 === 0 ? 7 : 10) * MINUTE);
    });
    expect(switchOf(LAMP)).toBe('on');
  });

  it('never fires disabled entries', async () => {
    // Prepare
    await pushTimers(LAMP, [
      once('t-off-once', MONDAY + HOUR, { switch: 'on' }, 0),
      repeat('t-off-repeat', '* * * * *', { switch: 'on' }, 0),
      duration('t-off-cycle', MONDAY + MINUTE, 1, 1, 0),
    ]);

    // Act
    await sim.clock.advance(7 * DAY);

    // Assess
    expect(sim.timerLog).toEqual([]);
    expect(switchOf(LAMP)).toBe('off');
  });

  it('runs an offline device’s timers: its state changes, nothing is pushed, and it shows once the device is back', async () => {
    // Prepare
    await pushTimers(HEATER, [once('t-away', MONDAY + HOUR, { switch: 'on' })]);
    const watcher = await socket();
    sim.setDeviceOnline(HEATER, false);
    await watcher.next((m) => m.action === 'sysmsg' && m.params.online === false);

    // Act
    await sim.clock.advance(2 * HOUR);
    const { online, params } = sim.device(HEATER);
    const whileOffline = { online, params };
    const snapshot = await control(sim.url, 'GET', `/_sim/devices/${HEATER}`);
    sim.setDeviceOnline(HEATER, true);
    await watcher.next((m) => m.action === 'sysmsg' && m.params.online === true);
    const queried = await get(eu, '/api/user/device/status', { deviceid: HEATER, params: 'switch' }, { bearer: at });

    // Assess
    expect(whileOffline.online).toBe(false);
    expect(whileOffline.params['switch']).toBe('on');
    expect(snapshot.body).toMatchObject({ online: false, params: { switch: 'on' } });
    expect(firedTimes('t-away')).toEqual(['2026-03-02T01:00:00.000Z']);
    expect(watcher.pending().filter(isSwitchPush(HEATER))).toEqual([]);
    expect(queried.body).toEqual({ error: 0, params: { switch: 'on' } });
  });

  it('does not receive timers pushed while the device is offline (504, nothing kept)', async () => {
    // Prepare
    sim.setDeviceOnline(LAMP, false);

    // Act
    const reply = await post(eu, '/api/user/device/status', { deviceid: LAMP, params: { timers: [once('t-lost', MONDAY + HOUR, { switch: 'on' })] } }, { bearer: at });
    sim.setDeviceOnline(LAMP, true);
    await sim.clock.advance(2 * HOUR);

    // Assess
    expect(reply.body.error).toBe(504);
    expect(sim.device(LAMP).params['timers']).toEqual([]);
    expect(sim.timerLog).toEqual([]);
  });

  it('applies a multi-channel do to its outlet only', async () => {
    // Prepare
    await post(eu, '/api/user/device/status', { deviceid: STRIP, params: { switches: [{ switch: 'on', outlet: 2 }] } }, { bearer: at });
    await pushTimers(STRIP, [once('t-outlet', MONDAY + HOUR, { switches: [{ switch: 'on', outlet: 1 }] })]);

    // Act
    await sim.clock.advance(HOUR);

    // Assess
    expect(sim.device(STRIP).params['switches']).toEqual([
      { switch: 'off', outlet: 0 },
      { switch: 'on', outlet: 1 },
      { switch: 'on', outlet: 2 },
      { switch: 'off', outlet: 3 },
    ]);
    expect(sim.timerLog[0]?.params).toEqual({ switches: [{ switch: 'on', outlet: 1 }] });
  });

  it('applies what a timer does as the device would in its state then, skipping an action its mode refuses', async () => {
    // Prepare: an L2 strip (colorTemp only in mode 2), in mode 1
    const STRIP_L2 = '1000000137';
    const accounts = seeds();
    accounts[0]?.devices?.push({ deviceid: STRIP_L2, name: 'Shelf', uiid: 137 });
    await sim.close();
    await startAt({ mode: 'manual', start: MONDAY }, accounts);
    await pushTimers(STRIP_L2, [
      once('t-too-early', MONDAY + HOUR, { colorTemp: 20 }),
      once('t-with-mode', MONDAY + 2 * HOUR, { mode: 2, colorTemp: 30 }),
    ]);

    // Act
    await sim.clock.advance(3 * HOUR);

    // Assess
    expect(sim.timerLog).toEqual([
      { deviceid: STRIP_L2, mId: 't-too-early', at: MONDAY + HOUR, action: 'do', params: {}, refused: expect.stringMatching(/colorTemp needs mode: 2/) },
      { deviceid: STRIP_L2, mId: 't-with-mode', at: MONDAY + 2 * HOUR, action: 'do', params: { mode: 2, colorTemp: 30 } },
    ]);
    expect(sim.device(STRIP_L2).params).toMatchObject({ mode: 2, colorTemp: 30 });
  });

  it('pushes each firing to the owner’s sockets as an update from userAgent "device", and keeps it in the history', async () => {
    // Prepare: the array goes over one socket; another only watches
    const sender = await socket();
    const watcher = await socket();
    const message = updateMessage(apikey, LAMP, { timers: [duration('t-pushed', MONDAY + MINUTE, 2, 3)] });
    sender.send(message);
    expect(await sender.next(bySequence(message.sequence))).toMatchObject({ error: 0 });

    // Act
    await sim.clock.advance(4 * MINUTE);

    // Assess
    for (const client of [sender, watcher]) {
      const on = await client.next(isSwitchPush(LAMP));
      const off = await client.next(isSwitchPush(LAMP));
      expect(on).toMatchObject({ action: 'update', deviceid: LAMP, apikey, userAgent: 'device', params: { switch: 'on' } });
      expect(off).toMatchObject({ userAgent: 'device', params: { switch: 'off' } });
    }
    const history = await post(eu, '/api/user/deviceHistory', { deviceid: LAMP, apikey }, { bearer: at });
    const [newest, older] = history.body.deviceHistories;
    expect(newest).toMatchObject({ userAgent: 'device', type: 0, opsTime: '2026-03-02T00:03:00.000Z', opsSwitchs: '[{"switch":"off"}]' });
    expect(older).toMatchObject({ userAgent: 'device', type: 0, opsTime: '2026-03-02T00:01:00.000Z', opsSwitchs: '[{"switch":"on"}]' });
  });

  it('stops firing entries a later array leaves out', async () => {
    // Prepare
    await pushTimers(LAMP, [repeat('t-hourly', '0 * * * *', { switch: 'on' })]);
    await sim.clock.advance(2 * HOUR);

    // Act
    await pushTimers(LAMP, []);
    await sim.clock.advance(5 * HOUR);

    // Assess
    expect(firedTimes()).toEqual(['2026-03-02T01:00:00.000Z', '2026-03-02T02:00:00.000Z']);
  });

  it('refuses a cron the device cannot read, keeping the old array', async () => {
    // Act
    const outside = await post(eu, '/api/user/device/status', { deviceid: LAMP, params: { timers: [repeat('t-bad', '75 8 * * *', { switch: 'on' })] } }, { bearer: at });
    const backwards = await post(eu, '/api/user/device/status', { deviceid: LAMP, params: { timers: [repeat('t-bad', '0 8 * * 5-1', { switch: 'on' })] } }, { bearer: at });

    // Assess
    expect(outside.body).toMatchObject({ error: 400, msg: expect.stringMatching(/timers\[0\]\.at must be a 5-field UTC cron expression: minute 75 is outside 0-59/) });
    expect(backwards.body).toMatchObject({ error: 400, msg: expect.stringMatching(/day of week range 5-1 runs backwards/) });
    expect(sim.device(LAMP).params['timers']).toEqual([]);
  });

  it('moves by the /_sim/clock routes and lists what fired at /_sim/timers/fired', async () => {
    // Prepare
    await pushTimers(LAMP, [once('t-route', MONDAY + HOUR, { switch: 'on' })]);
    await pushTimers(HEATER, [once('t-route-2', MONDAY + 3 * HOUR, { switch: 'on' })]);

    // Act
    const read = await control(sim.url, 'GET', '/_sim/clock');
    const advanced = await control(sim.url, 'POST', '/_sim/clock/advance', { ms: 2 * HOUR });
    const set = await control(sim.url, 'POST', '/_sim/clock/set', { now: '2026-03-02T04:00:00.000Z' });
    const back = await control(sim.url, 'POST', '/_sim/clock/set', { now: MONDAY });
    const badMove = await control(sim.url, 'POST', '/_sim/clock/advance', { ms: -1 });
    const all = await control(sim.url, 'GET', '/_sim/timers/fired');
    const heater = await control(sim.url, 'GET', `/_sim/timers/fired?deviceid=${HEATER}`);

    // Assess
    expect(read.body).toEqual({ mode: 'manual', now: MONDAY, iso: '2026-03-02T00:00:00.000Z' });
    expect(advanced.body).toEqual({
      mode: 'manual',
      now: MONDAY + 2 * HOUR,
      iso: '2026-03-02T02:00:00.000Z',
      fired: [{ deviceid: LAMP, mId: 't-route', at: MONDAY + HOUR, action: 'do', params: { switch: 'on' } }],
    });
    expect(set.body).toMatchObject({ now: MONDAY + 4 * HOUR, fired: [{ deviceid: HEATER, mId: 't-route-2', at: MONDAY + 3 * HOUR }] });
    expect(back.status).toBe(400);
    expect(back.body.error).toMatch(/only moves forward/);
    expect(badMove.status).toBe(400);
    expect(sim.clock.now()).toBe(MONDAY + 4 * HOUR);
    expect(all.body.fired.map((f: Json) => f.mId)).toEqual(['t-route', 't-route-2']);
    expect(heater.body.fired.map((f: Json) => f.mId)).toEqual(['t-route-2']);
  });

  it('follows the cron it is given across a DST change: 08:00 Berlin is 07:00Z, then 06:00Z once the bridge re-pushes', async () => {
    // Prepare: a fresh sim from Friday 2026-03-27; Berlin moves to summer time on Sunday the 29th
    await sim.close();
    await startAt({ mode: 'manual', start: Date.parse('2026-03-27T00:00:00.000Z') });
    await pushTimers(LAMP, [repeat('t-morning', '0 7 * * *', { switch: 'on' })]);

    // Act: after Saturday's firing the bridge compiles the next one again, now in CEST
    await sim.clock.set(Date.parse('2026-03-28T12:00:00.000Z'));
    await pushTimers(LAMP, [repeat('t-morning', '0 6 * * *', { switch: 'on' })]);
    await sim.clock.set(Date.parse('2026-03-29T12:00:00.000Z'));

    // Assess
    const fired = firedTimes('t-morning');
    expect(fired).toEqual(['2026-03-27T07:00:00.000Z', '2026-03-28T07:00:00.000Z', '2026-03-29T06:00:00.000Z']);
    const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' });
    expect(fired.map((time) => berlin.format(new Date(time)))).toEqual(['08:00', '08:00', '08:00']);
  });
});

describe('on the real clock (the default)', () => {
  beforeEach(() => startAt({ mode: 'real' }));

  it('follows the machine’s time, refuses to be moved, and fires what falls due within a second', async () => {
    // Prepare
    const due = Date.now() + 200;
    await pushTimers(LAMP, [once('t-now', due, { switch: 'on' })]);

    // Act
    const read = await control(sim.url, 'GET', '/_sim/clock');
    const moved = await control(sim.url, 'POST', '/_sim/clock/advance', { ms: 1000 });
    const set = await control(sim.url, 'POST', '/_sim/clock/set', { now: Date.now() + HOUR });

    // Assess
    expect(read.body.mode).toBe('real');
    expect(Math.abs(read.body.now - Date.now())).toBeLessThan(1000);
    expect(moved.status).toBe(400);
    expect(set.status).toBe(400);
    await expect(sim.clock.advance(1000)).rejects.toThrow(/the clock is real/);
    await vi.waitFor(() => expect(switchOf(LAMP)).toBe('on'), { timeout: 2500, interval: 50 });
    expect(sim.timerLog).toEqual([{ deviceid: LAMP, mId: 't-now', at: Date.parse(iso(due)), action: 'do', params: { switch: 'on' } }]);
  });
});
