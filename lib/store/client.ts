import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STORE_CALL_MS } from './requests';

export interface ClientOptions {
  /** DynamoDB Local's URL; default `DYNAMODB_ENDPOINT`, else the AWS regional endpoint. */
  endpoint?: string;
  /** Default `AWS_REGION`, else `us-east-1`. */
  region?: string;
}

// DynamoDB Local checks only that a request is signed, so fixed dummy credentials spare the
// SDK its search through env, files and instance metadata. Letters only: DynamoDB Local 2+
// refuses access key ids with other characters.
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A connection DynamoDB does not accept within this long is not coming (its endpoint answers in milliseconds). */
const CONNECT_MS = 1_000;

/**
 * How long the SDK waits for any one request, whoever made it: the store's own calls are
 * ended sooner by their limit (lib/store/requests.ts); this bounds the rest (table set-up).
 */
const REQUEST_HANDLER = { connectionTimeout: CONNECT_MS, requestTimeout: STORE_CALL_MS, throwOnRequestTimeout: true };

interface AttemptToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

const attempt = (count: number, delay: number): AttemptToken => ({ getRetryCount: () => count, getRetryDelay: () => delay });

/**
 * The SDK sends a request again only when DynamoDB turned it away for load (throttling), once,
 * after 100 ms: such a request was not carried out. A request that timed out or lost its
 * connection is never sent again, since it may have been carried out: a conditional write that
 * did land would come back from its second sending as a lost condition, and be taken for
 * another writer's. Those fail at once, for the store's caller to judge (`Unconfirmed`).
 */
const retryThrottledOnce = {
  acquireInitialRetryToken: async (): Promise<AttemptToken> => attempt(0, 0),
  async refreshRetryTokenForRetry(token: AttemptToken, info: { errorType: string; error?: unknown }): Promise<AttemptToken> {
    if (info.errorType !== 'THROTTLING' || token.getRetryCount() >= 1) throw info.error ?? new Error('not retried');
    return attempt(token.getRetryCount() + 1, 100);
  },
  recordSuccess: (): void => undefined,
};

const clients = new Map<string, DynamoDBDocumentClient>();

/**
 * The document client for a region and endpoint, made once per process and shared, so a warm
 * Lambda reuses its connections. Undefined attribute values are dropped on write. A DynamoDB
 * that hangs fails its calls fast: a connection must be made within 1 s, a request answered
 * within the call's limit, and only throttled requests are sent again.
 *
 * @example
 * const client = documentClient();                                      // AWS, from env
 * const local = documentClient({ endpoint: 'http://127.0.0.1:8000' });  // DynamoDB Local
 */
export function documentClient(options: ClientOptions = {}): DynamoDBDocumentClient {
  const endpoint = options.endpoint ?? (process.env.DYNAMODB_ENDPOINT || undefined);
  const region = options.region ?? (process.env.AWS_REGION || 'us-east-1');
  const cacheKey = `${region} ${endpoint ?? 'aws'}`;
  let client = clients.get(cacheKey);
  if (!client) {
    const common = { region, requestHandler: REQUEST_HANDLER, maxAttempts: 2, retryStrategy: retryThrottledOnce };
    const dynamo = endpoint ? new DynamoDBClient({ ...common, endpoint, credentials: LOCAL_CREDENTIALS }) : new DynamoDBClient(common);
    client = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
    clients.set(cacheKey, client);
  }
  return client;
}
