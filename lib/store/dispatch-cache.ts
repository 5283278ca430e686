import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DispatchCache } from '../ewelink/command';
import type { DispatchTarget } from '../ewelink/types';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './schema';
import { request } from './requests';
import type { TableConfig } from './types';

/** Dispatch answers live in one partition, one item per API and region (`v1 eu`). */
const DISPATCH_PARTITION = 'DISPATCH';

/**
 * The command path's DispatchCache in the bridge's table: where each region's socket lives,
 * as the cloud's dispatch answered it, until `until` (ms). A new instance reads it instead of
 * asking the cloud; the table's TTL removes old items some time after (it never decides).
 */
export class DynamoDispatchCache implements DispatchCache {
  constructor(private readonly table: TableConfig) {}

  async get(key: string): Promise<{ target: DispatchTarget; until: number } | undefined> {
    const { Item } = await request('dispatchCache.get', () =>
      this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: { [PARTITION_KEY]: DISPATCH_PARTITION, [SORT_KEY]: key } })),
    );
    if (!Item || typeof Item.until !== 'number' || typeof Item.domain !== 'string' || typeof Item.port !== 'number') return undefined;
    return { target: { ip: typeof Item.ip === 'string' ? Item.ip : Item.domain, domain: Item.domain, port: Item.port }, until: Item.until };
  }

  async put(key: string, target: DispatchTarget, until: number): Promise<void> {
    await request('dispatchCache.put', () =>
      this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { [PARTITION_KEY]: DISPATCH_PARTITION, [SORT_KEY]: key, ip: target.ip, domain: target.domain, port: target.port, until, [TTL_ATTRIBUTE]: Math.ceil(until / 1000) + 3_600 },
        }),
      ),
    );
  }
}
