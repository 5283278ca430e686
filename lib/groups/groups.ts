import type { TokenKeeper } from '../accounts/token-keeper';
import { DEVICE_ID, displayName } from '../devices/management';
import type { DeviceDirectory } from '../devices/directory';
import type { EwelinkClient } from '../ewelink/client';
import type { CloudGroup } from '../ewelink/types';
import { NotFound } from '../errors';
import { Int, RULE, Text, Type, type Static } from '../schema';

/** A group id as the cloud writes them: also the `{groupId}` of group routes. */
export const GROUP_ID = Text({
  description: 'the group id, as `GET /groups` lists it',
  minLength: 1,
  maxLength: 64,
  pattern: /^[A-Za-z0-9_-]+$/,
  rule: 'must be a group id: letters, digits, "_" or "-"',
  example: '5f2b8c0e9d1a4b3c2d1e0f9a',
});

const GROUP_NAME = displayName('the name the eWeLink app shows', 'Living room');
const GROUP_INDEX = Int({ description: 'where the group sorts in the eWeLink app, 0 first', minimum: 0, maximum: 9_999 });

export const CREATE_GROUP = Type.Object(
  {
    name: GROUP_NAME,
    index: Type.Optional(Int({ description: 'where the group sorts in the eWeLink app, 0 first (default: after the last group)', minimum: 0, maximum: 9_999 })),
  },
  { $id: 'CreateGroup', additionalProperties: false, examples: [{ name: 'Living room' }] },
);
export type CreateGroup = Static<typeof CREATE_GROUP>;

export const UPDATE_GROUP = Type.Object(
  { name: Type.Optional(GROUP_NAME), index: Type.Optional(GROUP_INDEX) },
  { $id: 'UpdateGroup', additionalProperties: false, minProperties: 1, examples: [{ name: 'Lounge' }] },
);
export type UpdateGroup = Static<typeof UPDATE_GROUP>;

export const ADD_TO_GROUP = Type.Object(
  {
    deviceids: Type.Array(DEVICE_ID, {
      description: 'the devices to move into the group',
      minItems: 1,
      maxItems: 50,
      uniqueItems: true,
      [RULE]: 'must be a list of 1 to 50 device ids',
    }),
  },
  { $id: 'AddToGroup', additionalProperties: false, examples: [{ deviceids: ['1000000001', '1000000004'] }] },
);

export interface Group {
  id: string;
  name: string;
  index: number;
  createdAt?: string;
  /** The devices in the group, from the cached device list. */
  deviceids: string[];
}

/**
 * The account's device groups, as the eWeLink app shows them: list, create, rename or
 * reorder, delete, and move devices in and out. A device may sit in several groups; moving
 * one into a group takes it out of the group it was in.
 *
 * @example
 * const { id } = await groups.create('default', { name: 'Living room' });
 * await groups.addDevices('default', id, { deviceids: ['1000000001'] });
 */
export class Groups {
  constructor(
    private readonly directory: DeviceDirectory,
    private readonly keeper: TokenKeeper,
    private readonly client: EwelinkClient,
  ) {}

  async list(accountId: string): Promise<Group[]> {
    await this.keeper.requireV1(accountId, 'device groups');
    const [groups, devices] = await Promise.all([this.cloudGroups(accountId), this.directory.list(accountId)]);
    return groups
      .sort((a, b) => a.index - b.index)
      .map((group) => ({ ...groupOf(group), deviceids: devices.filter((d) => d.groups?.includes(group.id)).map((d) => d.deviceid) }));
  }

  async create(accountId: string, { name, index }: CreateGroup): Promise<Group> {
    await this.keeper.requireV1(accountId, 'device groups');
    const at = index ?? (await this.cloudGroups(accountId)).reduce((next, g) => Math.max(next, g.index + 1), 0);
    const id = await this.keeper.withCredentials(accountId, (creds) => this.client.createGroup(creds, name, at));
    // The cloud answers the new id only: its list says when it made the group, as GET /groups shows
    // it. Should it not list the group yet, the time of its answer stands in.
    const made = (await this.cloudGroups(accountId)).find((g) => g.id === id);
    return { ...groupOf(made ?? { id, name, index: at, createdAt: new Date().toISOString() }), deviceids: [] };
  }

