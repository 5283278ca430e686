import type { Region } from './hosts';

/**
 * Which of the cloud's APIs an account is linked through: `v1` (password login or an imported v1
 * pair, which needs an enterprise app id) or `v2` (the OAuth 2.0 login, all a personal app id may use).
 */
export type CloudApi = 'v1' | 'v2';

/** What an authorised call needs: the access token, the account's apikey and its region. */
export interface Credentials {
  at: string;
  /** The account's own apikey, for the socket; '' for a v2 account that owns no device (HTTP only then). */
  apikey: string;
  region: Region;
  /** The API the account was linked through; absent means v1. */
  api?: CloudApi;
}

/** A login, refresh or registration answer. */
export interface TokenGrant {
  at: string;
  rt: string;
  region: Region;
  user: CloudUser;
}

/** A refresh answer, v1's or v2's: v2 names no user. */
export type RefreshedTokens = Omit<TokenGrant, 'user'> & { user?: CloudUser };

/** The tokens of an OAuth 2.0 code exchange (v2): no user and no apikey, but their expiry times. */
export interface OAuthTokens {
  at: string;
  rt: string;
  /** ms since the epoch. */
  atExpiresAt: number;
  /** ms since the epoch. */
  rtExpiresAt: number;
  region: Region;
}

/** A home of the account (`/v2/family`): the thing list can be narrowed to one. */
export interface CloudFamily {
  id: string;
  name: string;
  index: number;
  rooms: { id: string; name: string }[];
}

export interface CloudUser {
  apikey: string;
  email?: string;
  phoneNumber?: string;
  nickname?: string;
  [field: string]: unknown;
}

/** A device as v1's device list and single-device call return it; v2's thing list is mapped onto the same shape. */
export interface CloudDevice {
  deviceid: string;
  name: string;
  uiid: number;
  /** The owner's apikey: the one to put in socket requests, also for devices shared to us. */
  apikey: string;
  online: boolean;
  params: Record<string, unknown>;
  tags?: Record<string, unknown>;
  [field: string]: unknown;
}

/** Params for one device, as a batch carries them. */
export interface StatusChange {
  deviceid: string;
  params: DeviceParams;
}

/** Where the WebSocket for this account lives, from `/dispatch/app`. */
export interface DispatchTarget {
  domain: string;
  ip: string;
  port: number;
}

export type DeviceParams = Record<string, unknown>;

/**
 * One entry of `/api/user/deviceHistory`. The cloud sends `opsSwitchs` and `request` as JSON
 * strings; here they are parsed (left as the raw string when they do not parse).
 */
export interface DeviceHistoryEntry {
  hid: string;
  /** Who acted: `app` or `device`. */
  userAgent: string;
  /** The apikey of the account that acted (or the owner's, for the device itself). */
  apikey: string;
  /** The acting account's login, for app operations (possibly a share receiver's). */
  opsAccount?: string;
  /** ISO time of the operation. */
  opsTime: string;
  deviceid: string;
  /** What was operated, e.g. `[{switch: 'off'}]`. */
  opsSwitchs: unknown;
  /** The day of the operation as a number, e.g. 20200305. */
  opsDate: number;
  /** Seconds timestamp at which the entry expires. */
  ttlTime: number;
  subType: number;
  /** The original message, e.g. `{action: 'update', params: {...}, ...}`. */
  request: unknown;
  /** Where the operation came from: 0 an ordinary device, 4 echo, 5 google home, 7 ifttt, … */
  type: number;
}

/** A device group of the account (`/api/group`). Which devices are in it, the device list says (`groups`). */
export interface CloudGroup {
  id: string;
  name: string;
  index: number;
  createdAt?: string;
}

/** How a share or share change ended: the spec's `result` 2, 3, 1 and 4. */
export type ShareOutcome = 'accepted' | 'refused' | 'no_such_account' | 'already_shared';
