import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceCommand } from '../../lib/devices/command';
import { InvalidInput, NotFound, RateLimited, Unauthorized } from '../../lib/errors';
import { HOOK_RATE } from '../../lib/rate-limit';
import type { HookInput } from '../../lib/webhooks/webhooks';
import { ACCOUNT, socketUpdates, startHarness, warmSocket, type Harness } from '../support/bridge';
import { scanTable } from '../support/dynamo';
import { cloudTraffic, failure } from '../support/refusals';

const LAMP = '1000000001';
const STRIP = '1000000004';
const UNKNOWN = '1000000777';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  // The device list is read once here, so what a test counts afterwards is its own traffic.
  await h.bridge.directory.list(ACCOUNT);
  h.sim.stats.reset();
});
afterEach(async () => {
  await h.close();
});

async function hookItems(): Promise<Record<string, unknown>[]> {
  return (await scanTable(h.table)).filter((item) => String(item.pk).startsWith('HOOK#') || String(item.sk).startsWith('HOOK#'));
}

function outlet(deviceid: string, channel: number): unknown {
  return (h.sim.device(deviceid).params.switches as { switch: string; outlet: number }[]).find((s) => s.outlet === channel)?.switch;
}

describe('Webhooks.create', () => {
  it('returns the secret once and stores only its SHA-256', async () => {
    // Act
    const created = await h.bridge.webhooks.create(ACCOUNT, { deviceid: LAMP, action: { power: 'on' }, name: 'hall button' });
    // Assess
    expect(created).toEqual({
      hookId: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/),
      secret: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      deviceid: LAMP,
      action: { power: 'on' },
      name: 'hall button',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      limit: HOOK_RATE,
    });
    const items = await hookItems();
    expect(items).toHaveLength(2); // the hook, and its copy in the account's listing
    expect(JSON.stringify(await scanTable(h.table))).not.toContain(created.secret);
    const withHash = items.filter((item) => 'secretHash' in item);
    expect(withHash).toEqual([expect.objectContaining({ hookId: created.hookId, secretHash: createHash('sha256').update(created.secret).digest('hex') })]);
    expect(cloudTraffic(h)).toBe(0);
  });

  it('gives each hook its own id and secret', async () => {
    // Act
    const [a, b] = await Promise.all([
      h.bridge.webhooks.create(ACCOUNT, { deviceid: LAMP, action: { power: 'on' } }),
      h.bridge.webhooks.create(ACCOUNT, { deviceid: LAMP, action: { power: 'on' } }),
    ]);
    // Assess
    expect(a.hookId).not.toBe(b.hookId);
    expect(a.secret).not.toBe(b.secret);
    expect(a).not.toHaveProperty('name');
  });

  it('refuses a device that is not in the account with NotFound, storing nothing', async () => {
    // Act
    const err = await failure(h.bridge.webhooks.create(ACCOUNT, { deviceid: UNKNOWN, action: { power: 'on' } }));
    // Assess
    expect(err).toBeInstanceOf(NotFound);
    expect(err.message).toBe(`no device "${UNKNOWN}" in this account`);
    expect(await hookItems()).toEqual([]);
  });

  it.each([
    ['a brightness a plain switch lacks', 'action.brightness', { deviceid: LAMP, action: { brightness: 30 } }, /device 1000000001 \(single-channel switch\) has: power; no brightness/],
    ['a channel a one-channel device lacks', 'action.channel', { deviceid: LAMP, action: { power: 'on', channel: 1 } }, /has only channel 0/],
    ['a channel a four-channel device lacks', 'action.channel', { deviceid: STRIP, action: { power: 'toggle', channel: 4 } }, /has channels 0 to 3/],
    ['a channel without power', 'action.channel', { deviceid: STRIP, action: { channel: 1 } }, /goes with power/],
    ['"off" with a light setting', 'action.power', { deviceid: LAMP, action: { power: 'off', brightness: 20 } }, /cannot go with brightness/],
  ] as [string, string, HookInput, RegExp][])('refuses %s as InvalidInput naming %s, storing and sending nothing', async (_what, field, input, message) => {
    // Act
    const err = await failure(h.bridge.webhooks.create(ACCOUNT, input));
    // Assess
    expect(err).toBeInstanceOf(InvalidInput);
    expect((err as InvalidInput).field).toBe(field);
    expect(err.message).toMatch(message);
    expect(await hookItems()).toEqual([]);
    expect(cloudTraffic(h)).toBe(0);
  });
});

