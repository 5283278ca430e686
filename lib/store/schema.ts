import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The bridge keeps everything in one table: partition key `pk`, sort key `sk` (strings),
 * and `expiresAt` (epoch seconds) as the TTL attribute. The CDK stack, DynamoDB Local and
 * the tests all build the table from these names.
 */
export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
export const TTL_ATTRIBUTE = 'expiresAt';
export const DEFAULT_TABLE_NAME = 'ewelink-bridge';

/** The CreateTable request for DynamoDB Local (tests and `npm start`). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: PARTITION_KEY, AttributeType: 'S' },
      { AttributeName: SORT_KEY, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ],
  };
}
