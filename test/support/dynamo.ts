import { randomUUID } from 'node:crypto';
import { paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { documentClient } from '../../lib/store/client';
import { ensureTable } from '../../lib/store/table';

export interface FreshTable {
  tableName: string;
  endpoint: string;
  documentClient: DynamoDBDocumentClient;
}

/**
 * A new, empty table of the bridge's schema (TTL on) in the run's DynamoDB Local, uniquely
 * named so no two test files (or tests) ever see each other's items.
 *
 * @example
 * const { tableName, documentClient } = await freshTable();
 * const store = createStore({ tableName, client: documentClient });
 */
export async function freshTable(): Promise<FreshTable> {
  const endpoint = inject('dynamoEndpoint');
  const client = documentClient({ endpoint });
  const tableName = `test-${randomUUID()}`;
  await ensureTable(client, tableName);
  return { tableName, endpoint, documentClient: client };
}

/**
 * Every raw item of a table, keys and all: for asserting what is (and is not) stored.
 *
 * @example
 * expect(JSON.stringify(await scanTable(table))).not.toContain(secret);
 */
export async function scanTable(table: FreshTable): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: table.documentClient }, { TableName: table.tableName, ConsistentRead: true })) {
    items.push(...(page.Items ?? []));
  }
  return items;
}
