import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeviceTimers, PushRecord, SceneDef, StoredScene, TimerDef, TimerModelRepository } from '../timers/model';
import { accountPartition, sceneKey, SCENE_PREFIX, timersKey, TIMERS_PREFIX, withoutKeys } from './keys';
import { CONDITION_FAILED, conditionalRequest, namesIn, queryAll, request } from './requests';
import type { TableConfig } from './types';

/*
 * The local timer and scene model. One item per device (`TIMERS#<deviceid>`) holds its
 * timers, a version that guards every write, and what was last pushed to the device; one item
 * per scene (`SCENE#<sceneId>`). A device's full array is compiled from both, so a scene edit
 * is one conditional write and never leaves a device half-updated in the model.
 */

/** Device timer models and scenes of each account, in the table. */
export class DynamoTimerModel implements TimerModelRepository {
  constructor(private readonly table: TableConfig) {}

  async getTimers(accountId: string, deviceid: string): Promise<DeviceTimers> {
    const { Item } = await request('timers.get', (options) =>
      this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: timersKey(accountId, deviceid), ConsistentRead: true }), options),
    );
    return Item ? withoutKeys<DeviceTimers>(Item) : { deviceid, timers: [], version: 0 };
  }

  /** Every device of the account that has a timer model. */
  async listTimers(accountId: string): Promise<DeviceTimers[]> {
    const items = await this.queryPrefix(accountId, TIMERS_PREFIX, 'timers.list');
    return items.map((item) => withoutKeys<DeviceTimers>(item));
  }

  /** Replaces the device's timers if nobody wrote since `expectedVersion`; undefined when someone did. */
  async putTimers(accountId: string, deviceid: string, timers: TimerDef[], expectedVersion: number): Promise<DeviceTimers | undefined> {
    const update = 'SET #deviceid = :deviceid, #timers = :timers, #version = :next';
    const condition = expectedVersion === 0 ? 'attribute_not_exists(#version)' : '#version = :expected';
    const values: Record<string, unknown> = { ':deviceid': deviceid, ':timers': timers, ':next': expectedVersion + 1 };
    if (expectedVersion !== 0) values[':expected'] = expectedVersion;
    const result = await conditionalRequest('timers.put', (options) =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: timersKey(accountId, deviceid),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(update, condition),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
        options,
      ),
    );
    return result === CONDITION_FAILED ? undefined : withoutKeys<DeviceTimers>(result.Attributes ?? {});
  }

  /** Records what was pushed to the device (creates the model item if the device had none). */
  async recordPush(accountId: string, deviceid: string, push: PushRecord): Promise<void> {
    const update = 'SET #deviceid = :deviceid, #push = :push, #timers = if_not_exists(#timers, :none), #version = if_not_exists(#version, :zero)';
    await request('timers.recordPush', (options) =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: timersKey(accountId, deviceid),
          UpdateExpression: update,
          ExpressionAttributeNames: namesIn(update),
          ExpressionAttributeValues: { ':deviceid': deviceid, ':push': push, ':none': [], ':zero': 0 },
        }),
        options,
      ),
    );
  }

  async getScene(accountId: string, sceneId: string): Promise<StoredScene | undefined> {
    const { Item } = await request('scenes.get', (options) =>
      this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: sceneKey(accountId, sceneId), ConsistentRead: true }), options),
    );
    return Item ? withoutKeys<StoredScene>(Item) : undefined;
  }

  async listScenes(accountId: string): Promise<StoredScene[]> {
    const items = await this.queryPrefix(accountId, SCENE_PREFIX, 'scenes.list');
    return items.map((item) => withoutKeys<StoredScene>(item));
  }

  /** Writes a scene if its version is still `expectedVersion` (0: new); undefined when it is not. */
  async putScene(accountId: string, scene: SceneDef, expectedVersion: number): Promise<StoredScene | undefined> {
    const stored: StoredScene = { ...scene, version: expectedVersion + 1 };
    const condition = expectedVersion === 0 ? 'attribute_not_exists(#version)' : '#version = :expected';
    const result = await conditionalRequest('scenes.put', (options) =>
      this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...sceneKey(accountId, scene.id), ...stored },
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(condition),
          ExpressionAttributeValues: expectedVersion === 0 ? undefined : { ':expected': expectedVersion },
        }),
        options,
      ),
    );
    return result === CONDITION_FAILED ? undefined : stored;
  }

  async deleteScene(accountId: string, sceneId: string): Promise<boolean> {
    const result = await request('scenes.delete', (options) =>
      this.table.client.send(new DeleteCommand({ TableName: this.table.tableName, Key: sceneKey(accountId, sceneId), ReturnValues: 'ALL_OLD' }), options),
    );
    return result.Attributes !== undefined;
  }

  private queryPrefix(accountId: string, prefix: string, operation: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.table, operation, {
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: namesIn('#pk #sk'),
      ExpressionAttributeValues: { ':pk': accountPartition(accountId), ':prefix': prefix },
      ConsistentRead: true,
    });
  }
}
