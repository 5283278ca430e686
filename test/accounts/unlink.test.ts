import { afterEach, describe, expect, it } from 'vitest';
import { createBridge } from '../../lib/bridge';
import { AccountNotLinked } from '../../lib/errors';
import { closedPort } from '../adapters/http/stacks';
import { ACCOUNT, httpCalls, linkThroughLoginPage, simCloudConfig, startHarness, testAccount, type Harness } from '../support/bridge';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('unlinking an account', () => {
  it('revokes a v2 link at eWeLink, then forgets the tokens; keys and hooks stay for the next link', async () => {
    // Prepare: a personal app id, the account linked through the login page, a hook made
    h = await startHarness({ sim: { appKind: 'personal' }, link: false });
    await linkThroughLoginPage(h, ACCOUNT, testAccount());
    const linked = (await h.parts.store.tokens.get(ACCOUNT))!;
    const hook = await h.call('POST', '/hooks', { body: { deviceid: '1000000001', action: { power: 'on' } } });
    expect(hook.status).toBe(201);
    h.sim.stats.reset();

    // Act
    const unlinked = await h.bridge.accounts.unlink(ACCOUNT);

    // Assess: one revocation, after which neither token works at the cloud
    expect(unlinked).toEqual({ api: 'v2', revoked: true });
    expect(httpCalls(h.sim, 'DELETE /v2/user/oauth/token')).toBe(1);
    const v2 = h.parts.transports.v2;
    await expect(v2.devices({ at: linked.at, apikey: linked.apikey, region: linked.region, api: 'v2' })).rejects.toThrow();
    await expect(v2.refresh(linked.rt, linked.region)).rejects.toThrow();
    expect(await h.parts.store.tokens.get(ACCOUNT)).toBeUndefined();
    // Commands say the account is not linked; the hook is kept, and works again after a new link.
    const control = await h.call('POST', '/devices/1000000001/control', { body: { power: 'on' } });
    expect(control.status).toBe(503);
    expect(control.body.error.code).toBe('account_not_linked');
    expect((await h.call('GET', '/hooks')).body.hooks).toHaveLength(1);
    await linkThroughLoginPage(h, ACCOUNT, testAccount());
    expect((await h.call('POST', new URL(hook.body.url).pathname, { auth: false })).status).toBe(200);
    expect(h.sim.device('1000000001').params.switch).toBe('on');
  });

  it('forgets a v1 link without a cloud call (v1 has no revocation), and a second unlink says there is nothing linked', async () => {
    // Prepare
    h = await startHarness();

    // Act
    const unlinked = await h.bridge.accounts.unlink(ACCOUNT);

    // Assess
    expect(unlinked).toEqual({ api: 'v1', revoked: false });
    expect(h.sim.stats.log).toHaveLength(0);
    expect(await h.parts.store.tokens.get(ACCOUNT)).toBeUndefined();
    await expect(h.bridge.accounts.unlink(ACCOUNT)).rejects.toBeInstanceOf(AccountNotLinked);
  });

  it('forgets nothing when eWeLink cannot be reached to revoke a v2 link', async () => {
    // Prepare: a second bridge over the same table whose v2 host is a closed port
    h = await startHarness({ sim: { appKind: 'personal' }, link: false });
    await linkThroughLoginPage(h, ACCOUNT, testAccount());
    const linked = await h.parts.store.tokens.get(ACCOUNT);
    const cut = createBridge({ ...simCloudConfig(h.sim), v2ApiUrl: `http://127.0.0.1:${await closedPort()}/{region}-apia`, tableName: h.table.tableName, dynamoEndpoint: h.table.endpoint });

    // Act
    const attempt = cut.accounts.unlink(ACCOUNT);

    // Assess
    try {
      await expect(attempt).rejects.toThrow();
      expect(await h.parts.store.tokens.get(ACCOUNT)).toEqual(linked);
    } finally {
      cut.close();
    }
  });
});
