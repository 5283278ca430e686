import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { hashSecret, newSecret } from '../secrets';
import { StoreError, invalidArgument } from './errors';
import { API_KEY_PREFIX, accountPartition, apiKeyKey, apiKeyListingKey } from './keys';
import { CONDITION_FAILED, conditionalRequest, namesIn, queryAll, request } from './requests';
import type { ApiKey, ApiKeyRepository, FoundApiKey, NewApiKey } from '../accounts/model';
import type { BucketStore } from '../rate-limit';
import { itemBucket } from './buckets';
import type { TableConfig } from './types';

const KEY_PREFIX = 'ebk_';
// A configured key is hashed with plain SHA-256 like a generated one, which is safe only for
// high-entropy strings; refuse anything too short to be one.
const MIN_CHOSEN_KEY_LENGTH = 16;
// Instances starting together may race to store the same configured key; a few rounds settle it.
const CHOSEN_KEY_ATTEMPTS = 3;

/**
 * The ApiKeyRepository in the bridge's DynamoDB table. Each key is two items written and
 * deleted together: one under the key's hash (what `find` reads on every request) and one
 * under its account (what `list` and `revoke` read). Neither holds the key itself.
 */
export class DynamoApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly table: TableConfig) {}

  async create({ accountId, label, limit }: NewApiKey, now = Date.now()): Promise<{ apiKey: ApiKey; key: string }> {
    const key = `${KEY_PREFIX}${newSecret()}`;
    const record: ApiKey = { id: newSecret(9), accountId, label, createdAt: now, ...(limit ? { limit } : {}) };
    // 192 random bits never collide; the condition only makes an overwrite impossible.
    const result = await this.insert('apiKeys.create', record, hashSecret(key));
    if (result === CONDITION_FAILED) {
      throw new StoreError('Conflict', 'apiKeys.create', 'apiKeys.create: a freshly generated key collided with a stored one; try again');
    }
    return { apiKey: record, key };
  }

  async createWithKey(accountId: string, label: string, key: string, now = Date.now()): Promise<ApiKey> {
    if (typeof key !== 'string' || key.length < MIN_CHOSEN_KEY_LENGTH) {
      throw invalidArgument('apiKeys.createWithKey', `a configured API key must be a random string of at least ${MIN_CHOSEN_KEY_LENGTH} characters`);
    }
    for (let attempt = 0; attempt < CHOSEN_KEY_ATTEMPTS; attempt++) {
      const existing = await this.find(key);
      if (existing) return sameAccount(existing, accountId);
      const record: ApiKey = { id: newSecret(9), accountId, label, createdAt: now };
      // Lost means another instance is storing the same key right now: let it finish, look again.
      if ((await this.insert('apiKeys.createWithKey', record, hashSecret(key))) !== CONDITION_FAILED) return record;
      await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
    }
    throw new StoreError('Conflict', 'apiKeys.createWithKey', 'apiKeys.createWithKey: the key kept changing while being stored; try again');
  }

  async find(key: string): Promise<FoundApiKey | undefined> {
    if (!key) return undefined;
    // Looking up by hash needs no constant-time comparison: timing could at most reveal
    // something about a hash, from which no key can be recovered.
    const { Item } = await request('apiKeys.find', (options) =>
      this.table.client.send(
        new GetCommand({ TableName: this.table.tableName, Key: apiKeyKey(hashSecret(key)), ConsistentRead: true }),
        options,
      ),
    );
    return Item ? { ...toApiKey(Item), ...(typeof Item.fullAt === 'number' ? { fullAt: Item.fullAt } : {}) } : undefined;
  }

  bucket(key: string, record: ApiKey): BucketStore {
    return itemBucket(this.table, 'apiKeys.spend', apiKeyKey(hashSecret(key)), apiKeyListingKey(record.accountId, record.id), () => this.find(key));
  }

  async list(accountId: string): Promise<ApiKey[]> {
    const items = await queryAll(this.table, 'apiKeys.list', {
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: namesIn('#pk #sk'),
      ExpressionAttributeValues: { ':pk': accountPartition(accountId), ':prefix': API_KEY_PREFIX },
    });
    return items.map(toApiKey).sort((a, b) => a.createdAt - b.createdAt);
  }

  async revoke(accountId: string, id: string): Promise<boolean> {
    const { Item } = await request('apiKeys.revoke', (options) =>
      this.table.client.send(
        new GetCommand({ TableName: this.table.tableName, Key: apiKeyListingKey(accountId, id), ConsistentRead: true }),
        options,
      ),
    );
    if (!Item) return false;
    await request('apiKeys.revoke', (options) =>
      this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: this.table.tableName, Key: apiKeyKey(Item.keyHash as string) } },
            { Delete: { TableName: this.table.tableName, Key: apiKeyListingKey(accountId, id) } },
          ],
        }),
        options,
      ),
    );
    return true;
  }

  private insert(operation: string, record: ApiKey, keyHash: string) {
    return conditionalRequest(operation, (options) =>
      this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table.tableName,
                Item: { ...apiKeyKey(keyHash), ...record },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.table.tableName,
                Item: { ...apiKeyListingKey(record.accountId, record.id), ...record, keyHash },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
        options,
      ),
    );
  }
}

function sameAccount(stored: ApiKey, accountId: string): ApiKey {
  if (stored.accountId === accountId) return stored;
  throw new StoreError(
    'Conflict',
    'apiKeys.createWithKey',
    `apiKeys.createWithKey: this key is already bound to another account; configure a different key for account "${accountId}"`,
  );
}

function toApiKey(item: Record<string, unknown>): ApiKey {
  const record: ApiKey = {
    id: item.id as string,
    accountId: item.accountId as string,
    label: item.label as string,
    createdAt: item.createdAt as number,
  };
  if (item.limit) record.limit = item.limit as ApiKey['limit'];
  if (typeof item.lastUsedAt === 'number') record.lastUsedAt = item.lastUsedAt;
  return record;
}
