import { usableDevice, viewFor, visibleDevices } from './device-access';
import { isObject, optionalString, requiredString } from '../fields';
import { Refusal } from '../errors';
import type { BearerCall, BearerRoute } from './cloud-route';
import { receiverRefusal } from '../accounts/sharing';

/*
 * The Bearer routes: devices, their status, and the dispatch of the long connection. A
 * device shared to the caller is listed and controlled as the caller's own.
 */

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
  handle(call, ctx) {
    optionalString(call.input, 'lang');
    const withTags = wantsTags(call);
    return { error: 0, devicelist: visibleDevices(ctx, call.account).map((device) => viewFor(ctx, call.account, device, withTags)) };
  },
};

const statusQuery: BearerRoute = {
  method: 'GET',
  path: '/api/user/device/status',
  auth: 'bearer',
  async handle(call, ctx) {
    const { device } = usableDevice(ctx, call.account, requiredString(call.input, 'deviceid'));
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
    const { device, access } = usableDevice(ctx, call.account, deviceid);
    const refusal = access.role === 'receiver' ? receiverRefusal(access.share, device, params) : undefined;
    if (refusal) throw new Refusal(403, refusal);
    const outcome = await ctx.control.update(device, params, { waitWhenOffline: false, operator: { account: call.account } });
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
    const { device } = usableDevice(ctx, call.account, call.pathParams['deviceid'] ?? '');
    // The spec's table names a `device` field, but its example, and the real cloud, put the
    // device's own fields at the top level, beside `error`.
    return { error: 0, ...viewFor(ctx, call.account, device, wantsTags(call)) };
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
