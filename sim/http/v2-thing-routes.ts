import type { Account, DeviceRecord } from '../accounts/account-book';
import { receiverRefusal } from '../accounts/sharing';
import type { SimContext } from '../context';
import { Refusal } from '../errors';
import { field, isObject, optionalCount, optionalString, requiredChoice, requiredString, type Fields } from '../fields';
import { familyIdOf } from '../views';
import { thingsFor, usableDevice } from './device-access';
import type { V2BearerRoute, V2OpenRoute, V2Route } from './v2-route';

/*
 * The v2 thing routes a personal app id may call: the thing list (whole, paged, or by id), a
 * thing's status read and written, many things written in one call, and the dispatch of the
 * long connection. Things of type 2 are groups, which the sim has none of. Status goes through
 * the same command path as a v1 update or a socket update.
 */

/** The v2 `type` of a thing: 1 a device, 2 a group. */
type ThingType = 1 | 2;

/** How many things a page holds when the query names no `num` (the real cloud's default). */
const DEFAULT_PAGE = 30;

/** A device of the account (its own or shared to it); a group is as unknown as a missing device, the sim having none. */
function thingDevice(ctx: SimContext, account: Account, type: ThingType, id: string) {
  if (type === 2) throw new Refusal(404, `group ${id} does not exist`);
  return usableDevice(ctx, account, id);
}

/** An integer sent as a query string, negative ones included (v2 indexes run below zero). */
function optionalIndex(input: Fields, name: string): number | undefined {
  const value = field(input, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw new Refusal(400, `${name} must be a whole number`);
  return Number(value);
}

const thingList: V2BearerRoute = {
  method: 'GET',
  path: '/v2/device/thing',
  host: 'apia',
  auth: 'bearer',
  handle(call, ctx) {
    optionalString(call.input, 'lang');
    const num = optionalCount(call.input, 'num') ?? DEFAULT_PAGE;
    const beginIndex = optionalIndex(call.input, 'beginIndex');
    // Without a familyid the list is the current home's only, as the real cloud's is.
    const familyid = optionalString(call.input, 'familyid') ?? familyIdOf(call.account);
    if (!call.account.homes.some((home) => familyIdOf(call.account, home) === familyid)) throw new Refusal(404, `family ${familyid} does not exist`);

    const all = thingsFor(ctx, call.account, familyid);
    const from = all.filter((thing) => beginIndex === undefined || thing.index >= beginIndex);
    return { thingList: num === 0 ? from : from.slice(0, num), total: all.length };
  },
};

const thingsById: V2BearerRoute = {
  method: 'POST',
  path: '/v2/device/thing',
  host: 'apia',
  auth: 'bearer',
  handle(call, ctx) {
    const asked = call.input['thingList'];
    if (!Array.isArray(asked) || asked.length === 0) throw new Refusal(400, 'thingList must be a non-empty array of {itemType, id}');
    const wanted = asked.map((item, i) =>
      atItem(i, () => {
        if (!isObject(item)) throw new Refusal(400, 'must be an object {itemType, id}');
        return { itemType: requiredChoice(item, 'itemType', [1, 2, 3], 'body'), id: requiredString(item, 'id') };
      }),
    );
    // Things the account cannot see (or groups, which the sim has none of) are left out, not refused.
    const all = thingsFor(ctx, call.account);
    const thingList = wanted.flatMap(({ itemType, id }) => all.filter((thing) => itemType !== 3 && thing.itemData['deviceid'] === id));
    return { thingList };
  },
};

/** Runs a check of `thingList[i]`, naming the item in its refusal. */
function atItem<T>(i: number, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof Refusal) throw new Refusal(error.code, `thingList[${i}]: ${error.message}`);
    throw error;
  }
}

const statusRead: V2BearerRoute = {
  method: 'GET',
  path: '/v2/device/thing/status',
  host: 'apia',
  auth: 'bearer',
  async handle(call, ctx) {
    const type = requiredChoice(call.input, 'type', [1, 2] as const, 'query');
    const { device } = thingDevice(ctx, call.account, type, requiredString(call.input, 'id'));
    const wanted = optionalString(call.input, 'params')
      ?.split('|')
      .filter((name) => name !== '');
    const outcome = await ctx.control.query(device, wanted, { waitWhenOffline: false });
    if (!outcome.ok) throw new Refusal(outcome.code, outcome.reason);
    return { params: outcome.params };
  },
};

/** A change the account may make, applied through the one command path; the refusal when it may not or the device says no. */
async function applyChange(ctx: SimContext, account: Account, type: ThingType, id: string, params: Fields): Promise<Refusal | undefined> {
  let device: DeviceRecord;
  try {
    const found = thingDevice(ctx, account, type, id);
    const refusal = found.access.role === 'receiver' ? receiverRefusal(found.access.share, found.device, params) : undefined;
    if (refusal) return new Refusal(403, refusal);
    device = found.device;
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  const outcome = await ctx.control.update(device, params, { waitWhenOffline: false, operator: { account } });
  return outcome.ok ? undefined : new Refusal(outcome.code, outcome.reason);
}

function changeParams(input: Fields): Fields {
  const params = input['params'];
  if (!isObject(params)) throw new Refusal(400, 'params is required and must be an object of the params to change');
  return params;
}

const statusWrite: V2BearerRoute = {
  method: 'POST',
  path: '/v2/device/thing/status',
  host: 'apia',
  auth: 'bearer',
  async handle(call, ctx) {
    const type = requiredChoice(call.input, 'type', [1, 2] as const, 'body');
    const id = requiredString(call.input, 'id');
    const refusal = await applyChange(ctx, call.account, type, id, changeParams(call.input));
    if (refusal) throw refusal;
    return {};
  },
};

const batchStatus: V2BearerRoute = {
  method: 'POST',
  path: '/v2/device/thing/batch-status',
  host: 'apia',
  auth: 'bearer',
  async handle(call, ctx) {
    const asked = call.input['thingList'];
    if (!Array.isArray(asked) || asked.length === 0) throw new Refusal(400, 'thingList must be a non-empty array of {type, id, params}');
    // Every item is checked before any is applied: a malformed call changes nothing.
    const changes = asked.map((item, i) =>
      atItem(i, () => {
        if (!isObject(item)) throw new Refusal(400, 'must be an object {type, id, params}');
        return { type: requiredChoice(item, 'type', [1, 2] as const, 'body'), id: requiredString(item, 'id'), params: changeParams(item) };
      }),
    );
    // Each device answers for itself; a silent one delays only its own line of the answer.
    const respList = await Promise.all(
      changes.map(async ({ type, id, params }) => {
        const refusal = await applyChange(ctx, call.account, type, id, params);
        return refusal ? { type, id, error: refusal.code, msg: refusal.message } : { type, id, error: 0 };
      }),
    );
    return { respList };
  },
};

const dispatch: V2OpenRoute = {
  method: 'GET',
  path: '/dispatch/app',
  host: 'dispa',
  auth: 'none',
  handle(_call, ctx) {
    if (ctx.faults.dispatchFailing) throw new Refusal(500, 'dispatch service unavailable', {}, 503);
    const { dispatchDomain, dispatchPort } = ctx.settings;
    return { IP: dispatchDomain, port: dispatchPort, domain: dispatchDomain, reason: 'ok' };
  },
};

export const V2_THING_ROUTES: readonly V2Route[] = [thingList, thingsById, statusRead, statusWrite, batchStatus, dispatch];
