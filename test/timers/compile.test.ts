import { describe, expect, it } from 'vitest';
import { deviceProfile } from '../../lib/devices/catalogue';
import { accountMark, bridgeMid, compileTimers, isBridgeMid, legacyBridgeMid, timerOwner } from '../../lib/timers/compile';
import type { DeviceTimerEntry, SceneDef, TimerDef } from '../../lib/timers/model';
import type { Schedule } from '../../lib/timers/schedule';

/*
 * The compile step where time zones matter: local wall times become the UTC instants and
 * UTC crons a device runs. DST dates as in zoned-time.test.ts (Berlin changes on 31 March and
 * 27 October 2024, New York on 10 March and 3 November, Adelaide is +10:30 in January and
 * +09:30 in June, Kolkata +05:30 all year).
 */

const ACCOUNT = 'default';
const LAMP = '1000000001';
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];

function timer(schedule: Schedule, timeZone: string): TimerDef {
  return { id: 't-1', schedule, timeZone, action: { power: 'on' }, enabled: true, createdAt: 0 };
}

/** The one entry compiled for a single-switch device with this timer at `now`, if any. */
function compiledEntry(schedule: Schedule, timeZone: string, now: string): DeviceTimerEntry | undefined {
  const entries = compileTimers({ owner: ACCOUNT, deviceid: LAMP, profile: deviceProfile(1), params: { switch: 'off' }, timers: [timer(schedule, timeZone)], scenes: [], current: [], now: Date.parse(now) });
  expect(entries.length).toBeLessThanOrEqual(1);
  return entries[0];
}

describe('once', () => {
  it.each([
    { zone: 'Europe/Berlin', at: '2024-03-31T02:30', utc: '2024-03-31T01:30:00.000Z', why: 'skipped by the spring change: the same span after the gap (03:30 CEST)' },
    { zone: 'Europe/Berlin', at: '2024-10-27T02:30', utc: '2024-10-27T00:30:00.000Z', why: 'doubled by the autumn change: the first (CEST) one' },
    { zone: 'America/New_York', at: '2024-11-03T01:30', utc: '2024-11-03T05:30:00.000Z', why: 'doubled: the first (EDT) one' },
    { zone: 'Asia/Kolkata', at: '2024-06-01T03:00', utc: '2024-05-31T21:30:00.000Z', why: 'a half-hour offset, the UTC day before' },
  ])('$zone $at → $utc ($why)', ({ zone, at, utc }) => {
    expect(compiledEntry({ type: 'once', at }, zone, '2024-01-01T00:00:00Z')).toEqual(
      expect.objectContaining({ type: 'once', coolkit_timer_type: 'once', at: utc, do: { switch: 'on' } }),
    );
  });

  it('is left out once its first occurrence has passed, even while the doubled hour repeats', () => {
    // Prepare: 01:00Z on 27 October is 02:00 CET, between the two 02:30s of that night
    const now = '2024-10-27T01:00:00Z';

    // Act
    const entry = compiledEntry({ type: 'once', at: '2024-10-27T02:30' }, 'Europe/Berlin', now);

    // Assess
    expect(entry).toBeUndefined();
  });
});

describe('duration', () => {
  it('starts a cycle set in the spring gap the same span after it', () => {
    const entry = compiledEntry({ type: 'duration', start: '2024-03-31T02:30', onMinutes: 10, offMinutes: 20 }, 'Europe/Berlin', '2024-03-01T00:00:00Z');
    expect(entry).toEqual(expect.objectContaining({ type: 'duration', at: '2024-03-31T01:30:00.000Z 10 20', startDo: { switch: 'on' }, endDo: { switch: 'off' } }));
  });
});

