import { CreateTableCommand, DescribeTimeToLiveCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { request } from './requests';
import { TTL_ATTRIBUTE, createTableInput } from './schema';

/**
 * Creates the bridge's table if it is missing and turns on TTL for `expiresAt`. For DynamoDB
 * Local only (tests, `npm start`), which creates tables ACTIVE at once, so nothing waits for
 * the table; in AWS the CDK stack owns it.
 *
 * @example
 * await ensureTable(documentClient({ endpoint: 'http://127.0.0.1:8000' }), 'ewelink-bridge');
 */
export async function ensureTable(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  await request('ensureTable', async (options) => {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)), options);
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
    }
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }), options);
    if (TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED' || TimeToLiveDescription?.TimeToLiveStatus === 'ENABLING') return;
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }),
      options,
    );
  });
}
