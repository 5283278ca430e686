import type { Region } from './hosts';

/** What an authorised call needs: the access token, the account's apikey and its region. */
export interface Credentials {
  at: string;
  apikey: string;
  region: Region;
}

/** A login, refresh or registration answer. */
export interface TokenGrant {
  at: string;
  rt: string;
  region: Region;
  user: CloudUser;
}

export interface CloudUser {
  apikey: string;
  email?: string;
  phoneNumber?: string;
  nickname?: string;
  [field: string]: unknown;
}

/** A device as the device list and the single-device call return it. */
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