  /** Renames or moves a group; what is not given stays as it is. */
  async update(accountId: string, groupId: string, changes: UpdateGroup): Promise<Group> {
    await this.keeper.requireV1(accountId, 'device groups');
    const group = await this.find(accountId, groupId);
    const next = { name: changes.name ?? group.name, index: changes.index ?? group.index };
    await this.keeper.withCredentials(accountId, (creds) => this.client.updateGroup(creds, groupId, next));
    return { ...groupOf(group), ...next, deviceids: await this.members(accountId, groupId) };
  }

  /** Deletes the group; its devices stay in the account, in no group. */
  async remove(accountId: string, groupId: string): Promise<void> {
    await this.keeper.requireV1(accountId, 'device groups');
    await this.find(accountId, groupId);
    await this.keeper.withCredentials(accountId, (creds) => this.client.deleteGroup(creds, groupId));
    await this.directory.forget(accountId);
  }

  /** Moves devices into the group, each out of the group it was in; those already in it stay. */
  async addDevices(accountId: string, groupId: string, deviceids: string[]): Promise<Group> {
    await this.keeper.requireV1(accountId, 'device groups');
    const group = await this.find(accountId, groupId);
    // Where each device is now decides the move, so the list is read fresh, not from the cache.
    const devices = await this.directory.fetch(accountId);
    const moves = deviceids.map((deviceid) => {
      const device = devices.find((d) => d.deviceid === deviceid);
      if (!device) throw new NotFound(`no device "${deviceid}" in this account`);
      return { deviceid, from: device.groups?.find((g) => g !== groupId), already: device.groups?.includes(groupId) ?? false };
    });
    const pending = moves.filter((m) => !m.already).map(({ deviceid, from }) => ({ deviceid, from, to: groupId }));
    if (pending.length > 0) {
      await this.keeper.withCredentials(accountId, (creds) => this.client.moveDevices(creds, pending));
      await this.directory.forget(accountId);
    }
    const before = devices.filter((d) => d.groups?.includes(groupId)).map((d) => d.deviceid);
    return { ...groupOf(group), deviceids: [...before, ...pending.map((m) => m.deviceid)] };
  }

  /** Takes one device out of the group (it stays in the account and in any other group). */
  async removeDevice(accountId: string, groupId: string, deviceid: string): Promise<void> {
    await this.keeper.requireV1(accountId, 'device groups');
    await this.find(accountId, groupId);
    const device = (await this.directory.fetch(accountId)).find((d) => d.deviceid === deviceid);
    if (!device) throw new NotFound(`no device "${deviceid}" in this account`);
    if (!device.groups?.includes(groupId)) throw new NotFound(`device "${deviceid}" is not in group "${groupId}"`);
    await this.keeper.withCredentials(accountId, (creds) => this.client.moveDevices(creds, [{ deviceid, from: groupId }]));
    await this.directory.forget(accountId);
  }

  private cloudGroups(accountId: string): Promise<CloudGroup[]> {
    return this.keeper.withCredentials(accountId, (creds) => this.client.groups(creds));
  }

  private async find(accountId: string, groupId: string): Promise<CloudGroup> {
    const group = (await this.cloudGroups(accountId)).find((g) => g.id === groupId);
    if (!group) throw new NotFound(`no group "${groupId}" in this account`);
    return group;
  }

  private async members(accountId: string, groupId: string): Promise<string[]> {
    return (await this.directory.list(accountId)).filter((d) => d.groups?.includes(groupId)).map((d) => d.deviceid);
  }
}

function groupOf({ id, name, index, createdAt }: CloudGroup): Omit<Group, 'deviceids'> {
  return createdAt === undefined ? { id, name, index } : { id, name, index, createdAt };
}
