import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The table a repository works on, and the client to reach it with. */
export interface TableConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
}
