import { createHash } from 'node:crypto';
import type { Account, DeviceRecord } from './accounts/account-book';

/*
 * The JSON shapes the cloud answers with, field for field as the spec's examples show.
 */

/** The `user` object of login, refresh and register answers. */
export function userView(account: Account, appId: string): Record<string, unknown> {
  return {
    _id: account.id,
    ...(account.email !== undefined && { email: account.email }),
    ...(account.phoneNumber !== undefined && { phoneNumber: account.phoneNumber }),
    appId,
    lang: 'en',
    online: false,
    onlineTime: account.createdAt,
    ip: '127.0.0.1',
    location: '',
    offlineTime: account.createdAt,
    appInfos: [],
    nickname: account.nickname,
    createdAt: account.createdAt,
    apikey: account.apikey,
  };
}

/** An account's login, as the field it is: `{email}` or `{phoneNumber}`. */
export function loginView(account: Account): Record<string, string> {
  return account.email !== undefined ? { email: account.email } : { phoneNumber: account.phoneNumber ?? '' };
}

function mac(deviceid: string): string {
  return (deviceid.padStart(12, '0').slice(-12).match(/../g) ?? []).join(':').toUpperCase();
}

/** What differs in a device's entry by who looks at it. */
export interface ViewerSide {
  /** The ids of the viewer's groups that hold the device. */
  groups: string[];
  /** The owner sees who the device is shared with. */
  sharedTo: Record<string, unknown>[];
  /** A receiver sees who shared it and with what permit. */
  sharedBy?: Record<string, unknown>;
}

/** What the cloud knows of the device's hardware: the inner `extra` of a v1 entry, the `extra` of a v2 one. */
function hardwareView(device: DeviceRecord): Record<string, unknown> {
  return {
    model: device.kind.model,
    ui: device.kind.family,
    description: 'simulated device',
    manufacturer: 'eWeLink simulator',
    mac: mac(device.deviceid),
    apmac: mac(device.deviceid),
    modelInfo: device.kind.model,
    brandId: 'simulator',
    uiid: device.uiid,
    staMac: mac(device.deviceid),
    chipid: device.deviceid,
  };
}

function notificationSettings(): Record<string, number> {
  return {
    opsNotify: 0,
    opsHistory: 1,
    alarmNotify: 1,
    wxAlarmNotify: 0,
    wxOpsNotify: 0,
    wxDoorbellNotify: 0,
    appDoorbellNotify: 1,
  };
}

/** One entry of the device list (and the `device` of a single-device answer). */
export function deviceView(device: DeviceRecord, withTags: boolean, side: ViewerSide = { groups: [], sharedTo: [] }): Record<string, unknown> {
  return {
    _id: device.id,
    name: device.name,
    type: '10',
    deviceid: device.deviceid,
    apikey: device.owner.apikey,
    extra: { _id: device.id, extra: hardwareView(device) },
    __v: 0,
    onlineTime: device.onlineTime,
    ...(device.offlineTime !== undefined && { offlineTime: device.offlineTime }),
    ip: '127.0.0.1',
    location: '',
    settings: notificationSettings(),
    devGroups: [],
    groups: [...side.groups],
    params: structuredClone(device.params),
    online: device.online,
    createdAt: device.createdAt,
    group: device.group,
    sharedTo: side.sharedTo,
    ...(side.sharedBy && { sharedBy: side.sharedBy }),
    devicekey: device.devicekey,
    deviceUrl: '',
    brandName: 'SONOFF',
    showBrand: true,
    brandLogoUrl: '',
    productModel: device.kind.productModel,
    devConfig: {},
    uiid: device.uiid,
    ...(withTags && { tags: structuredClone(device.tags) }),
  };
}

/** Where a v2 thing sits: the family (home) it is listed in, its place there, and the share from the viewer's side. */
export interface ThingPlace {
  familyid: string;
  index: number;
  sharedBy?: Record<string, unknown>;
}

/**
 * The `itemData` of a device in the v2 thing list: the v1 entry's facts under v2's names (a flat
 * `extra` holding the uiid, `family`, `shareTo`), with the tags always included.
 */
export function thingView(device: DeviceRecord, place: ThingPlace): Record<string, unknown> {
  return {
    name: device.name,
    deviceid: device.deviceid,
    apikey: device.owner.apikey,
    extra: hardwareView(device),
    brandName: 'SONOFF',
    brandLogo: '',
    showBrand: true,
    productModel: device.kind.productModel,
    tags: structuredClone(device.tags),
    devConfig: {},
    settings: notificationSettings(),
    devGroups: [],
    family: { familyid: place.familyid, index: place.index, members: [] },
    ...(place.sharedBy ? { sharedBy: place.sharedBy } : { shareTo: [], devicekey: device.devicekey }),
    online: device.online,
    params: structuredClone(device.params),
    isSupportGroup: false,
    isSupportedOnMP: false,
    isSupportChannelSplit: false,
    deviceFeature: {},
  };
}

/** The id of one of the account's homes (v2 families), the current one by default: fixed by the account and the name, 24 hex digits like the real ones. */
export function familyIdOf(account: Account, home: string = account.homes[0] ?? ''): string {
  return createHash('sha256').update(`family ${account.id} ${home}`).digest('hex').slice(0, 24);
}

/** The account's homes, as `GET /v2/family` lists them: no rooms. */
export function familyViews(account: Account): Record<string, unknown>[] {
  return account.homes.map((home, index) => ({ id: familyIdOf(account, home), name: home, index, roomList: [], members: [] }));
}

/** A device's params, all of them or only the named ones that it has. */
export function selectParams(params: Record<string, unknown>, names: readonly string[] | undefined): Record<string, unknown> {
  if (!names || names.length === 0) return structuredClone(params);
  const chosen: Record<string, unknown> = {};
  for (const name of names) if (name in params) chosen[name] = structuredClone(params[name]);
  return chosen;
}
