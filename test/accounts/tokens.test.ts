import { afterEach, describe, expect, it } from 'vitest';
import { TokenKeeper } from '../../lib/accounts/token-keeper';
import { createBridge } from '../../lib/bridge';
import { ACCOUNT, APP_ID, APP_SECRET, httpCalls, startHarness, testAccount, type Harness, exposeHarnessEnv } from '../support/bridge';

const DAY = 86_400_000;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('tokens', () => {
  it('an expired at is refreshed once, saved, and the command succeeds', async () => {
    // Prepare
    h = await startHarness();
    const before = await h.parts.store.tokens.get(ACCOUNT);
    h.sim.expireAccessToken(before!.at);
    h.sim.stats.reset();
    // Act
    const res = await h.call('POST', '/devices/1000000001/control', { body: { power: 'on' } });
    // Assess
    expect(res.status).toBe(200);
    expect(h.sim.device('1000000001').params.switch).toBe('on');
    expect(httpCalls(h.sim, 'GET /api/user/refresh')).toBe(1);
    expect(httpCalls(h.sim, 'POST /api/user/login')).toBe(0);
    const after = await h.parts.store.tokens.get(ACCOUNT);
    expect(after!.at).not.toBe(before!.at);
    expect(after!.version).toBe(before!.version + 1);
    // The saved pair is the one the cloud accepts now.
    await expect(h.parts.client.devices({ at: after!.at, apikey: after!.apikey, region: after!.region })).resolves.toHaveLength(3);
  });

  it('an account in another region is followed and its region stored', async () => {
    // Prepare
    h = await startHarness({ account: testAccount({ region: 'us' }), link: false });
    // Act: log in at eu; the cloud answers 301 us
    const grant = await h.parts.client.login({ email: 'owner@example.com' }, 'owner-password', 'eu');
    await h.parts.keeper.adopt(ACCOUNT, { at: grant.at, rt: grant.rt, region: grant.region, apikey: grant.user.apikey });
    const res = await h.call('POST', '/devices/1000000001/control', { body: { power: 'on' } });
    // Assess
    expect(grant.region).toBe('us');
    expect((await h.parts.store.tokens.get(ACCOUNT))!.region).toBe('us');
    expect(res.status).toBe(200);
    const logins = h.sim.stats.log.filter((r) => r.kind === 'http' && r.path === '/api/user/login');
    expect(logins.map((r) => (r.kind === 'http' ? r.region : null))).toEqual(['eu', 'us']);
  });

  it('linking the account to another eWeLink account drops the device list cached for the first', async () => {
    // Prepare: a second eWeLink account in the same cloud; the bridge has listed the first one's devices
    const other = testAccount({ email: 'other@example.com', password: 'other-password', devices: [{ deviceid: '2000000001', name: 'Fan', uiid: 1, params: { switch: 'off' } }] });
    h = await startHarness({ sim: { accounts: [testAccount(), other] } });
    expect((await h.call('GET', '/devices')).body.devices).toHaveLength(3);
    // Act
    await h.bridge.accounts.login(ACCOUNT, { email: 'other@example.com' }, 'other-password', 'eu', { replace: true });
    const listed = await h.call('GET', '/devices');
    // Assess
    expect(listed.body.devices.map((d: { deviceid: string }) => d.deviceid)).toEqual(['2000000001']);
    expect((await h.call('POST', '/devices/1000000001/control', { body: { power: 'on' } })).status).toBe(404);
  });

  it('two concurrent refreshes (two containers) leave one consistent pair and call the cloud once', async () => {
    // Prepare: two keepers over the same table, as two Lambda containers would be
    h = await startHarness();
    const stale = (await h.parts.store.tokens.get(ACCOUNT))!;
    const other = new TokenKeeper(h.parts.store.tokens, h.parts.transports);
    h.sim.stats.reset();
    // Act
    const [a, b] = await Promise.all([h.parts.keeper.renew(ACCOUNT, stale.at), other.renew(ACCOUNT, stale.at)]);
    // Assess
    expect(httpCalls(h.sim, 'GET /api/user/refresh')).toBe(1);
    expect(a.at).toBe(b.at);
    const stored = (await h.parts.store.tokens.get(ACCOUNT))!;
    expect(stored.at).toBe(a.at);
    expect(stored.version).toBe(stale.version + 1);
    expect(stored.leaseOwner).toBeUndefined();
    await expect(h.parts.client.devices({ at: stored.at, apikey: stored.apikey, region: stored.region })).resolves.toHaveLength(3);
  });

  it('a container holding a pair another container refreshed picks up the stored one, without refreshing again', async () => {
    // Prepare: a second container over the same table, warmed up with the current pair
    h = await startHarness();
    const other = createBridge({ tableName: h.table.tableName, dynamoEndpoint: h.table.endpoint, appId: APP_ID, appSecret: APP_SECRET, apiUrl: h.sim.apiUrlTemplate });
    try {
      await other.directory.fetch(ACCOUNT);
      const stale = (await h.parts.store.tokens.get(ACCOUNT))!;
      await h.parts.keeper.renew(ACCOUNT, stale.at); // the first container refreshes: the cloud revokes the old at
      h.sim.stats.reset();
      // Act: the second container still holds the old at in memory
      await other.directory.fetch(ACCOUNT);
      // Assess: one refused call, then the stored pair; no second refresh
      expect(httpCalls(h.sim, 'GET /api/user/refresh')).toBe(0);
      expect(httpCalls(h.sim, 'GET /api/user/device')).toBe(2);
    } finally {
      other.close();
    }
  });

  it('a dead refresh token is reported as such, and the stored pair and lease are left clean', async () => {
    // Prepare: the cloud's clock moved to the end of the rt's 60 s lifetime
    h = await startHarness({ sim: { rtLifetimeSec: 60, clock: { mode: 'manual', start: Date.parse('2026-06-01T10:00:00Z') } } });
    const stale = (await h.parts.store.tokens.get(ACCOUNT))!;
    await h.sim.clock.advance(60_000);
    await expect(h.parts.keeper.renew(ACCOUNT, stale.at)).rejects.toThrow(/refresh token has expired/);
    const stored = (await h.parts.store.tokens.get(ACCOUNT))!;
    expect(stored.at).toBe(stale.at);
    expect(stored.leaseOwner).toBeUndefined();
  });

  it('the scheduled handler refreshes tokens that expire within 7 days and leaves the others', async () => {
    // Prepare: one account due in 2 days, one in 20 days
    h = await startHarness({ link: false });
    const soon = h.sim.issueTokens('owner@example.com');
    await h.parts.store.tokens.save({ accountId: 'soon', at: soon.at, rt: soon.rt, region: soon.region, apikey: soon.apikey, atExpiresAt: Date.now() + 2 * DAY, rtExpiresAt: Date.now() + 50 * DAY });
    await h.parts.store.tokens.save({ accountId: 'later', at: 'a'.repeat(40), rt: 'b'.repeat(40), region: 'eu', apikey: soon.apikey, atExpiresAt: Date.now() + 20 * DAY, rtExpiresAt: Date.now() + 50 * DAY });
    exposeHarnessEnv(h);
    const { handler } = await import('../../functions/refresh-tokens');
    // Act
    const report = await handler({}, { functionName: 'refresh-tokens', awsRequestId: 'test' } as never);
    // Assess
    expect(report).toMatchObject({ refreshed: ['soon'], current: ['later'], failed: [] });
    const refreshed = (await h.parts.store.tokens.get('soon'))!;
    expect(refreshed.at).not.toBe(soon.at);
    expect(refreshed.atExpiresAt).toBeGreaterThan(Date.now() + 29 * DAY);
    expect((await h.parts.store.tokens.get('later'))!.at).toBe('a'.repeat(40));
  });
});
