import type { DeviceRecord } from './accounts';
import type { SimContext } from './context';
import { isObject, optionalString, requiredString } from './fields';
import { Refusal } from './errors';
import type { BearerCall, BearerRoute } from './route-types';
import { deviceView } from './views';

/*
 * The Bearer routes: devices, their status, and the dispatch of the long connection.
 */

/** A device of the caller's account; another account's device is as unknown as a missing one. */
function ownDevice(ctx: SimContext, call: BearerCall, deviceid: string): DeviceRecord {
  const device = ctx.book.device(deviceid);
  if (!device || device.owner !== call.account) throw new Refusal(404, `device ${deviceid} does not exist`);
  return device;
}

function wantsTags(call: BearerCall): boolean {
  const getTags = optionalString(call.input, 'getTags');
  if (getTags !== undefined && getTags !== '0' && getTags !== '1') throw new Refusal(400, 'getTags must be 0 or 1');
  return getTags === '1';
}

function deviceTimeout(deviceid: string, reason: string): Refusal {
  return new Refusal(504, reason, { deviceid });
}

const deviceList: BearerRoute = {
  method: 'GET',
  path: '/api/user/device',
  auth: 'bearer',
  handle(call) {
    optionalString(call.input, 'lang');
    const withTags = wantsTags(call);
    return { error: 0, devicelist: [...call.account.devices.values()].map((device) => deviceView(device, withTags)) };
  },
};

const statusQuery: BearerRoute = {
  method: 'GET',
  path: '/api/user/device/status',
  auth: 'bearer',
  async handle(call, ctx) {
    const device = ownDevice(ctx, call, requiredString(call.input, 'deviceid'));
    const wanted = optionalString(call.input, 'params')
      ?.split('|')
      .filter((name) => name !== '');
    const outcome = await ctx.control.query(device, wanted, { waitWhenOffline: false });
    if (!outcome.ok) throw deviceTimeout(device.deviceid, outcome.reason);
    return { error: 0, params: outcome.params };
  },
};

const statusUpdate: BearerRoute = {
  method: 'POST',
  path: '/api/user/device/status',
  auth: 'bearer',
  async handle(call, ctx) {
    const deviceid = requiredString(call.input, 'deviceid');
    const params = call.input['params'];
    if (!isObject(params)) throw new Refusal(400, 'params is required and must be an object of the params to change');
    const device = ownDevice(ctx, call, deviceid);
    const outcome = await ctx.control.update(device, params, { waitWhenOffline: false });
    if (!outcome.ok) throw outcome.code === 400 ? new Refusal(400, outcome.reason) : deviceTimeout(deviceid, outcome.reason);
    return { error: 0, deviceid };
  },
};

const singleDevice: BearerRoute = {
  method: 'GET',
  path: '/api/user/device/:deviceid',
  auth: 'bearer',
  handle(call, ctx) {
    // The spec also sends deviceid and apikey in the query; they are tolerated, the path decides.
    optionalString(call.input, 'deviceid');
    optionalString(call.input, 'apikey');
    const device = ownDevice(ctx, call, call.pathParams['deviceid'] ?? '');
    return { error: 0, device: deviceView(device, wantsTags(call)) };
  },
};

const dispatch: BearerRoute = {
  method: 'POST',
  path: '/dispatch/app',
  auth: 'bearer',
  handle(call, ctx) {
    const accept = requiredString(call.input, 'accept');
    if (accept !== 'ws') throw new Refusal(400, 'accept must be "ws"');
    if (ctx.faults.dispatchFailing) throw new Refusal(500, 'dispatch service unavailable', {}, 503);
    const { dispatchDomain, dispatchPort } = ctx.settings;
    return { IP: dispatchDomain, port: dispatchPort, domain: dispatchDomain, reason: 'ok', error: 0 };
  },
};

// The status routes come before `/api/user/device/:deviceid`, which would also match them.
export const DEVICE_ROUTES: readonly BearerRoute[] = [deviceList, statusQuery, statusUpdate, singleDevice, dispatch];
