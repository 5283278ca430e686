import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StoreError, invalidArgument } from './errors';
import { deviceCacheKey } from './keys';
import { CONDITION_FAILED, conditionalRequest, namesIn, request } from './requests';
import type { CachedDevice, DeviceCacheRepository, DeviceList } from '../devices/model';
import type { TableConfig } from './types';

// A reshuffled list (a put racing setOnline) is retried this many times; more is a bug or a storm.
const SET_ONLINE_ATTEMPTS = 3;

/** The DeviceCacheRepository in the bridge's DynamoDB table: one item per account. */
export class DynamoDeviceCache implements DeviceCacheRepository {
  constructor(private readonly table: TableConfig) {}

  async get(accountId: string, now = Date.now()): Promise<DeviceList | undefined> {
    const { Item } = await request('devices.get', (options) =>
      this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: deviceCacheKey(accountId) }), options),
    );
    if (!Item || isExpired(Item, now)) return undefined;
    return { devices: Item.devices as CachedDevice[], fetchedAt: Item.fetchedAt as number };
  }

  async put(accountId: string, devices: CachedDevice[], ttlSec: number, now = Date.now()): Promise<DeviceList> {
    if (!(ttlSec > 0)) throw invalidArgument('devices.put', `ttlSec must be positive, got ${ttlSec}`);
    const item = {
      ...deviceCacheKey(accountId),
      devices,
      fetchedAt: now,
      expiresAt: Math.ceil(now / 1000 + ttlSec),
    };
    await request('devices.put', (options) => this.table.client.send(new PutCommand({ TableName: this.table.tableName, Item: item }), options));
    return { devices, fetchedAt: now };
  }

  async setOnline(accountId: string, deviceid: string, online: boolean): Promise<boolean> {
    // Rather than read-modify-write the whole list (which loses a concurrent put, or another
    // device's update, whatever the guard on fetchedAt), write only `devices[i].online`,
    // on condition that slot still holds this device; if a put moved it, look again.
    for (let attempt = 0; attempt < SET_ONLINE_ATTEMPTS; attempt++) {
      const { Item } = await request('devices.setOnline', (options) =>
        this.table.client.send(
          new GetCommand({ TableName: this.table.tableName, Key: deviceCacheKey(accountId), ConsistentRead: true }),
          options,
        ),
      );
      if (!Item || isExpired(Item, Date.now())) return false;
      const index = (Item.devices as CachedDevice[]).findIndex((device) => device.deviceid === deviceid);
      if (index < 0) return false;
      if ((Item.devices as CachedDevice[])[index]!.online === online) return true;

      const update = `SET #devices[${index}].#online = :online`;
      const condition = `#devices[${index}].#deviceid = :deviceid`;
      const result = await conditionalRequest('devices.setOnline', (options) =>
        this.table.client.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: deviceCacheKey(accountId),
            UpdateExpression: update,
            ConditionExpression: condition,
            ExpressionAttributeNames: namesIn(update, condition),
            ExpressionAttributeValues: { ':online': online, ':deviceid': deviceid },
          }),
          options,
        ),
      );
      if (result !== CONDITION_FAILED) return true;
    }
    throw new StoreError(
      'Conflict',
      'devices.setOnline',
      `devices.setOnline: the device list of account "${accountId}" kept changing; device ${deviceid} not updated`,
    );
  }

  async forget(accountId: string): Promise<void> {
    await request('devices.forget', (options) =>
      this.table.client.send(new DeleteCommand({ TableName: this.table.tableName, Key: deviceCacheKey(accountId) }), options),
    );
  }
}

function isExpired(item: Record<string, unknown>, now: number): boolean {
  return typeof item.expiresAt === 'number' && item.expiresAt * 1000 <= now;
}
