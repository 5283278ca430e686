import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceCommand } from '../../lib/devices/command';
import { InvalidInput, NotFound, Unauthorized } from '../../lib/errors';
import type { HookInput } from '../../lib/webhooks/webhooks';
import { ACCOUNT, socketUpdates, startHarness, type Harness } from '../support/bridge';
import { scanTable } from '../support/dynamo';
import { cloudTraffic } from '../support/refusals';

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

/** The error a promise rejected with; fails the test when it resolved. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (err: unknown) => ({ err }),
  );
  if (!('err' in outcome)) throw new Error(`resolved with ${JSON.stringify(outcome.value)}`);
  expect(outcome.err).toBeInstanceOf(Error);
  return outcome.err as Error;
}

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
    expect(created).toEqual({ hookId: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/), secret: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/), deviceid: LAMP, action: { power: 'on' }, name: 'hall button' });
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
    expect(err.message).toMatch(/not found/);
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
