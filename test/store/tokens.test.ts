import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoTokenRepository } from '../../lib/store/tokens';
import type { NewTokens } from '../../lib/accounts/model';
import { freshTable, type FreshTable } from '../support/dynamo';

const DAY = 86_400_000;

function pairFor(accountId: string, suffix = '1'): NewTokens {
  return {
    accountId,
    at: `at-${accountId}-${suffix}`,
    rt: `rt-${accountId}-${suffix}`,
    region: 'eu',
    apikey: `apikey-${accountId}`,
    atExpiresAt: 1_700_000_000_000 + 30 * DAY,
    rtExpiresAt: 1_700_000_000_000 + 60 * DAY,
  };
}

const refreshed = (tag: string) => ({ at: `at-${tag}`, rt: `rt-${tag}`, atExpiresAt: 2_000_000_000_000, rtExpiresAt: 2_100_000_000_000 });

describe('DynamoTokenRepository', () => {
  let table: FreshTable;
  let tokens: DynamoTokenRepository;

  beforeEach(async () => {
    table = await freshTable();
    tokens = new DynamoTokenRepository({ client: table.documentClient, tableName: table.tableName });
  });

  describe('get and save', () => {
    it('returns undefined for an account with no pair', async () => {
      // Act
      const record = await tokens.get('nobody');

      // Assess
      expect(record).toBeUndefined();
    });

    it('stores a new pair at version 1 and reads it back without the table keys', async () => {
      // Prepare
      const pair = pairFor('alice');

      // Act
      const saved = await tokens.save(pair, 1_000);
      const read = await tokens.get('alice');

      // Assess
      expect(saved).toEqual({ ...pair, version: 1, updatedAt: 1_000 });
      expect(read).toEqual(saved);
    });

    it('replaces a stored pair, bumps the version and drops a refresh lease', async () => {
      // Prepare
      await tokens.save(pairFor('alice', 'old'));
      expect(await tokens.acquireRefreshLease('alice', 1, 'refresher', 30_000)).toBe(true);

      // Act
      const saved = await tokens.save(pairFor('alice', 'login'), 2_000);

      // Assess
      expect(saved).toEqual({ ...pairFor('alice', 'login'), version: 2, updatedAt: 2_000 });
      expect(saved.leaseOwner).toBeUndefined();
      expect(saved.leaseUntil).toBeUndefined();
    });
  });

  describe('acquireRefreshLease', () => {
    it('lets exactly one of two racing callers win', async () => {
      // Prepare
      await tokens.save(pairFor('alice'));

      // Act
      const [first, second] = await Promise.all([
        tokens.acquireRefreshLease('alice', 1, 'instance-a', 30_000),
        tokens.acquireRefreshLease('alice', 1, 'instance-b', 30_000),
      ]);

      // Assess
      expect([first, second].filter(Boolean)).toHaveLength(1);
      const winner = first ? 'instance-a' : 'instance-b';
      expect((await tokens.get('alice'))?.leaseOwner).toBe(winner);
    });

    it('refuses while a lease holds and allows a takeover once it has run out', async () => {
      // Prepare
      await tokens.save(pairFor('alice'));
      await tokens.acquireRefreshLease('alice', 1, 'instance-a', 100, 1_000);

      // Act
      const whileHeld = await tokens.acquireRefreshLease('alice', 1, 'instance-b', 100, 1_099);
      const afterwards = await tokens.acquireRefreshLease('alice', 1, 'instance-b', 100, 1_100);

      // Assess
      expect(whileHeld).toBe(false);
      expect(afterwards).toBe(true);
      expect(await tokens.get('alice')).toMatchObject({ leaseOwner: 'instance-b', leaseUntil: 1_200 });
    });

    it('refuses a caller that read an older version', async () => {
      // Prepare
      await tokens.save(pairFor('alice', 'first'));
      await tokens.save(pairFor('alice', 'second'));

      // Act
      const acquired = await tokens.acquireRefreshLease('alice', 1, 'instance-a', 30_000);

      // Assess
      expect(acquired).toBe(false);
      expect((await tokens.get('alice'))?.leaseOwner).toBeUndefined();
    });

    it('refuses for an account with no pair, without creating one', async () => {
      // Act
      const acquired = await tokens.acquireRefreshLease('nobody', 1, 'instance-a', 30_000);

      // Assess
      expect(acquired).toBe(false);
      expect(await tokens.get('nobody')).toBeUndefined();
    });
  });

  describe('saveRefreshed', () => {
    it('stores the refreshed pair, bumps the version and drops the lease', async () => {
      // Prepare
      await tokens.save(pairFor('alice'));
      await tokens.acquireRefreshLease('alice', 1, 'instance-a', 30_000);

      // Act
      const saved = await tokens.saveRefreshed('alice', 1, 'instance-a', refreshed('new'), 5_000);

      // Assess
      const expected = { ...pairFor('alice'), ...refreshed('new'), version: 2, updatedAt: 5_000 };
      expect(saved).toEqual(expected);
      expect(await tokens.get('alice')).toEqual(expected);
    });

    it('returns undefined and leaves the pair alone when the version is stale', async () => {
      // Prepare
      await tokens.save(pairFor('alice'));
      await tokens.acquireRefreshLease('alice', 1, 'instance-a', 30_000);
      const before = await tokens.get('alice');

      // Act
      const saved = await tokens.saveRefreshed('alice', 0, 'instance-a', refreshed('stale'));

      // Assess
      expect(saved).toBeUndefined();
      expect(await tokens.get('alice')).toEqual(before);
    });

    it('returns undefined and leaves the pair alone for a caller that does not hold the lease', async () => {
      // Prepare
      await tokens.save(pairFor('alice'));
      await tokens.acquireRefreshLease('alice', 1, 'instance-a', 30_000);
      const before = await tokens.get('alice');

      // Act
      const saved = await tokens.saveRefreshed('alice', 1, 'instance-b', refreshed('intruder'));

      // Assess
      expect(saved).toBeUndefined();
      expect(await tokens.get('alice')).toEqual(before);
    });

    it('loses to a login that saved a pair while the refresh was running', async () => {
      // Prepare
      await tokens.save(pairFor('alice'));
      await tokens.acquireRefreshLease('alice', 1, 'instance-a', 30_000);
      const login = await tokens.save(pairFor('alice', 'login'));

      // Act
      const saved = await tokens.saveRefreshed('alice', 1, 'instance-a', refreshed('late'));

      // Assess
      expect(saved).toBeUndefined();
      expect(await tokens.get('alice')).toEqual(login);
    });

    it('lets exactly one of ten concurrent saves after one lease succeed', async () => {
      // Prepare
      await tokens.save(pairFor('alice'));
      await tokens.acquireRefreshLease('alice', 1, 'instance-a', 30_000);

      // Act
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, attempt) => tokens.saveRefreshed('alice', 1, 'instance-a', refreshed(`attempt-${attempt}`))),
      );

      // Assess
      const winners = results.filter((result) => result !== undefined);
      expect(winners).toHaveLength(1);
      const stored = await tokens.get('alice');
      expect(stored?.version).toBe(2);
      expect(stored?.at).toBe(winners[0]?.at);
    });
  });

  describe('releaseLease', () => {
    it('drops our lease so the next caller need not wait it out', async () => {
      // Prepare
      await tokens.save(pairFor('alice'));
      await tokens.acquireRefreshLease('alice', 1, 'instance-a', 30_000);

      // Act
      const released = await tokens.releaseLease('alice', 'instance-a');

      // Assess
      expect(released).toBe(true);
      expect(await tokens.acquireRefreshLease('alice', 1, 'instance-b', 30_000)).toBe(true);
    });

    it("leaves someone else's lease in place", async () => {
      // Prepare
      await tokens.save(pairFor('alice'));
      await tokens.acquireRefreshLease('alice', 1, 'instance-a', 30_000);

      // Act
      const released = await tokens.releaseLease('alice', 'instance-b');

      // Assess
      expect(released).toBe(false);
      expect((await tokens.get('alice'))?.leaseOwner).toBe('instance-a');
    });
  });

  describe('list', () => {
    it('returns every account across pages, and nothing else from the table', async () => {
      // Prepare
      const accounts = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
      for (const accountId of accounts) await tokens.save(pairFor(accountId));
      const counted = countingClient(table);
      const countedTokens = new DynamoTokenRepository({ client: counted.client, tableName: table.tableName });

      // Act
      const records = await countedTokens.list({ pageSize: 2 });

      // Assess
      expect(records.map((record) => record.accountId).sort()).toEqual(accounts);
      expect(counted.requests()).toBeGreaterThanOrEqual(4);
      expect(records[0]).not.toHaveProperty('pk');
    });

    it('returns an empty list for an empty table', async () => {
      // Act
      const records = await tokens.list();

      // Assess
      expect(records).toEqual([]);
    });
  });
});

// A client of its own that counts the requests it sends, to see pagination happen.
function countingClient(table: FreshTable): { client: DynamoDBDocumentClient; requests: () => number } {
  let requests = 0;
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: table.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      requests++;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return { client, requests: () => requests };
}
