import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanTable } from '../../support/dynamo';
import { httpCalls, socketUpdates, startHarness, warmSocket, type Harness } from '../../support/bridge';

describe('webhooks end to end (simulated cloud over real sockets, DynamoDB Local)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  async function newHook(action: Record<string, unknown>, deviceid = '1000000001') {
    const created = await h.call('POST', '/hooks', { body: { deviceid, action, name: 'button' } });
    expect(created.status).toBe(201);
    return created.body as { hookId: string; secret: string; url: string };
  }

  it('a webhook call switches the device with exactly one socket update', async () => {
    // Prepare
    const hook = await newHook({ power: 'on' });
    h.sim.faults.refuseSockets = false;
    await warmSocket(h);
    h.sim.stats.reset();
    // Act
    const res = await h.call('POST', new URL(hook.url).pathname, { auth: false });
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ deviceid: '1000000001', power: 'on', via: 'socket' });
    expect(h.sim.device('1000000001').params.switch).toBe('on');
    expect(socketUpdates(h.sim, '1000000001')).toHaveLength(1);
    expect(httpCalls(h.sim, 'POST /api/user/device/status')).toBe(0);
  });

  it('with the socket refused the same call succeeds over HTTP', async () => {
    // Prepare
    const hook = await newHook({ power: 'off' });
    h.parts.channel.close();
    h.sim.faults.refuseSockets = true;
    h.sim.stats.reset();
    try {
      // Act
      const res = await h.call('POST', new URL(hook.url).pathname, { auth: false });
      // Assess
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ power: 'off', via: 'http' });
      expect(h.sim.device('1000000001').params.switch).toBe('off');
      expect(httpCalls(h.sim, 'POST /api/user/device/status')).toBe(1);
      expect(socketUpdates(h.sim, '1000000001')).toHaveLength(0);
    } finally {
      h.sim.faults.refuseSockets = false;
    }
  });

  it('a socket dropped before the reply falls back to HTTP, and the device ends as asked', async () => {
    // Prepare
    const hook = await newHook({ power: 'on' });
    await h.call('POST', '/devices/1000000001/control', { body: { power: 'off' } }); // session open
    h.sim.faults.dropSocketBeforeReply = true;
    h.sim.stats.reset();
    try {
      // Act
      const res = await h.call('POST', new URL(hook.url).pathname, { auth: false });
      // Assess
      expect(res.status).toBe(200);
      expect(res.body.via).toBe('http');
      expect(h.sim.device('1000000001').params.switch).toBe('on');
    } finally {
      h.sim.faults.dropSocketBeforeReply = false;
    }
  });

  it('a wrong secret gets 401 and the device is unchanged', async () => {
    // Prepare
    const hook = await newHook({ power: 'on' });
    const before = h.sim.device('1000000001').params.switch;
    h.sim.stats.reset();
    // Act
    const wrong = await h.call('POST', `/hooks/${hook.hookId}/${'x'.repeat(hook.secret.length)}`, { auth: false });
    const unknown = await h.call('POST', `/hooks/nosuchhook1/${hook.secret}`, { auth: false });
    // Assess
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    expect(unknown.status).toBe(401);
    expect(h.sim.device('1000000001').params.switch).toBe(before);
    expect(h.sim.stats.http + h.sim.stats.socketMessages).toBe(0);
  });

  it('stores the webhook secret only as a hash', async () => {
    const hook = await newHook({ power: 'toggle' });
    const items = JSON.stringify(await scanTable(h.table));
    expect(items).toContain(hook.hookId);
    expect(items).not.toContain(hook.secret);
  });

  it('refuses a webhook for an unknown device (404) or a bad action (422), storing nothing', async () => {
    const before = (await scanTable(h.table)).length;
    const unknown = await h.call('POST', '/hooks', { body: { deviceid: '10000fffff', action: { power: 'on' } } });
    const badPower = await h.call('POST', '/hooks', { body: { deviceid: '1000000001', action: { power: 'dim' } } });
    const badChannel = await h.call('POST', '/hooks', { body: { deviceid: '1000000001', action: { power: 'on', channel: 3 } } });
    expect(unknown.status).toBe(404);
    expect(badPower.status).toBe(422);
    expect(badPower.body.error.field).toBe('action.power');
    expect(badChannel.status).toBe(422);
    expect(badChannel.body.error.message).toMatch(/only channel 0/);
    expect((await scanTable(h.table)).length).toBe(before);
  });

  it('runs a toggle hook on a channel of a multi-channel device, touching only that outlet', async () => {
    const hook = await newHook({ power: 'toggle', channel: 2 }, '1000000004');
    await warmSocket(h);
    h.sim.stats.reset();
    const res = await h.call('POST', new URL(hook.url).pathname, { auth: false });
    expect(res.status).toBe(200);
    expect(res.body.channels).toEqual([{ channel: 2, power: 'on' }]);
    const switches = h.sim.device('1000000004').params.switches as { switch: string; outlet: number }[];
    expect(switches.find((s) => s.outlet === 2)?.switch).toBe('on');
    expect(switches.filter((s) => s.switch === 'on')).toHaveLength(1);
    const [update] = socketUpdates(h.sim, '1000000004') as { message: { params: unknown } }[];
    expect(update?.message.params).toEqual({ switches: [{ switch: 'on', outlet: 2 }] });
  });
});

describe('dispatch failing', () => {
  it('a fresh bridge whose dispatch fails sends the command over HTTP', async () => {
    // Prepare: a new bridge, so no dispatch answer is cached yet
    const h = await startHarness();
    h.sim.faults.dispatchFailing = true;
    try {
      // Act
      const res = await h.call('POST', '/devices/1000000001/control', { body: { power: 'on' } });
      const opened = await h.parts.keeper.withCredentials('default', (creds) => h.parts.channel.connect(creds));
      // Assess
      expect(opened).toBe(false);
      expect(res.status).toBe(200);
      expect(res.body.via).toBe('http');
      expect(h.sim.device('1000000001').params.switch).toBe('on');
      expect(httpCalls(h.sim, 'POST /dispatch/app')).toBe(1);
      expect(h.sim.stats.connections).toBe(0);
    } finally {
      await h.close();
    }
  });
});
