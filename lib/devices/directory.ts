import type { TokenKeeper } from '../accounts/token-keeper';
import type { CloudTransports } from '../ewelink/transport';
import { NotFound } from '../errors';
import type { CachedDevice, DeviceCacheRepository } from './model';
import { powerLayout } from './catalogue';

export interface DirectoryOptions {
  /** How long a device list is trusted, s (default 600). */
  ttlSec?: number;
  /** At most one extra list fetch per account in this window when an id is not found, ms (default 30 000). */
  missRefetchMs?: number;
}

/**
 * The account's devices, as the cloud lists them (v1's device list or v2's thing list, by the
 * account's API): kept in process memory and in the store, fetched from the cloud only when
 * both are older than the TTL (the cloud is never polled).
 */
export class DeviceDirectory {
  private readonly memory = new Map<string, { devices: CachedDevice[]; fetchedAt: number }>();
  private readonly lastMissFetch = new Map<string, number>();
  private readonly ttlMs: number;

  constructor(
    private readonly cache: DeviceCacheRepository,
    private readonly transports: CloudTransports,
    private readonly keeper: TokenKeeper,
    private readonly options: DirectoryOptions = {},
  ) {
    this.ttlMs = (options.ttlSec ?? 600) * 1000;
  }

  /** Every device of the account. */
  async list(accountId: string): Promise<CachedDevice[]> {
    const inMemory = this.memory.get(accountId);
    if (inMemory && Date.now() - inMemory.fetchedAt < this.ttlMs) return inMemory.devices;
    const stored = await this.cache.get(accountId);
    if (stored && Date.now() - stored.fetchedAt < this.ttlMs) {
      this.memory.set(accountId, stored);
      return stored.devices;
    }
    return this.fetch(accountId);
  }

  /** One device; an unknown id gets one fresh list (rate-limited) before `not_found`. */
  async find(accountId: string, deviceid: string): Promise<CachedDevice> {
    const found = (await this.list(accountId)).find((d) => d.deviceid === deviceid);
    if (found) return found;
    const last = this.lastMissFetch.get(accountId) ?? 0;
    if (Date.now() - last >= (this.options.missRefetchMs ?? 30_000)) {
      this.lastMissFetch.set(accountId, Date.now());
      const again = (await this.fetch(accountId)).find((d) => d.deviceid === deviceid);
      if (again) return again;
    }
    throw new NotFound(`no device "${deviceid}" in this account`);
  }

  /**
   * Takes in an online/offline notice the cloud pushed (`sysmsg`): every account holding the
   * device sees the new flag, in memory and in the store, without fetching the list again.
   */
  async noteOnline(deviceid: string, online: boolean): Promise<void> {
    for (const [accountId, entry] of this.memory) {
      const device = entry.devices.find((d) => d.deviceid === deviceid);
      if (!device || device.online === online) continue;
      device.online = online;
      await this.cache.setOnline(accountId, deviceid, online);
    }
  }

  /**
   * Forgets the account's list in this process and in the store: called after the bridge
   * changes what the list says (a rename, a delete, a group move), so no stale copy is served.
   */
  async forget(accountId: string): Promise<void> {
    this.memory.delete(accountId);
    await this.cache.forget(accountId);
  }

  /** Fetches the list from the cloud and stores it. */
  async fetch(accountId: string): Promise<CachedDevice[]> {
    const { list, apikey } = await this.keeper.withCredentials(accountId, async (creds) => ({ list: await this.transports.for(creds.api).devices(creds), apikey: creds.apikey }));
    const devices = list.map(
      (d): CachedDevice => ({
        deviceid: d.deviceid,
        name: d.name,
        uiid: d.uiid,
        apikey: d.apikey || apikey,
        online: d.online,
        channels: powerLayout(d.uiid, d.params).channels,
        params: d.params,
        groups: Array.isArray(d.groups) ? d.groups.filter((g): g is string => typeof g === 'string') : [],
      }),
    );
    const entry = { devices, fetchedAt: Date.now() };
    this.memory.set(accountId, entry);
    await this.cache.put(accountId, devices, Math.ceil(this.ttlMs / 1000) * 6);
    return devices;
  }
}
