/**
 * What went wrong in the store, as a value a handler can map:
 * - `StoreFailure`: DynamoDB failed or could not be reached, and did not carry the request out (a handler answers 503);
 * - `Unconfirmed`: the request was sent (or may have been) but no answer said how it went: a
 *   write may have been made. A read's caller answers as for `StoreFailure`; a write's caller
 *   tells its own caller that the write may have happened;
 * - `InvalidArgument`: the caller passed something the store cannot keep (a bug or bad input: 4xx/500);
 * - `Conflict`: the write contradicts what is stored (say, a configured API key bound to another account).
 *
 * Expected outcomes such as a lost race for a refresh lease are not errors: the repositories
 * report them as documented return values (`false`, `undefined`).
 */
export type StoreErrorCode = 'StoreFailure' | 'Unconfirmed' | 'InvalidArgument' | 'Conflict';

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
  if (mayHaveBeenCarriedOut(error)) return new StoreError('Unconfirmed', operation, `${operation}: DynamoDB did not answer how the request went (${detail})`, { cause: error });
  return new StoreError('StoreFailure', operation, `${operation}: DynamoDB request failed (${detail})`, { cause: error });
}

/** A call with no time left in the request's budget, which is therefore not made. */
export function outOfTime(operation: string): StoreError {
  return new StoreError('StoreFailure', operation, `${operation}: not sent: the request's time budget is spent`);
}

/** Errors of a connection that broke or went silent once the request may have been on it. */
const LOST_ON_THE_WAY = ['ECONNRESET', 'EPIPE', 'ETIMEDOUT'];

/**
 * Whether DynamoDB may have carried out a request that failed: it was sent, or may have been,
 * and no answer came (the call's limit ended it, the connection broke or went silent), or
 * DynamoDB's answer was its internal error, after which AWS says a request may or may not have
 * succeeded. Not when the connection was never made (refused, no such host, connect timeout)
 * or DynamoDB answered with any other error: those requests did nothing.
 */
function mayHaveBeenCarriedOut(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined) return status === 500;
  // The SDK names its own connect timeout a TimeoutError too; only its text tells it apart.
  if (error.name === 'TimeoutError' && /establish a connection/.test(error.message)) return false;
  const code = (error as { code?: unknown }).code;
  return error.name === 'AbortError' || error.name === 'TimeoutError' || (typeof code === 'string' && LOST_ON_THE_WAY.includes(code));
}

export function invalidArgument(operation: string, message: string): StoreError {
  return new StoreError('InvalidArgument', operation, `${operation}: ${message}`);
}