describe('Webhooks.run', () => {
  it('with the right secret switches the device, with one update over the socket', async () => {
    // Prepare
    const { hookId, secret } = await h.bridge.webhooks.create(ACCOUNT, { deviceid: LAMP, action: { power: 'on' } });
    await warmSocket(h);
    // Act
    const result = await h.bridge.webhooks.run(hookId, secret);
    // Assess
    expect(result).toMatchObject({ deviceid: LAMP, via: 'socket', power: 'on', params: { switch: 'on' } });
    expect(h.sim.device(LAMP).params.switch).toBe('on');
    expect(socketUpdates(h.sim, LAMP)).toHaveLength(1);
  });

  it('toggles one outlet of a multi-channel device on each call', async () => {
    // Prepare
    const { hookId, secret } = await h.bridge.webhooks.create(ACCOUNT, { deviceid: STRIP, action: { power: 'toggle', channel: 2 } });
    // Act
    const first = await h.bridge.webhooks.run(hookId, secret);
    const afterFirst = [0, 1, 2, 3].map((c) => outlet(STRIP, c));
    const second = await h.bridge.webhooks.run(hookId, secret);
    // Assess
    expect(first.channels).toEqual([{ channel: 2, power: 'on' }]);
    expect(afterFirst).toEqual(['off', 'off', 'on', 'off']);
    expect(second.channels).toEqual([{ channel: 2, power: 'off' }]);
    expect([0, 1, 2, 3].map((c) => outlet(STRIP, c))).toEqual(['off', 'off', 'off', 'off']);
  });

  describe('refuses every mismatch alike, sending nothing to the cloud', () => {
    type Call = (hook: { hookId: string; secret: string }, other: { hookId: string; secret: string }) => [string, string];
    const flip = (c: string) => (c === 'A' ? 'B' : 'A');

    it.each<[string, Call]>([
      ['a wrong secret of the right form', ({ hookId }) => [hookId, 'A'.repeat(32)]],
      ['the secret with one character changed', ({ hookId, secret }) => [hookId, flip(secret[0] as string) + secret.slice(1)]],
      ['the secret of another hook', ({ hookId }, other) => [hookId, other.secret]],
      ['the stored hash of the secret', ({ hookId, secret }) => [hookId, createHash('sha256').update(secret).digest('hex')]],
      ['the secret in upper case', ({ hookId, secret }) => [hookId, secret.toUpperCase() === secret ? secret.toLowerCase() : secret.toUpperCase()]],
      ['the secret cut short', ({ hookId, secret }) => [hookId, secret.slice(0, -1)]],
      ['a secret too short to be one', ({ hookId }) => [hookId, 'abc']],
      ['an empty secret', ({ hookId }) => [hookId, '']],
      ['a secret with a slash', ({ hookId, secret }) => [hookId, `${secret.slice(0, 10)}/${secret.slice(11)}`]],
      ['a secret of 129 characters', ({ hookId }) => [hookId, 'a'.repeat(129)]],
      ['a secret with a non-ASCII letter', ({ hookId, secret }) => [hookId, `é${secret.slice(1)}`]],
      ['an unknown hook of the right form', ({ secret }) => ['AAAAAAAAAAAA', secret]],
      ['a malformed hook id', ({ secret }) => ['../HOOK', secret]],
      ['the id of another hook', ({ secret }, other) => [other.hookId, secret]],
      ['id and secret swapped', ({ hookId, secret }) => [secret, hookId]],
    ])('%s', async (_what, call) => {
      // Prepare
      const hook = await h.bridge.webhooks.create(ACCOUNT, { deviceid: LAMP, action: { power: 'on' } });
      const other = await h.bridge.webhooks.create(ACCOUNT, { deviceid: STRIP, action: { power: 'on' } });
      const [hookId, secret] = call(hook, other);
      h.sim.stats.reset();
      // Act
      const err = await failure(h.bridge.webhooks.run(hookId, secret));
      // Assess
      expect(err).toBeInstanceOf(Unauthorized);
      expect(err.message).toBe('unknown webhook or wrong secret');
      expect(cloudTraffic(h)).toBe(0);
      expect(h.sim.device(LAMP).params.switch).toBe('off');
      expect(outlet(STRIP, 0)).toBe('off');
    });
  });

  it('answers NotFound when the device was removed through the bridge, sending it nothing', async () => {
    // Prepare
    const { hookId, secret } = await h.bridge.webhooks.create(ACCOUNT, { deviceid: STRIP, action: { power: 'on' } });
    await h.bridge.management.remove(ACCOUNT, STRIP);
    h.sim.stats.reset();
    // Act
    const err = await failure(h.bridge.webhooks.run(hookId, secret));
    // Assess
    expect(err).toBeInstanceOf(NotFound);
    expect(err.message).toBe(`no device "${STRIP}" in this account`);
    expect(socketUpdates(h.sim, STRIP)).toEqual([]);
  });

  it('answers NotFound when the device left the account in the phone app, while the bridge still lists it', async () => {
    // Prepare: the owner deletes the lamp in the app; the bridge's cached list still has it
    const { hookId, secret } = await h.bridge.webhooks.create(ACCOUNT, { deviceid: LAMP, action: { power: 'on' } });
    const creds = await h.parts.keeper.withCredentials(ACCOUNT, async (c) => c);
    await h.parts.client.deleteDevice(creds, LAMP);
    expect((await h.bridge.directory.list(ACCOUNT)).map((d) => d.deviceid)).toContain(LAMP);
    // Act
    const err = await failure(h.bridge.webhooks.run(hookId, secret));
    // Assess
    expect(err).toBeInstanceOf(NotFound);
    expect(err.message).toMatch(/no device "1000000001" in this account: the eWeLink cloud no longer has it/);
    expect(err.message).not.toMatch(/127\.0\.0\.1|localhost|:\d{4,5}/);
  });

  describe('refuses a stored action that is no longer valid, naming it, sending nothing', () => {
    // Hooks written by an earlier bridge, or by hand: the repository takes what it is given.
    it.each<[string, unknown, string, string, RegExp]>([
      ['a power word no longer known', { power: 'dim' }, LAMP, 'action.power', /must be "on", "off" or "toggle"/],
      ['a field no longer known', { power: 'on', colour: 'red' }, LAMP, 'action.colour', /unknown field/],
      ['no action at all', undefined, LAMP, 'action', /must be a JSON object/],
      ['an empty action', {}, LAMP, 'action.power', /needs power/],
      ['a channel the device does not have', { power: 'on', channel: 3 }, LAMP, 'action.channel', /has only channel 0/],
      ['a setting the device cannot make', { brightness: 40 }, LAMP, 'action.brightness', /no brightness/],
    ])('%s', async (_what, action, deviceid, field, message) => {
      // Prepare
      const { hook, secret } = await h.parts.store.hooks.create({ accountId: ACCOUNT, deviceid, action: action as DeviceCommand });
      h.sim.stats.reset();
      // Act
      const err = await failure(h.bridge.webhooks.run(hook.hookId, secret));
      // Assess
      expect(err).toBeInstanceOf(InvalidInput);
      expect((err as InvalidInput).field).toBe(field);
      expect(err.message).toMatch(message);
      expect(cloudTraffic(h)).toBe(0);
    });
  });
});

