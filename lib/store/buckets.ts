import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LAST_USE_EVERY_MS, type BucketStore, type Metered } from '../rate-limit';
import type { ItemKey } from './keys';
import { CONDITION_FAILED, conditionalRequest, namesIn } from './requests';
import type { TableConfig } from './types';

/**
 * The BucketStore of one hook or key: its bucket (`fullAt`) on the item every call reads
 * (`item`); its last use there and on its listing under the account (`listing`), which is
 * what a list shows. Every write is conditional on the item existing: an update would
 * otherwise create it.
 */
export function itemBucket(table: TableConfig, operation: string, item: ItemKey, listing: ItemKey, reload: () => Promise<Metered | undefined>): BucketStore {
  const update = async (expression: string, condition: string, values: Record<string, unknown>) => {
    const result = await conditionalRequest(operation, (options) =>
      table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: item,
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(expression, condition),
          ExpressionAttributeValues: values,
        }),
        options,
      ),
    );
    return result !== CONDITION_FAILED;
  };
  return {
    reload,
    start: (now, next) => update('SET #fullAt = :next', 'attribute_exists(#pk) AND (attribute_not_exists(#fullAt) OR #fullAt <= :now)', { ':next': next, ':now': now }),
    // An atomic add: concurrent callers each move the bucket on by one interval, none overwrites another.
    advance: (now, intervalMs, latest) => update('SET #fullAt = #fullAt + :interval', 'attribute_exists(#pk) AND #fullAt > :now AND #fullAt <= :latest', { ':interval': intervalMs, ':now': now, ':latest': latest }),
    async touch(now) {
      const expression = 'SET #lastUsedAt = :now';
      const stale = 'attribute_exists(#pk) AND (attribute_not_exists(#lastUsedAt) OR #lastUsedAt <= :before)';
      const exists = 'attribute_exists(#pk)';
      // Of callers touching at once, one writes; the rest lose the condition and leave it be.
      await conditionalRequest(operation, (options) =>
        table.client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: { TableName: table.tableName, Key: item, UpdateExpression: expression, ConditionExpression: stale, ExpressionAttributeNames: namesIn(expression, stale), ExpressionAttributeValues: { ':now': now, ':before': now - LAST_USE_EVERY_MS } } },
              { Update: { TableName: table.tableName, Key: listing, UpdateExpression: expression, ConditionExpression: exists, ExpressionAttributeNames: namesIn(expression, exists), ExpressionAttributeValues: { ':now': now } } },
            ],
          }),
          options,
        ),
      );
    },
  };
}
