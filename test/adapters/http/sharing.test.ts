import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountSeed } from '../../../sim';
import { ACCOUNT, startHarness, testAccount, warmSocket, type Harness } from '../../support/bridge';
import { cloudTraffic, expectInvalid } from '../../support/refusals';

const receiver = (email: string, deviceid: string, shareAnswer: AccountSeed['shareAnswer']): AccountSeed => ({
  email,
  password: `${email}-password`,
  region: 'eu',
  shareAnswer,
  devices: [{ deviceid, name: `${email} lamp`, uiid: 1, params: { switch: 'off' } }],
});

const FRIEND = receiver('friend@example.com', '2000000001', 'accept');
const GRUMPY = receiver('grumpy@example.com', '3000000001', 'refuse');
const AWAY = receiver('away@example.com', '4000000001', 'ignore');

describe('sharing routes', () => {
  let h: Harness;
  let friendKey: string;
  beforeAll(async () => {
    h = await startHarness({ sim: { accounts: [testAccount(), FRIEND, GRUMPY, AWAY], shareTimeoutMs: 200 } });
    // The friend and the grump are linked to this bridge too, and online: a receiver answers only from an open session.
    for (const seed of [FRIEND, GRUMPY]) {
      const grant = await h.parts.client.login({ email: seed.email as string }, seed.password, 'eu');
      await h.parts.keeper.adopt(seed.email as string, { at: grant.at, rt: grant.rt, region: grant.region, apikey: grant.user.apikey });
      const { key } = await h.parts.store.apiKeys.create({ accountId: seed.email as string, label: 'test' });
      await warmSocket(h, seed.email as string);
      const online = await h.call('POST', `/devices/${seed.devices?.[0]?.deviceid}/control`, { body: { power: 'on' }, auth: key });
      expect(online.body.via).toBe('socket');
      if (seed === FRIEND) friendKey = key;
    }
  });
  afterAll(async () => h.close());

  /** The devices the friend's account sees, as the simulated cloud lists them. */
  const friendSees = async () =>
    (await h.parts.keeper.withCredentials('friend@example.com', (creds) => h.parts.client.devices(creds))).map((d) => d.deviceid);

  /** Who the owner's device is shared with, as the simulated cloud lists it. */
  async function sharedTo(deviceid: string): Promise<{ email?: string; permit?: number }[]> {
    const devices = await h.parts.keeper.withCredentials(ACCOUNT, (creds) => h.parts.client.devices(creds));
    return (devices.find((d) => d.deviceid === deviceid)?.sharedTo as { email?: string; permit?: number }[]) ?? [];
  }

  describe('POST /devices/{id}/shares', () => {
    it("shares a device once the receiver accepts, and it shows in the receiver's list", async () => {
      // Act
      const res = await h.call('POST', '/devices/1000000001/shares', { body: { uid: 'friend@example.com', permit: 15, note: 'from Sam' } });
      // Assess
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ deviceid: '1000000001', uid: 'friend@example.com', permit: 15, note: 'from Sam' });
      expect(await sharedTo('1000000001')).toEqual([expect.objectContaining({ email: 'friend@example.com', permit: 15 })]);
      expect(await friendSees()).toContain('1000000001');
    });

    it('sends a default note when none is given, as the cloud requires one (1 to 10 characters)', async () => {
      // Act
      h.sim.stats.reset();
      const res = await h.call('POST', '/devices/1000000004/shares', { body: { uid: 'friend@example.com', permit: 1 } });
      // Assess
      expect(res.status).toBe(200);
      expect(res.body.note).toBe('via bridge');
      const sent = h.sim.stats.log.find((r) => r.kind === 'socket' && r.action === 'share');
      expect((sent?.kind === 'socket' ? (sent.message as { params: { note?: string } }).params.note : undefined)).toBe('via bridge');
      await h.call('DELETE', `/devices/1000000004/shares/${encodeURIComponent('friend@example.com')}`);
    });

    it('answers 409 already_shared when asked again', async () => {
      const res = await h.call('POST', '/devices/1000000001/shares', { body: { uid: 'friend@example.com' } });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('already_shared');
    });

    it('answers 409 share_refused when the receiver declines', async () => {
      const res = await h.call('POST', '/devices/1000000004/shares', { body: { uid: 'grumpy@example.com', permit: 1 } });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('share_refused');
      expect(await sharedTo('1000000004')).toEqual([]);
    });

    it('answers 404 no_such_account for a login the region does not know', async () => {
      const res = await h.call('POST', '/devices/1000000004/shares', { body: { uid: '+447700900123' } });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'no_such_account', field: 'uid' });
    });

    it('answers 504 when the receiver does not answer, then 429 until 3 minutes have passed', async () => {
      const first = await h.call('POST', '/devices/1000000004/shares', { body: { uid: 'away@example.com' } });
      expect(first.status).toBe(504);
      expect(first.body.error.code).toBe('share_timeout');
      expect(first.body.error.message).toMatch(/3 minutes/);
      const again = await h.call('POST', '/devices/1000000004/shares', { body: { uid: 'away@example.com' } });
      expect(again.status).toBe(429);
      // One clause: the pause, and nothing of who may share.
      expect(again.body.error).toMatchObject({ code: 'share_too_soon', message: 'the receiver cannot be asked again yet: 3 minutes must pass after an invitation they did not answer' });
    });

    it('answers 403 when a receiver tries to share a device shared to them, sending nothing', async () => {
      h.sim.stats.reset();
      const res = await h.call('POST', '/devices/1000000001/shares', { body: { uid: 'grumpy@example.com' }, auth: friendKey });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('not_owner');
      expect(h.sim.stats.socketMessages).toBe(0);
    });

    it.each([
      [{}, 'uid'],
      [{ uid: 'friend' }, 'uid'],
      [{ uid: '07700900123' }, 'uid'],
      [{ uid: 'friend@example.com', permit: 16 }, 'permit'],
      [{ uid: 'friend@example.com', permit: -1 }, 'permit'],
      [{ uid: 'friend@example.com', permit: 1.5 }, 'permit'],
      [{ uid: 'friend@example.com', note: 'much too long a note' }, 'note'],
      [{ uid: 'friend@example.com', deviceName: 'Lamp' }, 'deviceName'],
    ])('answers %j with 422 naming %s, and sends nothing', async (body, field) => {
      await expectInvalid(h, 'POST', '/devices/1000000004/shares', { body }, field);
    });
  });

  describe('PATCH /devices/{id}/shares/{uid}', () => {
    it('changes what the receiver may do', async () => {
      const res = await h.call('PATCH', `/devices/1000000001/shares/${encodeURIComponent('friend@example.com')}`, { body: { permit: 3 } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ deviceid: '1000000001', uid: 'friend@example.com', permit: 3, note: 'via bridge' });
      expect(await sharedTo('1000000001')).toEqual([expect.objectContaining({ email: 'friend@example.com', permit: 3 })]);
    });

    it('answers 404 for a share that is not there', async () => {
      const res = await h.call('PATCH', '/devices/1000000004/shares/friend@example.com', { body: { permit: 3 } });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    });

    it.each([
      [{}, 'permit'],
      [{ permit: '15' }, 'permit'],
      [{ permit: 99 }, 'permit'],
      [{ permit: 1, uid: 'other@example.com' }, 'uid'],
    ])('answers %j with 422 naming %s, and sends nothing', async (body, field) => {
      await expectInvalid(h, 'PATCH', '/devices/1000000001/shares/friend@example.com', { body }, field);
    });

    it('answers a uid that is no login with 422, sending nothing', async () => {
      await expectInvalid(h, 'PATCH', '/devices/1000000001/shares/friend', { body: { permit: 1 } }, 'uid');
    });
  });

  describe('DELETE /devices/{id}/shares/{uid}', () => {
    it("revokes the share: the device leaves the receiver's list", async () => {
      const res = await h.call('DELETE', '/devices/1000000001/shares/friend@example.com');
      expect(res.status).toBe(204);
      expect(await sharedTo('1000000001')).toEqual([]);
      expect(await friendSees()).not.toContain('1000000001');
      const again = await h.call('DELETE', '/devices/1000000001/shares/friend@example.com');
      expect(again.status).toBe(204);
    });

    it('answers bad ids with 422, sending nothing', async () => {
      await expectInvalid(h, 'DELETE', '/devices/1000000001/shares/not-a-login', {}, 'uid');
      await expectInvalid(h, 'DELETE', '/devices/bad%20id/shares/friend@example.com', {}, 'id');
    });
  });

  describe('when the receiver takes longer than the bridge can wait', () => {
    let slow: Harness;
    beforeAll(async () => {
      slow = await startHarness({ sim: { accounts: [testAccount(), AWAY], shareTimeoutMs: 5_000 }, tuning: { socket: { shareTimeoutMs: 200 } } });
    });
    afterAll(async () => slow.close());

    it('answers 504 share_timeout itself, saying the invitation may still be open', async () => {
      const res = await slow.call('POST', '/devices/1000000001/shares', { body: { uid: 'away@example.com' } });
      expect(res.status).toBe(504);
      expect(res.body.error).toMatchObject({ code: 'share_timeout', message: expect.stringMatching(/may still be open/) });
    });
  });
});