describe('managing webhooks', () => {
  it('lists the account\'s hooks oldest first, without secrets or hashes, and not another account\'s', async () => {
    // Prepare
    const first = await h.bridge.webhooks.create(ACCOUNT, { deviceid: LAMP, action: { power: 'on' }, name: 'first' });
    const second = await h.bridge.webhooks.create(ACCOUNT, { deviceid: STRIP, action: { power: 'off', channel: 1 }, limit: { perSecond: 0.5, burst: 2 } });
    await h.parts.store.hooks.create({ accountId: 'someone-else', deviceid: LAMP, action: { power: 'on' } });
    // Act
    const listed = await h.bridge.webhooks.list(ACCOUNT);
    // Assess
    expect(listed.map((hook) => hook.hookId)).toEqual([first.hookId, second.hookId]);
    expect(listed[0]).toEqual({ hookId: first.hookId, deviceid: LAMP, action: { power: 'on' }, name: 'first', createdAt: first.createdAt, limit: HOOK_RATE });
    expect(listed[1]?.limit).toEqual({ perSecond: 0.5, burst: 2 });
    expect(JSON.stringify(listed)).not.toMatch(new RegExp(`${first.secret}|${second.secret}|secretHash|fullAt`));
  });

  it('deletes a hook: its URL stops working, and another account cannot delete it', async () => {
    // Prepare
    const { hookId, secret } = await h.bridge.webhooks.create(ACCOUNT, { deviceid: LAMP, action: { power: 'on' } });
    // Act
    const byOther = await failure(h.bridge.webhooks.delete('someone-else', hookId));
    await h.bridge.webhooks.delete(ACCOUNT, hookId);
    const again = await failure(h.bridge.webhooks.delete(ACCOUNT, hookId));
    const run = await failure(h.bridge.webhooks.run(hookId, secret));
    // Assess
    expect(byOther).toBeInstanceOf(NotFound);
    expect(again).toBeInstanceOf(NotFound);
    expect(run).toBeInstanceOf(Unauthorized);
    expect(await hookItems()).toEqual([]);
    expect(h.sim.device(LAMP).params.switch).toBe('off');
  });

  it('rotates a secret: the old one is refused at once, the new one runs the same action', async () => {
    // Prepare
    const { hookId, secret: old } = await h.bridge.webhooks.create(ACCOUNT, { deviceid: LAMP, action: { power: 'on' } });
    // Act
    const byOther = await failure(h.bridge.webhooks.rotate('someone-else', hookId));
    const { secret } = await h.bridge.webhooks.rotate(ACCOUNT, hookId);
    const withOld = await failure(h.bridge.webhooks.run(hookId, old));
    const withNew = await h.bridge.webhooks.run(hookId, secret);
    // Assess
    expect(byOther).toBeInstanceOf(NotFound);
    expect(withOld).toBeInstanceOf(Unauthorized);
    expect(secret).not.toBe(old);
    expect(withNew).toMatchObject({ deviceid: LAMP, power: 'on' });
    expect(JSON.stringify(await scanTable(h.table))).not.toContain(secret);
  });

  it('renames a hook and changes its limit, in the hook and in the list alike', async () => {
    // Prepare
    const { hookId } = await h.bridge.webhooks.create(ACCOUNT, { deviceid: LAMP, action: { power: 'on' }, name: 'old' });
    // Act
    const changed = await h.bridge.webhooks.update(ACCOUNT, hookId, { name: 'porch', limit: { perSecond: 2, burst: 10 } });
    const byOther = await failure(h.bridge.webhooks.update('someone-else', hookId, { name: 'mine' }));
    // Assess
    expect(changed).toMatchObject({ hookId, name: 'porch', limit: { perSecond: 2, burst: 10 } });
    expect(byOther).toBeInstanceOf(NotFound);
    expect((await h.bridge.webhooks.list(ACCOUNT))[0]).toMatchObject({ name: 'porch', limit: { perSecond: 2, burst: 10 } });
    expect((await h.parts.store.hooks.get(hookId))?.limit).toEqual({ perSecond: 2, burst: 10 });
  });
});

