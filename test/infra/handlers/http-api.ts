// Stand-in for functions/http-api.ts: the stack tests bundle this instead, so they do not
// depend on the real handler. It imports an SDK client to prove the SDK is bundled.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const handler = async () => ({ statusCode: 200, body: typeof DynamoDBClient });
