import { DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../lib/store/client';
import { StoreError, createStore, ensureTable } from '../../lib/store';
import { freshTable } from '../support/dynamo';

describe('createStore', () => {
  it('wires every repository to one table', async () => {
    // Prepare
    const { tableName, documentClient: client } = await freshTable();
    const store = createStore({ tableName, client });

    // Act
    await store.tokens.save({ accountId: 'alice', at: 'at', rt: 'rt', region: 'us', apikey: 'k', atExpiresAt: 1, rtExpiresAt: 2 });
    await store.devices.put('alice', [], 60);
    const { key } = await store.apiKeys.create({ accountId: 'alice', label: 'label' });
    const { hook } = await store.hooks.create({ accountId: 'alice', deviceid: 'd', action: { power: 'on' } });

    // Assess
    expect((await store.tokens.list()).map((record) => record.accountId)).toEqual(['alice']);
    expect(await store.devices.get('alice')).toMatchObject({ devices: [] });
    expect((await store.apiKeys.find(key))?.accountId).toBe('alice');
    expect(await store.hooks.list('alice')).toEqual([hook]);
  });

  it('reports DynamoDB failures as a StoreError, with the SDK error as its cause', async () => {
    // Prepare
    const { endpoint } = await freshTable();
    const store = createStore({ tableName: 'no-such-table', endpoint });

    // Act
    const attempt = store.tokens.get('alice');

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(StoreError);
    await expect(attempt).rejects.toMatchObject({
      code: 'StoreFailure',
      operation: 'tokens.get',
      cause: expect.objectContaining({ name: 'ResourceNotFoundException' }),
    });
  });

  it('refuses an empty account id before asking DynamoDB', async () => {
    // Prepare
    const { tableName, documentClient: client } = await freshTable();
    const store = createStore({ tableName, client });

    // Act
    const attempt = store.tokens.get('');

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'StoreError', code: 'InvalidArgument' });
  });
});

describe('documentClient', () => {
  it('makes one client per endpoint, signed with fixed local credentials', async () => {
    // Act
    const first = documentClient({ endpoint: 'http://127.0.0.1:1' });
    const again = documentClient({ endpoint: 'http://127.0.0.1:1' });
    const other = documentClient({ endpoint: 'http://127.0.0.1:2' });

    // Assess
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    const credentials = await first.config.credentials();
    expect(credentials).toMatchObject({ accessKeyId: 'local', secretAccessKey: 'local' });
  });
});

describe('ensureTable', () => {
  it('is a no-op for a table that exists, and leaves TTL on', async () => {
    // Prepare
    const { tableName, documentClient: client } = await freshTable();

    // Act
    await ensureTable(client, tableName);

    // Assess
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });
});