describe('a hook\'s rate limit', () => {
  let manual: Harness;
  beforeEach(async () => {
    manual = await startHarness({ sim: { clock: { mode: 'manual', start: Date.parse('2026-03-02T08:00:00Z') } } });
    await manual.bridge.directory.list(ACCOUNT);
  });
  afterEach(async () => {
    await manual.close();
  });

  async function outcomes(calls: Array<Promise<unknown>>): Promise<{ ran: number; limited: RateLimited[] }> {
    const settled = await Promise.allSettled(calls);
    const limited = settled.flatMap((s) => (s.status === 'rejected' && s.reason instanceof RateLimited ? [s.reason] : []));
    const other = settled.filter((s) => s.status === 'rejected' && !(s.reason instanceof RateLimited));
    expect(other).toEqual([]);
    return { ran: settled.filter((s) => s.status === 'fulfilled').length, limited };
  }

  it('runs a burst of 5, then refuses with the wait until the next token, sending nothing', async () => {
    // Prepare
    const { hookId, secret } = await manual.bridge.webhooks.create(ACCOUNT, { deviceid: LAMP, action: { power: 'toggle' } });
    await warmSocket(manual);
    manual.sim.stats.reset();
    // Act
    const burst = await outcomes(Array.from({ length: 5 }, () => manual.bridge.webhooks.run(hookId, secret)));
    const sixth = await failure(manual.bridge.webhooks.run(hookId, secret));
    // Assess
    expect(burst).toEqual({ ran: 5, limited: [] });
    expect(sixth).toBeInstanceOf(RateLimited);
    expect((sixth as RateLimited).retryAfterSeconds).toBe(1);
    expect(sixth.message).toMatch(/this webhook takes 1 call\(s\) a second with bursts of 5; try again in 1 s/);
    expect(socketUpdates(manual.sim, LAMP)).toHaveLength(burst.ran);
  });

  it('never lets 40 concurrent calls spend more than the 5 tokens there are', async () => {
    // Prepare
    const { hookId, secret } = await manual.bridge.webhooks.create(ACCOUNT, { deviceid: LAMP, action: { power: 'toggle' } });
    await warmSocket(manual);
    manual.sim.stats.reset();
    // Act: the clock stands still, so no token comes back meanwhile
    const wave = await outcomes(Array.from({ length: 40 }, () => manual.bridge.webhooks.run(hookId, secret)));
    let after = 0;
    for (;;) {
      try {
        await manual.bridge.webhooks.run(hookId, secret);
        after += 1;
      } catch (err) {
        expect(err).toBeInstanceOf(RateLimited);
        break;
      }
    }
    // Assess
    expect(wave.ran).toBe(5);
    expect(after).toBe(0);
    expect(socketUpdates(manual.sim, LAMP)).toHaveLength(5);
    expect(wave.limited.every((e) => e.retryAfterSeconds >= 1)).toBe(true);
  });

  it('gives a token back each second, up to the burst, and follows a hook\'s own limit', async () => {
    // Prepare
    const { hookId, secret } = await manual.bridge.webhooks.create(ACCOUNT, { deviceid: LAMP, action: { power: 'toggle' }, limit: { perSecond: 0.5, burst: 2 } });
    await manual.bridge.webhooks.run(hookId, secret);
    await manual.bridge.webhooks.run(hookId, secret);
    const spent = await failure(manual.bridge.webhooks.run(hookId, secret));
    // Act
    await manual.sim.clock.advance(1000);
    const early = await failure(manual.bridge.webhooks.run(hookId, secret));
    await manual.sim.clock.advance(1000);
    const refilled = await manual.bridge.webhooks.run(hookId, secret);
    await manual.sim.clock.advance(60_000);
    const afterRest = await outcomes(Array.from({ length: 3 }, () => manual.bridge.webhooks.run(hookId, secret)));
    // Assess
    expect((spent as RateLimited).retryAfterSeconds).toBe(2);
    expect((early as RateLimited).retryAfterSeconds).toBe(1);
    expect(refilled).toMatchObject({ deviceid: LAMP });
    expect(afterRest.ran).toBe(2);
    expect(afterRest.limited).toHaveLength(1);
  });

  it('writes the last use at most hourly, and a refused secret spends nothing', async () => {
    // Prepare
    const { hookId, secret } = await manual.bridge.webhooks.create(ACCOUNT, { deviceid: LAMP, action: { power: 'on' } });
    const started = manual.sim.clock.now();
    for (let i = 0; i < 10; i++) await failure(manual.bridge.webhooks.run(hookId, 'A'.repeat(32)));
    // Act
    await manual.bridge.webhooks.run(hookId, secret);
    const first = (await manual.bridge.webhooks.list(ACCOUNT))[0]?.lastUsedAt;
    await manual.sim.clock.advance(30 * 60_000);
    await manual.bridge.webhooks.run(hookId, secret);
    const halfHour = (await manual.bridge.webhooks.list(ACCOUNT))[0]?.lastUsedAt;
    await manual.sim.clock.advance(31 * 60_000);
    await manual.bridge.webhooks.run(hookId, secret);
    const hourOn = (await manual.bridge.webhooks.list(ACCOUNT))[0]?.lastUsedAt;
    // Assess
    expect(first).toBe(new Date(started).toISOString());
    expect(halfHour).toBe(first);
    expect(hourOn).toBe(new Date(started + 61 * 60_000).toISOString());
    expect((await manual.parts.store.hooks.get(hookId))?.fullAt).toBe(started + 61 * 60_000 + 1000);
  });
});
