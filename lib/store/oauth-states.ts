import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OAuthState, OAuthStateRepository } from '../accounts/model';
import { hashSecret } from '../secrets';
import { invalidArgument } from './errors';
import { oauthStateKey } from './keys';
import { CONDITION_FAILED, conditionalRequest, request } from './requests';
import { PARTITION_KEY, TTL_ATTRIBUTE } from './schema';
import type { TableConfig } from './types';

/**
 * The OAuthStateRepository in the bridge's DynamoDB table: one item per state, under the
 * state's hash, removed by the table's TTL once expired; taking one is a conditional delete,
 * so two callbacks with the same state cannot both get it.
 */
export class DynamoOAuthStateRepository implements OAuthStateRepository {
  constructor(private readonly table: TableConfig) {}

  async put(state: string, record: OAuthState): Promise<void> {
    if (!state) throw invalidArgument('oauthStates.put', 'state must be a non-empty string');
    await request('oauthStates.put', () =>
      this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            ...oauthStateKey(hashSecret(state)),
            accountId: record.accountId,
            redirectUrl: record.redirectUrl,
            // The TTL attribute is epoch seconds; the exact moment is kept beside it in ms.
            [TTL_ATTRIBUTE]: Math.ceil(record.expiresAt / 1000),
            expiresAtMs: record.expiresAt,
          },
        }),
      ),
    );
  }

  async take(state: string): Promise<OAuthState | undefined> {
    if (!state) return undefined;
    const result = await conditionalRequest('oauthStates.take', () =>
      this.table.client.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: oauthStateKey(hashSecret(state)),
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    if (result === CONDITION_FAILED || !result.Attributes) return undefined;
    const { accountId, redirectUrl, expiresAtMs } = result.Attributes;
    return { accountId: String(accountId), redirectUrl: String(redirectUrl), expiresAt: Number(expiresAtMs) };
  }
}
