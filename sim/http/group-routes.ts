import type { Account } from '../accounts/account-book';
import type { SimContext } from '../context';
import { callerApikey, usableDevice } from './device-access';
import { Refusal } from '../errors';
import { fixedNumber, isObject, presentString, requiredInteger, requiredString, type Fields } from '../fields';
import type { Group } from '../accounts/groups';
import type { BearerRoute } from './cloud-route';

/*
 * Device groups (`/api/group`): each account's own, ordered by index. A device may sit in
 * several; which ones, the device list says (`groups`).
 */

function knownGroup(ctx: SimContext, account: Account, id: string): Group {
  const group = ctx.groups.find(account, id);
  if (!group) throw new Refusal(404, `group ${id} does not exist`);
  return group;
}

function groupName(input: Fields): string {
  const name = requiredString(input, 'name');
  if (name.trim() === '') throw new Refusal(400, 'name must not be blank');
  return name;
}

const listGroups: BearerRoute = {
  method: 'GET',
  path: '/api/group',
  auth: 'bearer',
  handle(call, ctx) {
    fixedNumber(call.input, 'groupType', 0, 'query');
    callerApikey(call.input, call.account);
    const groupinfos = ctx.groups.list(call.account).map(({ id, name, index, createdAt }) => ({ id, name, index, createdAt }));
    return { groupinfos, error: 0 };
  },
};

const createGroup: BearerRoute = {
  method: 'POST',
  path: '/api/group',
  auth: 'bearer',
  handle(call, ctx) {
    const index = requiredInteger(call.input, 'index');
    const name = groupName(call.input);
    fixedNumber(call.input, 'groupType', 0, 'body');
    callerApikey(call.input, call.account);
    return { error: 0, groupid: ctx.groups.create(call.account, name, index).id };
  },
};

const updateGroup: BearerRoute = {
  method: 'PUT',
  path: '/api/group',
  auth: 'bearer',
  handle(call, ctx) {
    const id = requiredString(call.input, 'id');
    const index = requiredInteger(call.input, 'index');
    const name = groupName(call.input);
    fixedNumber(call.input, 'groupType', 0, 'body');
    callerApikey(call.input, call.account);
    const group = knownGroup(ctx, call.account, id);
    group.name = name;
    group.index = index;
    return { error: 0 };
  },
};

const deleteGroup: BearerRoute = {
  method: 'DELETE',
  path: '/api/group',
  auth: 'bearer',
  handle(call, ctx) {
    const id = requiredString(call.input, 'id');
    fixedNumber(call.input, 'type', 0, 'query');
    callerApikey(call.input, call.account);
    knownGroup(ctx, call.account, id);
    ctx.groups.remove(call.account, id);
    return { error: 0 };
  },
};

interface Move {
  deviceid: string;
  source: Group | undefined;
  target: Group | undefined;
}

/** One entry of `deviceinfos`, checked; a 400 names the entry. */
function readMove(ctx: SimContext, account: Account, info: unknown, at: number): Move {
  const where = `deviceinfos[${at}]`;
  if (!isObject(info)) throw new Refusal(400, `${where} must be an object`);
  let sourceId: string, targetId: string, deviceid: string;
  try {
    sourceId = presentString(info, 'source_id');
    targetId = presentString(info, 'target_id');
    deviceid = requiredString(info, 'deviceid');
  } catch (error) {
    if (error instanceof Refusal) throw new Refusal(400, `${where}.${error.message}`);
    throw error;
  }
  // The spec's table says string, its example a number: both are taken.
  if (info['type'] !== 1 && info['type'] !== '1') throw new Refusal(400, `${where}.type must be 1`);
  usableDevice(ctx, account, deviceid);
  return {
    deviceid,
    source: sourceId === '' ? undefined : knownGroup(ctx, account, sourceId),
    target: targetId === '' ? undefined : knownGroup(ctx, account, targetId),
  };
}

const moveDevices: BearerRoute = {
  method: 'POST',
  path: '/api/group/addDevice',
  auth: 'bearer',
  handle(call, ctx) {
    const infos = call.input['deviceinfos'];
    if (!Array.isArray(infos) || infos.length === 0) throw new Refusal(400, 'deviceinfos is required: a list of {source_id, target_id, deviceid, type: 1}');
    fixedNumber(call.input, 'groupType', 0, 'body');
    callerApikey(call.input, call.account);
    // Every entry is checked before any is applied.
    const moves = infos.map((info, at) => readMove(ctx, call.account, info, at));
    for (const { deviceid, source, target } of moves) {
      source?.devices.delete(deviceid);
      target?.devices.add(deviceid);
    }
    return { error: 0 };
  },
};

export const GROUP_ROUTES: readonly BearerRoute[] = [listGroups, createGroup, updateGroup, deleteGroup, moveDevices];
