import { paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { lostToAnotherWriter, storeFailure } from './errors';
import type { TableConfig } from './types';

// Every DynamoDB call of the store goes through these, so an SDK exception never reaches a
// caller: a write that lost to another writer (failed condition, conflicting transaction)
// becomes CONDITION_FAILED, anything else a StoreError.

export const CONDITION_FAILED = Symbol('condition failed');
export type ConditionFailed = typeof CONDITION_FAILED;

export async function request<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw storeFailure(operation, error);
  }
}

export async function conditionalRequest<T>(operation: string, call: () => Promise<T>): Promise<T | ConditionFailed> {
  try {
    return await call();
  } catch (error) {
    if (lostToAnotherWriter(error)) return CONDITION_FAILED;
    throw storeFailure(operation, error);
  }
}

/** Every item of a Query, following LastEvaluatedKey page by page. */
export async function queryAll(
  table: TableConfig,
  operation: string,
  input: Omit<QueryCommandInput, 'TableName'>,
  pageSize?: number,
): Promise<Record<string, unknown>[]> {
  return request(operation, async () => {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery({ client: table.client, pageSize }, { ...input, TableName: table.tableName });
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  });
}

/**
 * The ExpressionAttributeNames for every `#name` in the expressions. Writing every attribute
 * as `#name` sidesteps DynamoDB's long list of reserved words, and deriving the map keeps it
 * from holding a name the expressions do not use (which DynamoDB rejects).
 */
export function namesIn(...expressions: string[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const expression of expressions) {
    for (const [placeholder, name] of expression.matchAll(/#(\w+)/g)) names[placeholder] = name!;
  }
  return names;
}
