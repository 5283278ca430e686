import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BucketStore } from '../rate-limit';
import { itemBucket } from './buckets';
import { hashSecret, newSecret } from '../secrets';
import { StoreError } from './errors';
import { HOOK_PREFIX, accountPartition, hookKey, hookListingKey, withoutKeys } from './keys';
import { CONDITION_FAILED, conditionalRequest, namesIn, queryAll, request } from './requests';
import type { TableConfig } from './types';
import type { Hook, HookChange, HookRepository, NewHook, StoredHook } from '../webhooks/model';

// 9 random bytes: a 12-character id, short enough for a URL, and 72 bits no one will guess
// (the secret guards the hook anyway).
const HOOK_ID_BYTES = 9;
// An id collision is all but impossible; a retry or two makes it impossible in practice.
const CREATE_ATTEMPTS = 3;

/**
 * The HookRepository in the bridge's DynamoDB table. A webhook call knows only the hook's id,
 * so each hook lives under `HOOK#<id>`; a copy without the secret's hash lives under its
 * account so that `list` is a single Query (the table has no index to find hooks by account).
 * Both are written and deleted in one transaction, so they never disagree.
 */
export class DynamoHookRepository implements HookRepository {
  constructor(private readonly table: TableConfig) {}

  async create(input: NewHook, now = Date.now()): Promise<{ hook: Hook; secret: string }> {
    const secret = newSecret();
    const secretHash = hashSecret(secret);
    for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      const hook: Hook = {
        hookId: newSecret(HOOK_ID_BYTES),
        accountId: input.accountId,
        deviceid: input.deviceid,
        action: input.action,
        name: input.name,
        createdAt: now,
        limit: input.limit,
      };
      const result = await conditionalRequest('hooks.create', (options) =>
        this.table.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.table.tableName,
                  Item: { ...hookKey(hook.hookId), ...hook, secretHash },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: { TableName: this.table.tableName, Item: { ...hookListingKey(hook.accountId, hook.hookId), ...hook } } },
            ],
          }),
          options,
        ),
      );
      if (result !== CONDITION_FAILED) return { hook: withoutUndefined(hook), secret };
    }
    throw new StoreError('Conflict', 'hooks.create', 'hooks.create: no free webhook id found; try again');
  }

  async get(hookId: string): Promise<StoredHook | undefined> {
    const { Item } = await request('hooks.get', (options) =>
      this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: hookKey(hookId), ConsistentRead: true }), options),
    );
    return Item ? withoutKeys<StoredHook>(Item) : undefined;
  }

  async list(accountId: string): Promise<Hook[]> {
    const items = await queryAll(this.table, 'hooks.list', {
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: namesIn('#pk #sk'),
      ExpressionAttributeValues: { ':pk': accountPartition(accountId), ':prefix': HOOK_PREFIX },
    });
    return items.map((item) => withoutKeys<Hook>(item)).sort((a, b) => a.createdAt - b.createdAt);
  }

  async delete(hookId: string, accountId?: string): Promise<boolean> {
    const stored = await this.get(hookId);
    if (!stored || (accountId !== undefined && stored.accountId !== accountId)) return false;
    const condition = '#accountId = :accountId';
    const result = await conditionalRequest('hooks.delete', (options) =>
      this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table.tableName,
                Key: hookKey(hookId),
                // Gone meanwhile (a concurrent delete): report false, like any unknown hook.
                ConditionExpression: condition,
                ExpressionAttributeNames: namesIn(condition),
                ExpressionAttributeValues: { ':accountId': stored.accountId },
              },
            },
            { Delete: { TableName: this.table.tableName, Key: hookListingKey(stored.accountId, hookId) } },
          ],
        }),
        options,
      ),
    );
    return result !== CONDITION_FAILED;
  }

  async rotate(hookId: string, accountId: string): Promise<string | undefined> {
    const before = await this.get(hookId);
    if (!before || before.accountId !== accountId) return undefined;
    const secret = newSecret();
    const update = 'SET #secretHash = :secretHash';
    const condition = '#accountId = :accountId';
    const result = await conditionalRequest('hooks.rotate', (options) =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: hookKey(hookId),
          UpdateExpression: update,
          // Deleted or moved meanwhile: the condition cannot hold on a missing item.
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(update, condition),
          ExpressionAttributeValues: { ':secretHash': hashSecret(secret), ':accountId': accountId },
        }),
        options,
      ),
    );
    return result === CONDITION_FAILED ? undefined : secret;
  }

  async update(hookId: string, accountId: string, change: HookChange): Promise<Hook | undefined> {
    const fields = Object.entries(change).filter(([, value]) => value !== undefined);
    // Read first, as `delete` does, so an unknown hook costs no write; the condition still guards a race.
    const before = await this.get(hookId);
    if (!before || before.accountId !== accountId) return undefined;
    if (fields.length > 0) {
      const update = `SET ${fields.map(([name]) => `#${name} = :${name}`).join(', ')}`;
      const values = Object.fromEntries(fields.map(([name, value]) => [`:${name}`, value]));
      const owned = '#accountId = :accountId';
      const exists = 'attribute_exists(#pk)';
      const result = await conditionalRequest('hooks.update', (options) =>
        this.table.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.table.tableName,
                  Key: hookKey(hookId),
                  UpdateExpression: update,
                  ConditionExpression: owned,
                  ExpressionAttributeNames: namesIn(update, owned),
                  ExpressionAttributeValues: { ...values, ':accountId': accountId },
                },
              },
              {
                Update: {
                  TableName: this.table.tableName,
                  Key: hookListingKey(accountId, hookId),
                  UpdateExpression: update,
                  ConditionExpression: exists,
                  ExpressionAttributeNames: namesIn(update, exists),
                  ExpressionAttributeValues: values,
                },
              },
            ],
          }),
          options,
        ),
      );
      if (result === CONDITION_FAILED) return undefined;
    }
    // The hook as read, with the change: no second read of what was just written.
    const { secretHash: _secretHash, fullAt: _fullAt, ...hook } = before;
    return { ...hook, ...Object.fromEntries(fields) };
  }

  bucket(hook: Hook): BucketStore {
    return itemBucket(this.table, 'hooks.spend', hookKey(hook.hookId), hookListingKey(hook.accountId, hook.hookId), () => this.get(hook.hookId));
  }
}

// The stored item drops undefined attributes (removeUndefinedValues); answer with the same shape.
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
