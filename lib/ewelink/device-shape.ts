import { CloudFailure } from './errors';
import type { CloudDevice } from './types';

/*
 * The one device shape the bridge works with (`CloudDevice`), read from v1's device list and
 * single-device answers and from v2's thing list alike, so the domain never asks which API an
 * account uses.
 */

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A device from a v1 answer (`uiid` at the top or in `extra.extra`); other fields pass through.
 *
 * @example
 * const devices = reply.devicelist.map((d) => toDevice(d, 'deviceList'));
 */
export function toDevice(raw: unknown, operation: string): CloudDevice {
  if (!isObject(raw) || typeof raw.deviceid !== 'string') {
    throw new CloudFailure(0, operation, `${operation}: the cloud sent a device without a deviceid`);
  }
  const extra = isObject(raw.extra) && isObject(raw.extra.extra) ? raw.extra.extra : {};
  const uiid = Number(raw.uiid ?? extra.uiid);
  return {
    ...raw,
    deviceid: raw.deviceid,
    name: typeof raw.name === 'string' ? raw.name : raw.deviceid,
    uiid: Number.isFinite(uiid) ? uiid : 0,
    apikey: typeof raw.apikey === 'string' ? raw.apikey : '',
    online: raw.online === true,
    params: isObject(raw.params) ? raw.params : {},
    tags: isObject(raw.tags) ? raw.tags : undefined,
  };
}

/** v2's `itemType`: 1 a device the account owns, 2 one shared to it, 3 a group. */
const OWN_DEVICE = 1;
const SHARED_DEVICE = 2;

/**
 * A device from one entry of v2's thing list (`{itemType, itemData, index}`), in the v1 shape:
 * the uiid comes up from `itemData.extra`, a shared device keeps its `sharedBy` as v1 lists it,
 * and the family the thing sits in is kept as `family`. A group (itemType 3) is not a device:
 * undefined.
 *
 * @example
 * const devices = data.thingList.flatMap((item) => thingToDevice(item, 'deviceList') ?? []);
 */
export function thingToDevice(item: unknown, operation: string): CloudDevice | undefined {
  if (!isObject(item) || !isObject(item.itemData)) {
    throw new CloudFailure(0, operation, `${operation}: the cloud sent a thing without its itemData`);
  }
  if (item.itemType !== OWN_DEVICE && item.itemType !== SHARED_DEVICE) return undefined;
  const data = item.itemData;
  const extra = isObject(data.extra) ? data.extra : {};
  return toDevice(
    {
      deviceid: data.deviceid,
      name: data.name,
      uiid: data.uiid ?? extra.uiid,
      apikey: data.apikey,
      online: data.online,
      params: data.params,
      tags: data.tags,
      ...(item.itemType === SHARED_DEVICE && isObject(data.sharedBy) && { sharedBy: data.sharedBy }),
      ...(isObject(data.family) && { family: data.family }),
    },
    operation,
  );
}

/**
 * The account's own apikey, as the socket's `userOnline` needs it: v2's token answer carries
 * none, but every device the account owns carries it (a shared one carries its owner's).
 * Undefined when the account owns no device: control then goes over HTTP only.
 *
 * @example
 * const apikey = accountApikey(await v2.devices({ at, apikey: '', region }));
 */
export function accountApikey(devices: readonly CloudDevice[]): string | undefined {
  return devices.find((device) => device.sharedBy === undefined && device.apikey !== '')?.apikey;
}