describe('repeat', () => {
  it.each([
    { why: 'before Saturday’s run: the next one is in winter time', now: '2024-03-30T06:00:00Z', cron: '0 7 * * 0,1,2,3,4,5,6' },
    { why: 'after Saturday’s run: the next one, Sunday, is in summer time', now: '2024-03-30T08:00:00Z', cron: '0 6 * * 0,1,2,3,4,5,6' },
    { why: 'before Saturday’s run in October: still summer time', now: '2024-10-26T05:00:00Z', cron: '0 6 * * 0,1,2,3,4,5,6' },
    { why: 'after Saturday’s run in October: Sunday is in winter time', now: '2024-10-26T07:00:00Z', cron: '0 7 * * 0,1,2,3,4,5,6' },
  ])('08:00 every day in Berlin, $why: $cron', ({ now, cron }) => {
    expect(compiledEntry({ type: 'repeat', days: EVERY_DAY, time: '08:00' }, 'Europe/Berlin', now)?.at).toBe(cron);
  });

  it.each([
    { zone: 'America/New_York', days: [5], time: '21:00', now: '2024-07-01T00:00:00Z', cron: '0 1 * * 6', why: 'Friday evening EDT is Saturday in UTC' },
    { zone: 'America/New_York', days: [5], time: '21:00', now: '2024-12-01T00:00:00Z', cron: '0 2 * * 6', why: 'and an hour later in EST' },
    { zone: 'Asia/Kolkata', days: [0], time: '03:00', now: '2024-06-01T00:00:00Z', cron: '30 21 * * 6', why: 'Sunday early morning is Saturday in UTC, on the half hour' },
    { zone: 'Asia/Kolkata', days: [0, 1], time: '03:00', now: '2024-06-01T00:00:00Z', cron: '30 21 * * 0,6', why: 'the weekdays shift together and stay sorted' },
    { zone: 'Australia/Adelaide', days: [1], time: '08:00', now: '2024-01-03T00:00:00Z', cron: '30 21 * * 0', why: 'Monday morning at +10:30 is Sunday in UTC' },
    { zone: 'Australia/Adelaide', days: [1], time: '08:00', now: '2024-06-03T00:00:00Z', cron: '30 22 * * 0', why: 'an hour later at +09:30' },
  ])('$zone $time on $days: $cron ($why)', ({ zone, days, time, now, cron }) => {
    expect(compiledEntry({ type: 'repeat', days, time }, zone, now)?.at).toBe(cron);
  });

  // A weekly time inside the spring gap falls just after it (03:30 CEST = 01:30Z), as the same
  // wall time does as a once timer; the cron once came out at 00:30Z, before the gap.
  it('02:30 on the Sunday Berlin springs forward fires when a once timer for that wall time would (01:30Z)', () => {
    const now = '2024-03-30T12:00:00Z';
    const once = compiledEntry({ type: 'once', at: '2024-03-31T02:30' }, 'Europe/Berlin', now);
    const repeat = compiledEntry({ type: 'repeat', days: [0], time: '02:30' }, 'Europe/Berlin', now);
    expect(once?.at).toBe('2024-03-31T01:30:00.000Z');
    expect(repeat?.at).toBe('30 1 * * 0');
  });
});

describe('scenes', () => {
  it('reads a scheduled scene without a time zone in UTC, where nothing is skipped', () => {
    // Prepare
    const scene: SceneDef = {
      id: 's-1',
      name: 'Night',
      actions: [{ deviceid: LAMP, command: { power: 'off' } }],
      schedule: { type: 'once', at: '2024-03-31T02:30' },
      enabled: true,
      createdAt: 0,
      updatedAt: 0,
    };

    // Act
    const entries = compileTimers({ owner: ACCOUNT, deviceid: LAMP, profile: deviceProfile(1), params: {}, timers: [], scenes: [scene], current: [], now: Date.parse('2024-03-01T00:00:00Z') });

    // Assess
    expect(entries).toEqual([expect.objectContaining({ type: 'once', at: '2024-03-31T02:30:00.000Z', do: { switch: 'off' } })]);
  });
});

