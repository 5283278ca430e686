/**
 * What went wrong in the store, as a value a handler can map:
 * - `StoreFailure`: DynamoDB failed or could not be reached (a handler answers 503);
 * - `InvalidArgument`: the caller passed something the store cannot keep (a bug or bad input: 4xx/500);
 * - `Conflict`: the write contradicts what is stored (say, a configured API key bound to another account).
 *
 * Expected outcomes such as a lost race for a refresh lease are not errors: the repositories
 * report them as documented return values (`false`, `undefined`).
 */
export type StoreErrorCode = 'StoreFailure' | 'InvalidArgument' | 'Conflict';

/** The one error type the store throws; the SDK's own exception, if any, is its `cause`. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    readonly operation: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Whether a write lost to another writer: its condition did not hold, or (for a transaction)
 * a concurrent transaction on the same items was in the way. Either way, someone else got there
 * first, and the caller decides what that means (a lost lease, a taken id, look again).
 */
export function lostToAnotherWriter(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ConditionalCheckFailedException') return true;
  if (error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict');
}

export function storeFailure(operation: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new StoreError('StoreFailure', operation, `${operation}: DynamoDB request failed (${detail})`, { cause: error });
}

export function invalidArgument(operation: string, message: string): StoreError {
  return new StoreError('InvalidArgument', operation, `${operation}: ${message}`);
}
