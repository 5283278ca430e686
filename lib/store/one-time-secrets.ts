import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OneTimeSecretRepository } from '../accounts/assistant-links';
import { hashSecret } from '../secrets';
import { invalidArgument } from './errors';
import { oneTimeKey } from './keys';
import { CONDITION_FAILED, conditionalRequest, request } from './requests';
import { PARTITION_KEY, TTL_ATTRIBUTE } from './schema';
import type { TableConfig } from './types';

type Kept = { fields: Record<string, string>; expiresAt: number };

/**
 * The OneTimeSecretRepository in the bridge's table: one item per secret under its hash (the
 * secret itself is never stored), removed by the table's TTL once expired; taking one is a
 * conditional delete, so two callers with the same secret cannot both get it.
 */
export class DynamoOneTimeSecrets implements OneTimeSecretRepository {
  constructor(private readonly table: TableConfig) {}

  async put(kind: string, secret: string, fields: Record<string, string>, expiresAt: number): Promise<void> {
    if (!secret) throw invalidArgument('oneTimeSecrets.put', 'secret must be a non-empty string');
    await request('oneTimeSecrets.put', (options) =>
      this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          // The TTL attribute is epoch seconds; the exact moment is kept beside it in ms.
          Item: { ...oneTimeKey(kind, hashSecret(secret)), fields, [TTL_ATTRIBUTE]: Math.ceil(expiresAt / 1000), expiresAtMs: expiresAt },
        }),
        options,
      ),
    );
  }

  async peek(kind: string, secret: string): Promise<Kept | undefined> {
    if (!secret) return undefined;
    const { Item } = await request('oneTimeSecrets.peek', (options) =>
      this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: oneTimeKey(kind, hashSecret(secret)), ConsistentRead: true }), options),
    );
    return Item ? kept(Item) : undefined;
  }

  async take(kind: string, secret: string): Promise<Kept | undefined> {
    if (!secret) return undefined;
    const result = await conditionalRequest('oneTimeSecrets.take', (options) =>
      this.table.client.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: oneTimeKey(kind, hashSecret(secret)),
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY },
          ReturnValues: 'ALL_OLD',
        }),
        options,
      ),
    );
    if (result === CONDITION_FAILED || !result.Attributes) return undefined;
    return kept(result.Attributes);
  }
}

function kept(item: Record<string, unknown>): Kept {
  return { fields: (item.fields ?? {}) as Record<string, string>, expiresAt: Number(item.expiresAtMs) };
}
