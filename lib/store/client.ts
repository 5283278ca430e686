import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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

const clients = new Map<string, DynamoDBDocumentClient>();

/**
 * The document client for a region and endpoint, made once per process and shared, so a warm
 * Lambda reuses its connections. Undefined attribute values are dropped on write.
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
    const dynamo = endpoint
      ? new DynamoDBClient({ region, endpoint, credentials: LOCAL_CREDENTIALS })
      : new DynamoDBClient({ region });
    client = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
    clients.set(cacheKey, client);
  }
  return client;
}
