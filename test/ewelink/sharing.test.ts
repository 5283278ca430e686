import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EwelinkClient } from '../../lib/ewelink/client';
import { CommandChannel, type CommandTarget } from '../../lib/ewelink/command';
import { Forbidden, ShareTimeout, SocketUnavailable } from '../../lib/ewelink/errors';
import { socketUrl } from '../../lib/ewelink/hosts';
import { closeHttpPools } from '../../lib/ewelink/http';
import { CloudSocket, type PushedMessage } from '../../lib/ewelink/socket';
import type { CloudDevice, Credentials } from '../../lib/ewelink/types';
import type { Sim } from '../../sim/index';
import {
  ALICE,
  APP_ID,
  CAROL,
  clientFor,
  credentialsFor,
  DAVE,
  ERIN,
  FRANK,
  GINA,
  httpLog,
  LAMP,
  nextEvent,
  rejection,
  SHARE_RETRY_AFTER_SEC,
  SHARE_TIMEOUT_MS,
  socketLog,
  STRIP,
  testSim,
  UNBOUND,
} from './fixture';

/*
 * Sharing over the WebSocket (share, updateShare, cancelShare), and what a receiver may do
 * with a shared device. The tests run in order on one sim: dave accepts lamp with permit 1
 * (add timers only), then gets permit 15, then loses the share. Receivers answer as seeded:
 * dave accepts, erin refuses, frank never answers; gina accepts but is never online.
 */

let sim: Sim;
let client: EwelinkClient;
let alice: Credentials;
let dave: Credentials;
const channels: CommandChannel[] = [];
const sockets: CloudSocket[] = [];
const lamp: CommandTarget = { deviceid: LAMP, apikey: ALICE.apikey };

function newChannel(): CommandChannel {
  const channel = new CommandChannel(client, { connectTimeoutMs: 2_000, requestTimeoutMs: 2_000, shareTimeoutMs: 2_000 });
  channels.push(channel);
  return channel;
}

/** The account with a socket session open, as a receiver must be to answer an invitation. */
async function online(login: string): Promise<Credentials> {
  const creds = credentialsFor(sim, login);
  const target = await client.dispatch(creds);
  sockets.push(await CloudSocket.open({ url: socketUrl(sim.apiUrlTemplate, target.domain, target.port), at: creds.at, apikey: creds.apikey, appId: APP_ID }));
  return creds;
}

async function listed(creds: Credentials, deviceid: string): Promise<CloudDevice | undefined> {
  return (await client.devices(creds)).find((d) => d.deviceid === deviceid);
}

function timer(overrides: Record<string, unknown> = {}) {
  return { enabled: 1, mId: 'timer-1', type: 'repeat', coolkit_timer_type: 'repeat', at: '0 8 * * 1', do: { switch: 'on' }, ...overrides };
}

let aliceChannel: CommandChannel;
let daveChannel: CommandChannel;

beforeAll(async () => {
  // A manual clock (from now): the wait before an unanswered receiver may be asked again is moved by the test, not slept.
  sim = await testSim({ clock: { mode: 'manual', start: Date.now() } });
  client = clientFor(sim.apiUrlTemplate);
  alice = credentialsFor(sim, ALICE.email);
  dave = await online(DAVE.email);
  await online(ERIN.phoneNumber);
  await online(FRANK.email);
  aliceChannel = newChannel();
  daveChannel = newChannel();
});
afterAll(async () => {
  for (const channel of channels) channel.close();
  for (const socket of sockets) socket.close();
  await closeHttpPools();
  await sim.close();
});

