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