describe('whose entries', () => {
  const OWNER = 'owner';
  const FRIEND = 'friend';
  const NOW = Date.parse('2024-03-01T00:00:00Z');
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  /** An entry made in the phone app: a random (version 4) uuid. */
  const PHONE: DeviceTimerEntry = { enabled: 1, mId: '9d2c6a41-0b7e-4f3a-8c55-1e2f3a4b5c6d', type: 'repeat', coolkit_timer_type: 'repeat', at: '0 6 * * 1', do: { switch: 'on' } };

  function timerAt(id: string, time: string): TimerDef {
    return { id, schedule: { type: 'repeat', days: [1], time }, timeZone: 'UTC', action: { power: 'on' }, enabled: true, createdAt: 0 };
  }

  function compileFor(owner: string, timers: TimerDef[], current: unknown[]): DeviceTimerEntry[] {
    return compileTimers({ owner, deviceid: LAMP, profile: deviceProfile(1), params: { switch: 'off' }, timers, scenes: [], current, now: NOW });
  }

  it('gives each account its own uuid-shaped mark, the same on every compile', () => {
    const owner = bridgeMid(OWNER, LAMP, 'timer:t-1');
    const friend = bridgeMid(FRIEND, LAMP, 'timer:t-1');
    expect(owner).toMatch(UUID);
    expect(friend).toMatch(UUID);
    expect(owner).not.toBe(friend);
    expect(bridgeMid(OWNER, LAMP, 'timer:t-1')).toBe(owner);
    // Two deployments that both call their account "default" but are linked to different eWeLink accounts.
    expect(accountMark(timerOwner('default', 'apikey-of-sam'))).not.toBe(accountMark(timerOwner('default', 'apikey-of-kim')));
    expect([owner, friend].every(isBridgeMid)).toBe(true);
    expect(isBridgeMid(PHONE.mId)).toBe(false);
  });

  it("replaces only the pushing account's entries: the other account's and the phone's stay", () => {
    // Prepare: the phone's entry, then the owner's two timers, then the friend's one, as two pushes left them
    const ownerTimers = [timerAt('o-1', '07:00'), timerAt('o-2', '08:00')];
    const friendTimers = [timerAt('f-1', '09:00')];
    const afterOwner = compileFor(OWNER, ownerTimers, [PHONE]);
    const device = compileFor(FRIEND, friendTimers, afterOwner);
    expect(device).toHaveLength(4);

    // Act: each account compiles again, the owner having dropped one timer, the friend having added one
    const byOwner = compileFor(OWNER, [ownerTimers[1] as TimerDef], device);
    const byFriend = compileFor(FRIEND, [...friendTimers, timerAt('f-2', '10:00')], device);

    // Assess
    const friendEntries = device.filter((e) => e.at === '0 9 * * 1');
    expect(friendEntries).toHaveLength(1);
    expect(byOwner.map((e) => e.at).sort()).toEqual(['0 6 * * 1', '0 8 * * 1', '0 9 * * 1']);
    expect(byOwner).toEqual(expect.arrayContaining([PHONE, ...friendEntries]));
    expect(byFriend.map((e) => e.at).sort()).toEqual(['0 10 * * 1', '0 6 * * 1', '0 7 * * 1', '0 8 * * 1', '0 9 * * 1']);
    expect(byFriend).toEqual(expect.arrayContaining([PHONE, ...afterOwner]));
  });

  it("takes old shared-mark entries for the pushing account's when its model yields one of them, orphans included", () => {
    // Prepare: an older bridge pushed timers o-1 and o-gone (deleted since, while the device was offline)
    const legacy = (id: string, at: string): DeviceTimerEntry => ({ ...PHONE, mId: legacyBridgeMid(LAMP, `timer:${id}`), at });
    const current = [PHONE, legacy('o-1', '0 7 * * 1'), legacy('o-gone', '0 5 * * 1')];

    // Act
    const entries = compileFor(OWNER, [timerAt('o-1', '07:00')], current);

    // Assess: no duplicate of o-1, no orphan, the phone's entry kept
    expect(entries).toEqual([PHONE, expect.objectContaining({ mId: bridgeMid(OWNER, LAMP, 'timer:o-1'), at: '0 7 * * 1' })]);
  });

  it('keeps old shared-mark entries that nothing in the pushing account yields: they are another account\'s', () => {
    // Prepare: the owner's bridge, before the upgrade, was the last to push to the device
    const ownersOld = { ...PHONE, mId: legacyBridgeMid(LAMP, 'timer:o-1'), at: '0 7 * * 1' };

    // Act: the friend pushes first after the upgrade
    const entries = compileFor(FRIEND, [timerAt('f-1', '09:00')], [PHONE, ownersOld]);

    // Assess
    expect(entries).toEqual([PHONE, ownersOld, expect.objectContaining({ mId: bridgeMid(FRIEND, LAMP, 'timer:f-1') })]);
  });
});
