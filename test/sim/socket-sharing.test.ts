import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index';
import { ALICE, BOB, BOB_PLUG, LAMP, regionBase, seeds, testSim, wsUrl } from './fixture';
import { bySequence, get, onlineSocket, sequence, type SocketClient } from './wire';

/*
 * share / updateShare / cancelShare on a raw socket: the 400s for malformed messages, and
 * the replies' shape. The receivers (dana accepts, ed refuses) are in alice's region.
 */

const DANA = { email: 'dana@example.com', password: 'dana-pw', region: 'eu' as const };
const ED = { email: 'ed@example.com', password: 'ed-pw', region: 'eu' as const, shareAnswer: 'refuse' as const };

let sim: Sim;
let alice: { at: string; apikey: string };
const opened: SocketClient[] = [];

async function online(login: string): Promise<SocketClient & { apikey: string; at: string }> {
  const { at, apikey } = sim.issueTokens(login);
  const client = await onlineSocket(wsUrl(sim), at, apikey);
  opened.push(client);
  return Object.assign(client, { apikey, at });
}

function shareMessage(action: string, overrides: Record<string, unknown> = {}, params: Record<string, unknown> = {}) {
  return {
    action,
    apikey: alice.apikey,
    selfApikey: alice.apikey,
    deviceid: LAMP,
    userAgent: 'app',
    sequence: sequence(),
    ts: 0,
    params: { uid: DANA.email, deviceName: 'Lamp', permit: 15, shareTime: Date.now(), note: 'hello', ...params },
    ...overrides,
  };
}

async function ask(socket: SocketClient, message: Record<string, unknown>) {
  socket.send(message);
  return socket.next(bySequence(message['sequence'] as string));
}

beforeAll(async () => {
  sim = await testSim({ accounts: [...seeds(), DANA, ED], shareTimeoutMs: 100 });
  alice = sim.issueTokens(ALICE.email);
  await online(DANA.email);
  await online(ED.email);
});
afterEach(() => {
  while (opened.length > 2) opened.pop()?.close();
});
afterAll(async () => {
  for (const socket of opened) socket.close();
  await sim.close();
});

describe('malformed share messages → 400', () => {
  it.each([
    { what: 'no apikey', action: 'share', overrides: { apikey: undefined } },
    { what: 'no deviceid', action: 'share', overrides: { deviceid: undefined } },
    { what: 'no selfApikey', action: 'share', overrides: { selfApikey: undefined } },
    { what: 'a selfApikey not the session’s', action: 'share', overrides: { selfApikey: 'someone-else' } },
    { what: 'userAgent "device"', action: 'share', overrides: { userAgent: 'device' } },
    { what: 'no params', action: 'share', overrides: { params: undefined } },
    { what: 'ts a string', action: 'share', overrides: { ts: '0' } },
    { what: 'no uid', action: 'share', params: { uid: undefined } },
    { what: 'uid a number', action: 'share', params: { uid: 8613100000001 } },
    { what: 'no deviceName', action: 'share', params: { deviceName: undefined } },
    { what: 'permit 16', action: 'share', params: { permit: 16 } },
    { what: 'permit "15"', action: 'share', params: { permit: '15' } },
    { what: 'permit 1.5', action: 'share', params: { permit: 1.5 } },
    { what: 'shareTime a string', action: 'share', params: { shareTime: 'now' } },
    { what: 'note a number', action: 'share', params: { note: 10 } },
    { what: 'no note', action: 'share', params: { note: undefined } },
    { what: 'an empty note', action: 'share', params: { note: '' } },
    { what: 'a note of 11 characters', action: 'share', params: { note: 'eleven char' } },
    { what: 'no note', action: 'updateShare', params: { note: undefined } },
    { what: 'no permit', action: 'updateShare', params: { permit: undefined } },
    { what: 'no uid', action: 'cancelShare', params: { uid: undefined } },
    { what: 'no deviceName', action: 'cancelShare', params: { deviceName: undefined } },
  ])('$action with $what', async ({ action, overrides, params }) => {
    // Prepare
    const socket = await online(ALICE.email);
    const message = shareMessage(action, overrides, params);

    // Act
    const reply = await ask(socket, JSON.parse(JSON.stringify(message)));

    // Assess
    expect(reply).toMatchObject({ error: 400, reason: expect.any(String), sequence: message.sequence });
  });
});

