import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../local/dynamo-local';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The URL of the one DynamoDB Local shared by every test file of the run. */
    dynamoEndpoint: string;
  }
}

/**
 * Vitest global setup: one DynamoDB Local (in memory) for the whole run, its URL provided as
 * `dynamoEndpoint`, stopped at the end. Test files isolate themselves with `freshTable()`, so
 * they share the one Java process while running in parallel.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // As in vitest.config.ts: the SDK's Node 22 notice, once more, from this process's own client.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dynamo = await startDynamoLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return dynamo.stop;
}
