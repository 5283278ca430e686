import { beforeEach, describe, expect, it } from 'vitest';
import { secretMatches } from '../../lib/secrets';
import { DynamoHookRepository } from '../../lib/store/hooks';
import type { DeviceCommand } from '../../lib/devices/command';
import { freshTable, scanTable, type FreshTable } from '../support/dynamo';

describe('DynamoHookRepository', () => {
  let table: FreshTable;
  let hooks: DynamoHookRepository;

  beforeEach(async () => {
    table = await freshTable();
    hooks = new DynamoHookRepository({ client: table.documentClient, tableName: table.tableName });
  });

  it('creates a hook that reads back with the hash of its secret', async () => {
    // Prepare
    const input = { accountId: 'alice', deviceid: '1000000001', action: { power: 'toggle' as const, channel: 1 }, name: 'lamp button' };

    // Act
    const { hook, secret } = await hooks.create(input, 1_000);
    const stored = await hooks.get(hook.hookId);

    // Assess
    expect(hook).toEqual({ ...input, hookId: hook.hookId, createdAt: 1_000 });
    expect(hook.hookId).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(stored).toEqual({ ...hook, secretHash: expect.any(String) });
    expect(secretMatches(secret, stored!.secretHash)).toBe(true);
    expect(secretMatches(`${secret}x`, stored!.secretHash)).toBe(false);
  });

  it('stores the secret only as its hash', async () => {
    // Prepare
    const { secret } = await hooks.create({ accountId: 'alice', deviceid: '1000000001', action: { power: 'on' } });

    // Act
    const items = await scanTable(table);

    // Assess
    expect(items).toHaveLength(2);
    expect(JSON.stringify(items)).not.toContain(secret);
  });

  it('returns undefined for an unknown hook', async () => {
    // Act
    const stored = await hooks.get('nosuchhook00');

    // Assess
    expect(stored).toBeUndefined();
  });

  it("lists an account's hooks oldest first, without secret hashes", async () => {
    // Prepare
    const first = await hooks.create({ accountId: 'alice', deviceid: '1000000001', action: { power: 'on' } }, 1_000);
    const second = await hooks.create({ accountId: 'alice', deviceid: '1000000002', action: { power: 'off' }, name: 'off' }, 2_000);
    await hooks.create({ accountId: 'bob', deviceid: '1000000003', action: { power: 'on' } }, 3_000);

    // Act
    const listed = await hooks.list('alice');

    // Assess
    expect(listed).toEqual([first.hook, second.hook]);
    expect(listed[0]).not.toHaveProperty('secretHash');
  });

  it('keeps an action with fields of later commands as given', async () => {
    // Prepare
    const action = { power: 'on', brightness: 40, colour: { r: 255, g: 120, b: 0 } } as DeviceCommand;

    // Act
    const { hook } = await hooks.create({ accountId: 'alice', deviceid: '1000000001', action });

    // Assess
    expect((await hooks.get(hook.hookId))?.action).toEqual(action);
  });

  it('deletes a hook and its listing together', async () => {
    // Prepare
    const { hook } = await hooks.create({ accountId: 'alice', deviceid: '1000000001', action: { power: 'on' } });

    // Act
    const deleted = await hooks.delete(hook.hookId);

    // Assess
    expect(deleted).toBe(true);
    expect(await hooks.get(hook.hookId)).toBeUndefined();
    expect(await hooks.list('alice')).toEqual([]);
    expect(await scanTable(table)).toEqual([]);
  });

  it('reports false for an unknown hook, or one of another account, and keeps the latter', async () => {
    // Prepare
    const { hook } = await hooks.create({ accountId: 'alice', deviceid: '1000000001', action: { power: 'on' } });

    // Act
    const unknown = await hooks.delete('nosuchhook00');
    const notBobs = await hooks.delete(hook.hookId, 'bob');

    // Assess
    expect(unknown).toBe(false);
    expect(notBobs).toBe(false);
    expect(await hooks.get(hook.hookId)).toBeDefined();
    expect(await hooks.delete(hook.hookId, 'alice')).toBe(true);
  });
});
