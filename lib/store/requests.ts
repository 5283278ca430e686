import { paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { callLimit } from '../deadline';
import { lostToAnotherWriter, outOfTime, storeFailure } from './errors';
import type { TableConfig } from './types';

// Every DynamoDB call of the store goes through these, so an SDK exception never reaches a
// caller: a write that lost to another writer (failed condition, conflicting transaction)
// becomes CONDITION_FAILED, anything else a StoreError. Each call is given its limit: at most
// STORE_CALL_MS, and never past the budget of the request it serves (lib/deadline.ts), so a
// DynamoDB that hangs costs a caller a documented answer in time, not the platform's timeout.

export const CONDITION_FAILED = Symbol('condition failed');
export type ConditionFailed = typeof CONDITION_FAILED;

/** The longest any one DynamoDB call may take, ms; DynamoDB answers in milliseconds. */
export const STORE_CALL_MS = 3_000;

/** What a call passes to the SDK's `send`: the signal that ends it at its limit. */
export interface CallOptions {
  abortSignal: AbortSignal;
}

/** A call to DynamoDB, made with the options it is handed: `(options) => client.send(command, options)`. */
export type StoreCall<T> = (options: CallOptions) => Promise<T>;

export async function request<T>(operation: string, call: StoreCall<T>): Promise<T> {
  try {
    return await limited(operation, call);
  } catch (error) {
    throw storeFailure(operation, error);
  }
}

export async function conditionalRequest<T>(operation: string, call: StoreCall<T>): Promise<T | ConditionFailed> {
  try {
    return await limited(operation, call);
  } catch (error) {
    if (lostToAnotherWriter(error)) return CONDITION_FAILED;
    throw storeFailure(operation, error);
  }
}

/** Runs the call with a signal that ends it at its limit; a call with no time left is not made at all. */
async function limited<T>(operation: string, call: StoreCall<T>): Promise<T> {
  const ms = callLimit(STORE_CALL_MS);
  if (ms <= 0) throw outOfTime(operation);
  return call({ abortSignal: AbortSignal.timeout(ms) });
}

/** Every item of a Query, following LastEvaluatedKey page by page. */
export async function queryAll(
  table: TableConfig,
  operation: string,
  input: Omit<QueryCommandInput, 'TableName'>,
  pageSize?: number,
): Promise<Record<string, unknown>[]> {
  return request(operation, async (options) => {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery({ client: table.client, pageSize }, { ...input, TableName: table.tableName }, options);
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
