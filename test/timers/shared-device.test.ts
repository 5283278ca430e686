import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountSeed } from '../../sim';
import { bridgeMid, timerOwner } from '../../lib/timers/compile';
import type { TimerInput } from '../../lib/timers/timer-service';
import { ACCOUNT, startHarness, testAccount, warmSocket, type Harness } from '../support/bridge';

/*
 * One device, two bridge accounts: the owner's, and a friend's the owner shared it with
 * (permit 15, so the cloud lets the friend add, change and delete timers). Both push the
 * device's full `timers` array; neither may take the other's entries away.
 */

const LAMP = '1000000001';
const SECOND = 'second';
const FRIEND: AccountSeed = {
  email: 'friend@example.com',
  password: 'friend-password',
  region: 'eu',
  shareAnswer: 'accept',
  devices: [{ deviceid: '2000000001', name: 'Friend lamp', uiid: 1, params: { switch: 'off' } }],
};

/** A weekly Monday timer in UTC: its `at` on the device is `"<minute> <hour> * * 1"`. */
function mondayAt(time: string): TimerInput {
  return { schedule: { type: 'repeat', days: [1], time }, timeZone: 'UTC', action: { power: 'on' } };
}

function deviceTimerTimes(h: Harness): string[] {
  const timers = h.sim.device(LAMP).params.timers;
  return (Array.isArray(timers) ? (timers as { at: string }[]) : []).map((t) => t.at).sort();
}

describe('a device shared between two bridge accounts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sim: { accounts: [testAccount(), FRIEND] } });
    await h.bridge.accounts.login(SECOND, { email: FRIEND.email as string }, FRIEND.password, 'eu');
    // A receiver answers an invitation only from an open socket session.
    await warmSocket(h, SECOND);
    const online = await h.bridge.controller.control(SECOND, '2000000001', { power: 'on' });
    expect(online.via).toBe('socket');
    const shared = await h.call('POST', `/devices/${LAMP}/shares`, { body: { uid: FRIEND.email, permit: 15 } });
    expect(shared.status).toBe(200);
  });
  afterAll(async () => h.close());

  const ownerIds: string[] = [];

  it("keeps each account's timers on the device when the other pushes", async () => {
    // Prepare: the owner's three timers, through the HTTP API
    for (const time of ['06:00', '07:00', '08:00']) {
      const added = await h.call('POST', `/devices/${LAMP}/timers`, { body: mondayAt(time) });
      expect(added.status).toBe(201);
      expect(added.body.push.status).toBe('done');
      ownerIds.push(added.body.timer.id);
    }

    // Act: the friend's account adds one on the shared device
    const friends = await h.bridge.timers.add(SECOND, LAMP, mondayAt('09:00'));

    // Assess
    expect(friends.push.status).toBe('done');
    expect(deviceTimerTimes(h)).toEqual(['0 6 * * 1', '0 7 * * 1', '0 8 * * 1', '0 9 * * 1']);

    // Act: the owner deletes one of theirs
    const removed = await h.call('DELETE', `/devices/${LAMP}/timers/${ownerIds[1]}`);

    // Assess: the friend's timer is still there
    expect(removed.status).toBe(200);
    expect(removed.body.push.status).toBe('done');
    expect(deviceTimerTimes(h)).toEqual(['0 6 * * 1', '0 8 * * 1', '0 9 * * 1']);
  });

  it("finds no drift in the other account's entries when either account reconciles", async () => {
    // Act
    const owner = await h.bridge.timers.reconcile(ACCOUNT);
    const friend = await h.bridge.timers.reconcile(SECOND);

    // Assess
    expect(owner).toMatchObject({ inSync: [LAMP], pushed: [], drift: [] });
    expect(friend).toMatchObject({ inSync: [LAMP], pushed: [], drift: [] });
    expect(deviceTimerTimes(h)).toEqual(['0 6 * * 1', '0 8 * * 1', '0 9 * * 1']);
  });

  it("puts back only the reconciling account's missing entry, counting the other's as not its own", async () => {
    // Prepare: the owner's 06:00 entry is taken off the device behind the bridge's back
    const creds = await h.parts.keeper.withCredentials(ACCOUNT, async (c) => c);
    const held = h.sim.device(LAMP).params.timers as { at: string }[];
    await h.parts.client.setStatus(creds, LAMP, { timers: held.filter((t) => t.at !== '0 6 * * 1') });

    // Act
    const owner = await h.bridge.timers.reconcile(ACCOUNT);

    // Assess
    expect(owner).toMatchObject({ pushed: [LAMP], drift: [{ deviceid: LAMP, missing: [bridgeMid(timerOwner(ACCOUNT, creds.apikey), LAMP, `timer:${ownerIds[0]}`)], unexpected: [], foreign: 1 }] });
    expect(deviceTimerTimes(h)).toEqual(['0 6 * * 1', '0 8 * * 1', '0 9 * * 1']);
  });
});
