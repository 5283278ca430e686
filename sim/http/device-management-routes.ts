import type { DeviceRecord } from '../accounts/account-book';
import type { SimContext } from '../context';
import { callerApikey, ownedDevice, removeDevice, usableDevice, viewFor } from './device-access';
import { Refusal } from '../errors';
import { isObject, optionalCount, optionalFlag, optionalString, presentString, requiredString, type Fields } from '../fields';
import { AddRefusal, ADD_TEXTS } from '../devices/unbound-pool';
import type { BearerCall, BearerRoute } from './cloud-route';

/*
 * Managing the devices of an account: adding (Wi-Fi and GSM), deleting, renaming, naming
 * channels, and the operation history. Only the owner may change a device; a receiver of a
 * share gets 403, and may read the history.
 */

/** The deviceid field, which must agree with the device in the path. */
function pathDeviceid(call: BearerCall): string {
  const fromPath = call.pathParams['deviceid'] ?? '';
  if (requiredString(call.input, 'deviceid') !== fromPath) throw new Refusal(400, 'deviceid differs from the device in the path');
  return fromPath;
}

/**
 * The adding routes answer in the spec's legacy shape: `{device}` on success, and
 * `{code, error: "<text>"}` on failure, bad fields included.
 */
function legacyShape(handle: (call: BearerCall, ctx: SimContext) => DeviceRecord): BearerRoute['handle'] {
  return (call, ctx) => {
    try {
      return { device: viewFor(ctx, call.account, handle(call, ctx), false) };
    } catch (error) {
      if (error instanceof AddRefusal) return error.body();
      if (error instanceof Refusal) return { code: error.code, error: error.message };
      throw error;
    }
  };
}

function addWifi(call: BearerCall, ctx: SimContext): DeviceRecord {
  const { input, account } = call;
  const deviceid = optionalString(input, 'deviceid');
  const devicekey = optionalString(input, 'apikey');
  const name = optionalString(input, 'name');
  const isSub = optionalFlag(input, 'isSub', 'body') ?? 0;
  const subDeviceId = optionalString(input, 'subDeviceId');
  optionalString(input, 'chipid');
  if (deviceid === undefined || devicekey === undefined || name === undefined) throw new AddRefusal(400, ADD_TEXTS.empty);
  if (isSub === 0) return ctx.pool.addWifi(account, deviceid, devicekey, name);

  // A sub-device joins through its gateway (`deviceid`), which must be the caller's.
  if (subDeviceId === undefined) throw new AddRefusal(400, 'subDeviceId is required with isSub: 1');
  const gateway = ctx.book.device(deviceid);
  if (!gateway || gateway.owner !== account) throw new AddRefusal(404, ADD_TEXTS.unknown);
  return ctx.pool.addWifi(account, subDeviceId, devicekey, name);
}

function addGsm(call: BearerCall, ctx: SimContext): DeviceRecord {
  const id = optionalString(call.input, 'id');
  const name = optionalString(call.input, 'name');
  if (id === undefined || name === undefined) throw new AddRefusal(400, ADD_TEXTS.empty);
  return ctx.pool.addGsm(call.account, id, name);
}

const addDevice: BearerRoute = { method: 'POST', path: '/api/user/device/add', auth: 'bearer', handle: legacyShape(addWifi) };

const addGsmDevice: BearerRoute = { method: 'POST', path: '/api/user/device/addGsm', auth: 'bearer', handle: legacyShape(addGsm) };

const deleteDevice: BearerRoute = {
  method: 'DELETE',
  path: '/api/user/device/:deviceid',
  auth: 'bearer',
  handle(call, ctx) {
    const deviceid = pathDeviceid(call);
    callerApikey(call.input, call.account);
    const isSub = optionalFlag(call.input, 'isSub', 'query');
    if (isSub === undefined) throw new Refusal(400, 'isSub is required (0 or 1)');
    const subDeviceId = optionalString(call.input, 'subDeviceId');
    if (isSub === 1 && subDeviceId === undefined) throw new Refusal(400, 'subDeviceId is required with isSub=1');

    const gateway = ownedDevice(ctx, call.account, deviceid, 'delete it');
    const target = isSub === 1 ? ownedDevice(ctx, call.account, subDeviceId ?? '', 'delete it') : gateway;
    const view = viewFor(ctx, call.account, target, false);
    removeDevice(ctx, target);
    return { error: 0, device: view };
  },
};

const renameDevice: BearerRoute = {
  method: 'POST',
  path: '/api/user/device/:deviceid',
  auth: 'bearer',
  handle(call, ctx) {
    const deviceid = pathDeviceid(call);
    callerApikey(call.input, call.account);
    const name = requiredString(call.input, 'name');
    const group = presentString(call.input, 'group');
    const device = ownedDevice(ctx, call.account, deviceid, 'rename it');
    device.name = name;
    device.group = group;
    return { error: 0, deviceid };
  },
};

function channelNames(value: unknown): Record<string, string> {
  if (!isObject(value)) throw new Refusal(400, 'value is required and must be an object of channel number → name');
  for (const [channel, name] of Object.entries(value)) {
    if (!/^\d+$/.test(channel)) throw new Refusal(400, `value: "${channel}" is not a channel number`);
    if (typeof name !== 'string') throw new Refusal(400, `value["${channel}"] must be a string`);
  }
  return value as Record<string, string>;
}

const setTags: BearerRoute = {
  method: 'POST',
  path: '/api/user/tags',
  auth: 'bearer',
  handle(call, ctx) {
    const deviceid = requiredString(call.input, 'deviceid');
    callerApikey(call.input, call.account);
    const key = requiredString(call.input, 'key');
    if (key !== 'ck_channel_name') throw new Refusal(400, 'key must be "ck_channel_name"');
    const names = channelNames(call.input['value']);
    const device = ownedDevice(ctx, call.account, deviceid, 'name its channels');
    device.tags['ck_channel_name'] = structuredClone(names);
    return { error: 0 };
  },
};

const deviceHistory: BearerRoute = {
  method: 'POST',
  path: '/api/user/deviceHistory',
  auth: 'bearer',
  handle(call, ctx) {
    const input: Fields = call.input;
    const deviceid = requiredString(input, 'deviceid');
    callerApikey(input, call.account);
    const startSec = optionalCount(input, 'startTime');
    const endSec = optionalCount(input, 'endTime');
    const pageSize = optionalCount(input, 'pageSize');
    const page = optionalCount(input, 'currentPage');
    if ((pageSize === undefined) !== (page === undefined)) throw new Refusal(400, 'pageSize and currentPage must come together');
    if (pageSize === 0 || page === 0) throw new Refusal(400, 'pageSize and currentPage count from 1');
    const { device } = usableDevice(ctx, call.account, deviceid);
    return { error: 0, deviceHistories: ctx.history.list(device.deviceid, { startSec, endSec, pageSize, page }) };
  },
};

// The fixed paths come before `/api/user/device/:deviceid`, which would also match them.
export const MANAGEMENT_ROUTES: readonly BearerRoute[] = [addDevice, addGsmDevice, setTags, deviceHistory, deleteDevice, renameDevice];