describe('share', () => {
  it('accepted (result 2): the message on the wire, the device in the receiver’s list under the owner’s apikey, the receiver in the owner’s', async () => {
    // Prepare
    sim.stats.reset();
    const before = Date.now();

    // Act
    const outcome = await aliceChannel.share(alice, lamp, { uid: DAVE.email, deviceName: 'Lamp', permit: 1, note: 'hi' });

    // Assess: the message
    expect(outcome).toBe('accepted');
    const [sent, ...more] = socketLog(sim, 'share');
    expect(more).toEqual([]);
    expect(sent?.message).toEqual({
      action: 'share',
      apikey: ALICE.apikey,
      selfApikey: ALICE.apikey,
      deviceid: LAMP,
      params: { uid: DAVE.email, deviceName: 'Lamp', permit: 1, shareTime: expect.any(Number), note: 'hi' },
      ts: 0,
      userAgent: 'app',
      sequence: expect.stringMatching(/^\d{13,}$/),
    });
    const shareTime = (sent?.message as { params: { shareTime: number } }).params.shareTime;
    expect(shareTime).toBeGreaterThanOrEqual(before);
    expect(shareTime).toBeLessThanOrEqual(Date.now());

    // Assess: both sides of the share
    expect(await listed(dave, LAMP)).toMatchObject({ apikey: ALICE.apikey, sharedBy: { apikey: ALICE.apikey, email: ALICE.email, permit: 1 } });
    expect((await listed(alice, LAMP))?.['sharedTo']).toEqual([expect.objectContaining({ email: DAVE.email, permit: 1, note: 'hi' })]);
  });

  it('permit left out: not sent; the note always is (the cloud requires it)', async () => {
    // Act
    sim.stats.reset();
    await aliceChannel.share(alice, { deviceid: STRIP, apikey: ALICE.apikey }, { uid: DAVE.email, deviceName: 'Strip', note: 'hi' });

    // Assess
    const params = (socketLog(sim, 'share')[0]?.message as { params: Record<string, unknown> }).params;
    expect(Object.keys(params).sort()).toEqual(['deviceName', 'note', 'shareTime', 'uid']);
  });

  it('already shared (result 4)', async () => {
    expect(await aliceChannel.share(alice, lamp, { uid: DAVE.email, deviceName: 'Lamp', permit: 15, note: 'hi' })).toBe('already_shared');
  });

  it('refused (result 3): the device stays out of the receiver’s list', async () => {
    expect(await aliceChannel.share(alice, lamp, { uid: ERIN.phoneNumber, deviceName: 'Lamp', permit: 15, note: 'hi' })).toBe('refused');
    expect(await listed(credentialsFor(sim, ERIN.phoneNumber), LAMP)).toBeUndefined();
  });

  it.each([
    { who: 'an address with no account', uid: 'nobody@example.com' },
    { who: 'an account of another region', uid: CAROL.email },
  ])('no such account (result 1): $who', async ({ uid }) => {
    expect(await aliceChannel.share(alice, lamp, { uid, deviceName: 'Lamp', permit: 15, note: 'hi' })).toBe('no_such_account');
  });

  it('no answer (504) → ShareTimeout; the same receiver asked again before the wait is over → 403; once it is over, asked again', async () => {
    // Act
    const started = Date.now();
    const first = await rejection(aliceChannel.share(alice, lamp, { uid: FRANK.email, deviceName: 'Lamp', note: 'hi' }));
    const waited = Date.now() - started;
    await sim.clock.advance(SHARE_RETRY_AFTER_SEC * 1000 - 1);
    const tooSoon = await rejection(aliceChannel.share(alice, { deviceid: STRIP, apikey: ALICE.apikey }, { uid: FRANK.email, deviceName: 'Strip', note: 'hi' }));
    await sim.clock.advance(1);
    const later = await rejection(aliceChannel.share(alice, lamp, { uid: FRANK.email, deviceName: 'Lamp', note: 'hi' }));

    // Assess
    expect(first).toBeInstanceOf(ShareTimeout);
    expect(first).toMatchObject({ code: 504, operation: 'share' });
    expect(first.message).toMatch(/online/);
    expect(first.message).toMatch(/3 minutes/);
    expect(waited).toBeGreaterThanOrEqual(SHARE_TIMEOUT_MS - 5);
    expect(tooSoon).toBeInstanceOf(Forbidden);
    expect(tooSoon).toMatchObject({ code: 403, operation: 'share' });
    expect(tooSoon.message).toMatch(/asked again/);
    expect(later).toBeInstanceOf(ShareTimeout);
  });

  it('an offline receiver (no socket) → ShareTimeout', async () => {
    const err = await rejection(aliceChannel.share(alice, lamp, { uid: GINA.email, deviceName: 'Lamp', note: 'hi' }));
    expect(err).toBeInstanceOf(ShareTimeout);
  });

  it('no WebSocket session → SocketUnavailable, and nothing goes over HTTP but the dispatch', async () => {
    // Prepare
    const channel = newChannel();
    sim.faults.refuseSockets = true;
    sim.stats.reset();

    // Act
    const err = await rejection(channel.share(alice, lamp, { uid: DAVE.email, deviceName: 'Lamp', note: 'hi' })).finally(() => {
      sim.faults.refuseSockets = false;
    });

    // Assess
    expect(err).toBeInstanceOf(SocketUnavailable);
    expect(err).toMatchObject({ operation: 'share' });
    expect(httpLog(sim).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /dispatch/app']);
  });
});

describe('what a receiver may do with a shared device (dave, permit 1: add timers)', () => {
  it('control it over its own socket, with the owner’s apikey in the message', async () => {
    // Prepare
    expect(await daveChannel.connect(dave)).toBe(true);

    // Act
    const route = await daveChannel.send(dave, lamp, { switch: 'on' });

    // Assess
    expect(route).toBe('socket');
    expect(sim.device(LAMP).params['switch']).toBe('on');
    const history = await client.deviceHistory(dave, LAMP);
    expect(history[0]).toMatchObject({ userAgent: 'app', apikey: DAVE.apikey, opsAccount: DAVE.email, opsSwitchs: [{ switch: 'on' }] });
  });

  it('hear of the owner’s changes on its socket', async () => {
    // Prepare: dave's session is open from the send above
    const pushed = nextEvent<PushedMessage>(daveChannel, 'push', (m) => m.deviceid === LAMP);

    // Act
    await aliceChannel.send(alice, lamp, { switch: 'off' });

    // Assess
    expect(await pushed).toMatchObject({ action: 'update', deviceid: LAMP, apikey: ALICE.apikey, params: { switch: 'off' } });
  });

  it('add a timer (permit bit 1)', async () => {
    await daveChannel.send(dave, lamp, { timers: [timer()] });
    expect(sim.device(LAMP).params['timers']).toEqual([timer()]);
  });

  it.each([
    { change: 'edit a timer (needs 2)', timers: [timer({ at: '0 9 * * 1' })] },
    { change: 'disable a timer (needs 8)', timers: [timer({ enabled: 0 })] },
    { change: 'delete a timer (needs 4)', timers: [] },
  ])('not $change: 403', async ({ timers }) => {
    // Act
    const overSocket = await rejection(daveChannel.send(dave, lamp, { timers }));
    const overHttp = await rejection(client.setStatus(dave, LAMP, { timers }));

    // Assess
    expect(overSocket).toBeInstanceOf(Forbidden);
    expect(overSocket).toMatchObject({ code: 403, operation: 'update' });
    expect(overHttp).toBeInstanceOf(Forbidden);
    expect(overHttp).toMatchObject({ code: 403, operation: 'setStatus' });
    expect(sim.device(LAMP).params['timers']).toEqual([timer()]);
  });

  it.each([
    { what: 'share it on', act: () => daveChannel.share(dave, lamp, { uid: ERIN.phoneNumber, deviceName: 'Lamp', note: 'hi' }), operation: 'share' },
    { what: 'rename it', act: () => client.renameDevice(dave, LAMP, 'Mine now'), operation: 'renameDevice' },
    { what: 'name its channels', act: () => client.setChannelNames(dave, LAMP, { '0': 'Mine' }), operation: 'setChannelNames' },
    { what: 'delete it', act: () => client.deleteDevice(dave, LAMP), operation: 'deleteDevice' },
  ])('not $what: 403', async ({ act, operation }) => {
    const err = await rejection(act());
    expect(err).toBeInstanceOf(Forbidden);
    expect(err).toMatchObject({ code: 403, operation });
    expect(sim.device(LAMP).ownerApikey).toBe(ALICE.apikey);
  });
});

describe('updateShare and cancelShare', () => {
  it('updateShare to permit 15 (accepted): the message, then the edit goes through', async () => {
    // Act
    sim.stats.reset();
    const outcome = await aliceChannel.updateShare(alice, lamp, { uid: DAVE.email, deviceName: 'Lamp', permit: 15, note: 'hi' });
    await daveChannel.send(dave, lamp, { timers: [timer({ at: '0 9 * * 1' })] });

    // Assess
    expect(outcome).toBe('accepted');
    expect(socketLog(sim, 'updateShare')[0]?.message).toEqual({
      action: 'updateShare',
      apikey: ALICE.apikey,
      selfApikey: ALICE.apikey,
      deviceid: LAMP,
      params: { uid: DAVE.email, deviceName: 'Lamp', permit: 15, shareTime: expect.any(Number), note: 'hi' },
      userAgent: 'app',
      sequence: expect.stringMatching(/^\d{13,}$/),
    });
    expect(sim.device(LAMP).params['timers']).toEqual([timer({ at: '0 9 * * 1' })]);
    expect((await listed(dave, LAMP))?.['sharedBy']).toMatchObject({ permit: 15 });
  });

  it('updateShare for someone the device is not shared with → BadRequest (400)', async () => {
    const err = await rejection(aliceChannel.updateShare(alice, lamp, { uid: ERIN.phoneNumber, deviceName: 'Lamp', permit: 1, note: 'hi' }));
    expect(err).toMatchObject({ name: 'BadRequest', code: 400, operation: 'updateShare' });
  });

  it('cancelShare: the device leaves the receiver’s list; cancelling again is no error', async () => {
    // Act
    sim.stats.reset();
    await aliceChannel.cancelShare(alice, lamp, { uid: DAVE.email, deviceName: 'Lamp' });
    await aliceChannel.cancelShare(alice, lamp, { uid: DAVE.email, deviceName: 'Lamp' });

    // Assess
    expect(socketLog(sim, 'cancelShare')[0]?.message).toEqual({
      action: 'cancelShare',
      apikey: ALICE.apikey,
      selfApikey: ALICE.apikey,
      deviceid: LAMP,
      params: { uid: DAVE.email, deviceName: 'Lamp' },
      userAgent: 'app',
      sequence: expect.stringMatching(/^\d{13,}$/),
    });
    expect(await listed(dave, LAMP)).toBeUndefined();
    expect((await listed(alice, LAMP))?.['sharedTo']).toEqual([]);
    expect((await rejection(daveChannel.send(dave, lamp, { switch: 'on' }))).name).toBe('NotFound');
  });

  it('deleting a shared device ends its shares', async () => {
    // Prepare
    const spare = UNBOUND[3] ?? { deviceid: '', devicekey: '' };
    await client.addDevice(alice, { deviceid: spare.deviceid, apikey: spare.devicekey, name: 'Spare' });
    await aliceChannel.share(alice, { deviceid: spare.deviceid, apikey: ALICE.apikey }, { uid: DAVE.email, deviceName: 'Spare', note: 'hi' });
    expect(await listed(dave, spare.deviceid)).toBeDefined();

    // Act
    await client.deleteDevice(alice, spare.deviceid);

    // Assess
    expect(await listed(dave, spare.deviceid)).toBeUndefined();
  });
});