describe('replies', () => {
  it('share accepted: {error: 0, result: 2} echoing apikey, deviceid and sequence; then the device is in the receiver’s list', async () => {
    // Prepare
    const socket = await online(ALICE.email);
    const message = shareMessage('share', {}, { permit: 9, note: 'welcome' });

    // Act
    const reply = await ask(socket, message);

    // Assess
    expect(reply).toEqual({ error: 0, result: 2, apikey: alice.apikey, deviceid: LAMP, sequence: message.sequence });
    const { at } = sim.issueTokens(DANA.email);
    const list = await get(regionBase(sim, 'eu'), '/api/user/device', {}, { bearer: at });
    expect(list.body.devicelist).toEqual([expect.objectContaining({ deviceid: LAMP, apikey: alice.apikey, sharedBy: expect.objectContaining({ permit: 9 }) })]);
  });

  it('the result codes: 4 already shared, 3 refused, 1 no such account (or another region’s)', async () => {
    const socket = await online(ALICE.email);
    expect(await ask(socket, shareMessage('share'))).toMatchObject({ error: 0, result: 4 });
    expect(await ask(socket, shareMessage('share', {}, { uid: ED.email }))).toMatchObject({ error: 0, result: 3 });
    expect(await ask(socket, shareMessage('share', {}, { uid: 'nobody@example.com' }))).toMatchObject({ error: 0, result: 1 });
    expect(await ask(socket, shareMessage('share', {}, { uid: BOB.phoneNumber }))).toMatchObject({ error: 0, result: 1 });
  });

  it('someone else’s device: 404; sharing with oneself: 400', async () => {
    const socket = await online(ALICE.email);
    expect(await ask(socket, shareMessage('share', { deviceid: BOB_PLUG }))).toMatchObject({ error: 404 });
    expect(await ask(socket, shareMessage('share', {}, { uid: ALICE.email }))).toMatchObject({ error: 400 });
  });

  it('a receiver sharing it on: 403', async () => {
    const dana = await online(DANA.email);
    const reply = await ask(dana, shareMessage('share', { selfApikey: dana.apikey }, { uid: ED.email }));
    expect(reply).toMatchObject({ error: 403 });
  });

  it('updateShare accepted: result 2, and the permit changes', async () => {
    const socket = await online(ALICE.email);
    expect(await ask(socket, shareMessage('updateShare', {}, { permit: 3 }))).toMatchObject({ error: 0, result: 2 });
    const { at } = sim.issueTokens(DANA.email);
    const list = await get(regionBase(sim, 'eu'), '/api/user/device', {}, { bearer: at });
    expect(list.body.devicelist[0].sharedBy.permit).toBe(3);
  });

  it('a receiver who changes their mind declines an updateShare (result 3), and the permit stays', async () => {
    // Prepare: dana holds the share (permit 3, from the test above) and now says no
    const socket = await online(ALICE.email);
    sim.setShareAnswer(DANA.email, 'refuse');
    try {
      // Act
      const reply = await ask(socket, shareMessage('updateShare', {}, { permit: 15 }));
      // Assess
      expect(reply).toMatchObject({ error: 0, result: 3 });
      const { at } = sim.issueTokens(DANA.email);
      const list = await get(regionBase(sim, 'eu'), '/api/user/device', {}, { bearer: at });
      expect(list.body.devicelist[0].sharedBy.permit).toBe(3);
    } finally {
      sim.setShareAnswer(DANA.email, 'accept');
    }
    expect(() => sim.setShareAnswer('nobody@example.com', 'refuse')).toThrow(/no account/);
  });

  it('cancelShare: {error: 0} echoing, also when there was nothing to cancel', async () => {
    const socket = await online(ALICE.email);
    const first = shareMessage('cancelShare', {}, { permit: undefined, shareTime: undefined });
    const again = shareMessage('cancelShare', {}, { permit: undefined, shareTime: undefined });
    expect(await ask(socket, first)).toEqual({ error: 0, apikey: alice.apikey, deviceid: LAMP, sequence: first.sequence });
    expect(await ask(socket, again)).toEqual({ error: 0, apikey: alice.apikey, deviceid: LAMP, sequence: again.sequence });
  });
});