describe('sharing answers that name the cause', () => {
  const PAL = receiver('pal@example.com', '5000000001', 'accept');
  const LONER = receiver('loner@example.com', '6000000001', 'accept');
  let h: Harness;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    h = await startHarness({ sim: { accounts: [testAccount(), PAL, LONER], shareTimeoutMs: 200 } });
    // The pal links as a person would (by password: the bridge keeps the login); the loner's pair is imported, which names no login.
    await h.bridge.accounts.login('pal', { email: PAL.email as string }, PAL.password, 'eu');
    const grant = await h.parts.client.login({ email: LONER.email as string }, LONER.password, 'eu');
    await h.bridge.accounts.importPair('loner', { at: grant.at, rt: grant.rt, apikey: grant.user.apikey, region: grant.region });
    for (const accountId of ['pal', 'loner']) {
      keys[accountId] = (await h.parts.store.apiKeys.create({ accountId, label: 'test' })).key;
      // A receiver answers only from an open session.
      await warmSocket(h, accountId);
    }
  });
  afterAll(async () => h.close());

  /** The device ids an account's `GET /devices` lists. */
  const listed = async (auth: string | true) => ((await h.call('GET', '/devices', { auth })).body.devices as { deviceid: string }[]).map((d) => d.deviceid);

  it("refuses a share with the account's own login as 422 naming uid, and sends nothing", async () => {
    // Prepare
    h.sim.stats.reset();
    // Act
    const res = await h.call('POST', '/devices/1000000001/shares', { body: { uid: 'Owner@Example.com' } });
    // Assess
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'invalid_input', field: 'uid', message: expect.stringMatching(/^uid: .*cannot be shared with its owner/) });
    expect(cloudTraffic(h)).toBe(0);
  });

  it("answers the cloud's refusal of a share with the sharer's own login as 422 naming uid, when the bridge does not know the login", async () => {
    // Act: the loner's link (an imported pair) named no login, so the cloud is asked
    const res = await h.call('POST', '/devices/6000000001/shares', { body: { uid: LONER.email }, auth: keys.loner });
    // Assess
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'invalid_input', field: 'uid', message: expect.stringMatching(/cannot be shared with its owner/) });
    expect(res.body.error.message).not.toMatch(/malformed|cloud said/);
  });

  it("drops the receiver's cached device list when its share is revoked, so its list no longer shows the device", async () => {
    // Prepare: the pal accepts, and its list (cached) shows the device
    expect((await h.call('POST', '/devices/1000000001/shares', { body: { uid: PAL.email } })).status).toBe(200);
    await h.bridge.directory.forget('pal');
    expect(await listed(keys.pal as string)).toContain('1000000001');
    // Act
    const revoked = await h.call('DELETE', `/devices/1000000001/shares/${encodeURIComponent(PAL.email as string)}`);
    // Assess
    expect(revoked.status).toBe(204);
    expect(await listed(keys.pal as string)).not.toContain('1000000001');
    expect(await listed(true)).toContain('1000000001');
  });

  it.each([
    ['a toggle (read first)', { power: 'toggle' }],
    ['a plain on', { power: 'on' }],
  ])('answers %s to a device whose share ended elsewhere with 404 naming it, and drops the stale list', async (_what, command) => {
    // Prepare: the loner is given the owner's lamp and lists it; then the share ends behind the bridge's back (in the phone app)
    expect((await h.call('POST', '/devices/1000000001/shares', { body: { uid: LONER.email } })).status).toBe(200);
    await h.bridge.directory.forget('loner');
    expect(await listed(keys.loner as string)).toContain('1000000001');
    await h.parts.keeper.withCredentials(ACCOUNT, (creds) => h.parts.channel.cancelShare(creds, { deviceid: '1000000001', apikey: creds.apikey }, { uid: LONER.email as string, deviceName: 'Lamp' }));
    // Act
    const res = await h.call('POST', '/devices/1000000001/control', { body: command, auth: keys.loner });
    // Assess
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'not_found', message: expect.stringMatching(/^no device "1000000001" in this account/) });
    expect(res.body.error.message).not.toMatch(/query|update|cloud said/);
    expect(await listed(keys.loner as string)).not.toContain('1000000001');
  });
});
