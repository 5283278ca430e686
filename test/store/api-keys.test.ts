import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoApiKeyRepository } from '../../lib/store/api-keys';
import { StoreError } from '../../lib/store/errors';
import { freshTable, scanTable, type FreshTable } from '../support/dynamo';

const ADMIN_KEY = 'ebk_configured-admin-key-0123456789';

describe('DynamoApiKeyRepository', () => {
  let table: FreshTable;
  let apiKeys: DynamoApiKeyRepository;

  beforeEach(async () => {
    table = await freshTable();
    apiKeys = new DynamoApiKeyRepository({ client: table.documentClient, tableName: table.tableName });
  });

  it('creates a key that finds its account', async () => {
    // Prepare
    const { apiKey: { id }, key } = await apiKeys.create({ accountId: 'alice', label: 'home assistant' }, 1_000);

    // Act
    const found = await apiKeys.find(key);

    // Assess
    expect(key).toMatch(/^ebk_[A-Za-z0-9_-]{32}$/);
    expect(found).toEqual({ id, accountId: 'alice', label: 'home assistant', createdAt: 1_000 });
  });

  it('finds nothing for a wrong, altered or empty key', async () => {
    // Prepare
    const { key } = await apiKeys.create({ accountId: 'alice', label: 'home assistant' });

    // Act
    const results = await Promise.all([apiKeys.find('ebk_wrong'), apiKeys.find(`${key}x`), apiKeys.find(key.slice(0, -1)), apiKeys.find('')]);

    // Assess
    expect(results).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('stores no trace of the key itself', async () => {
    // Prepare
    const { key } = await apiKeys.create({ accountId: 'alice', label: 'home assistant' });

    // Act
    const items = await scanTable(table);

    // Assess
    expect(items).toHaveLength(2);
    const stored = JSON.stringify(items);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice('ebk_'.length));
  });

  it('lists the keys of one account, and revokes one of them', async () => {
    // Prepare
    const first = await apiKeys.create({ accountId: 'alice', label: 'first' }, 1_000);
    const second = await apiKeys.create({ accountId: 'alice', label: 'second' }, 2_000);
    await apiKeys.create({ accountId: 'bob', label: 'not alice' }, 3_000);

    // Act
    const revoked = await apiKeys.revoke('alice', first.apiKey.id);

    // Assess
    expect(revoked).toBe(true);
    expect(await apiKeys.find(first.key)).toBeUndefined();
    expect(await apiKeys.find(second.key)).toBeDefined();
    expect(await apiKeys.list('alice')).toEqual([{ id: second.apiKey.id, accountId: 'alice', label: 'second', createdAt: 2_000 }]);
  });

  it('reports false when revoking a key the account does not have', async () => {
    // Prepare
    const bobs = await apiKeys.create({ accountId: 'bob', label: 'bob' });

    // Act
    const revoked = await apiKeys.revoke('alice', bobs.apiKey.id);

    // Assess
    expect(revoked).toBe(false);
    expect(await apiKeys.find(bobs.key)).toBeDefined();
  });

  describe('createWithKey', () => {
    it('stores a configured key once, however often it is called', async () => {
      // Act
      const first = await apiKeys.createWithKey('alice', 'admin', ADMIN_KEY, 1_000);
      const again = await apiKeys.createWithKey('alice', 'admin', ADMIN_KEY, 2_000);
      const racing = await Promise.all([apiKeys.createWithKey('alice', 'admin', ADMIN_KEY), apiKeys.createWithKey('alice', 'admin', ADMIN_KEY)]);

      // Assess
      expect(again).toEqual(first);
      expect(racing).toEqual([first, first]);
      expect(await apiKeys.find(ADMIN_KEY)).toEqual(first);
      expect(await scanTable(table)).toHaveLength(2);
    });

    it('settles instances that store the same new key at once on one record', async () => {
      // Act
      const results = await Promise.all(Array.from({ length: 5 }, () => apiKeys.createWithKey('alice', 'admin', ADMIN_KEY)));

      // Assess
      const stored = await apiKeys.find(ADMIN_KEY);
      expect(results).toEqual(Array.from({ length: 5 }, () => stored));
      expect(await scanTable(table)).toHaveLength(2);
    });

    it('refuses a key already bound to another account', async () => {
      // Prepare
      await apiKeys.createWithKey('alice', 'admin', ADMIN_KEY);

      // Act
      const attempt = apiKeys.createWithKey('bob', 'admin', ADMIN_KEY);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(StoreError);
      await expect(attempt).rejects.toMatchObject({ code: 'Conflict' });
    });

    it('refuses a key too short to be a random secret', async () => {
      // Act
      const attempt = apiKeys.createWithKey('alice', 'admin', 'letmein');

      // Assess
      await expect(attempt).rejects.toMatchObject({ name: 'StoreError', code: 'InvalidArgument' });
      expect(await scanTable(table)).toEqual([]);
    });
  });
});
