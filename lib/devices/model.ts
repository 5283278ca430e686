/*
 * The device list the domain keeps between cloud fetches, and the repository it needs for
 * it (lib/store implements it).
 */

/** A device as the bridge remembers it from the account's device list. */
export interface CachedDevice {
  deviceid: string;
  name: string;
  uiid: number;
  /** The owner's apikey (differs from the account's own for shared devices). */
  apikey: string;
  online: boolean;
  channels?: number;
  params?: Record<string, unknown>;
  /** The ids of the groups the device is in (a device may be in several, or none). */
  groups?: string[];
}

/** An account's cached device list and when it was fetched from the cloud (epoch ms). */
export interface DeviceList {
  devices: CachedDevice[];
  fetchedAt: number;
}

/** Each account's device list, cached between cloud fetches (the cloud is never polled). */
export interface DeviceCacheRepository {
  /**
   * The cached list, or undefined if there is none or it is past its TTL (DynamoDB deletes
   * expired items only eventually, so the expiry is checked on read too). One GetItem.
   *
   * @example
   * const cached = await store.devices.get(accountId);
   * if (cached && Date.now() - cached.fetchedAt < maxAgeMs) return cached.devices;
   */
  get(accountId: string, now?: number): Promise<DeviceList | undefined>;

  /**
   * Replaces the account's list with a fresh one from the cloud; it expires after `ttlSec`.
   *
   * @example
   * await store.devices.put(accountId, devices, 3600);
   */
  put(accountId: string, devices: CachedDevice[], ttlSec: number, now?: number): Promise<DeviceList>;

  /**
   * Records a device going on- or offline (a WebSocket event) in the cached list, touching only
   * that device's flag so a concurrent `put` or another device's update is never lost. False
   * when there is no live cache or the device is not in it.
   *
   * @example
   * socket.on('sysmsg', (m) => store.devices.setOnline(accountId, m.deviceid, m.params.online));
   */
  setOnline(accountId: string, deviceid: string, online: boolean): Promise<boolean>;

  /**
   * Drops the account's list, so the next read goes to the cloud (after a rename, a delete,
   * a group change: a cached copy would be wrong until its TTL).
   *
   * @example
   * await store.devices.forget(accountId);
   */
  forget(accountId: string): Promise<void>;
}
