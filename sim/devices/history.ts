import { randomBytes } from 'node:crypto';
import type { Account, DeviceRecord } from '../accounts/account-book';
import type { Params } from './kinds';

/** Who changed a device: an app (an account, perhaps a share receiver) or the device itself. */
export type Operator = { userAgent: 'app'; account: Account; sequence?: string | number } | { userAgent: 'device' };

export interface HistoryQuery {
  /** Seconds, inclusive. */
  startSec?: number;
  endSec?: number;
  /** Both or neither; pages count from 1. */
  pageSize?: number;
  page?: number;
}

interface Entry {
  readonly timeMs: number;
  readonly record: Record<string, unknown>;
}

/** The cloud keeps records 90 days (the spec's example: ttlTime = opsTime + 90 days). */
const KEEP_SEC = 90 * 24 * 60 * 60;
const MAX_PER_DEVICE = 1000;

function login(account: Account): string | undefined {
  return account.email ?? account.phoneNumber;
}

/**
 * Each applied change of a device, kept as `/api/user/deviceHistory` answers it: the changed
 * params (`opsSwitchs`) and the message (`request`) as JSON strings, as in the spec's example.
 */
export class DeviceHistory {
  private readonly byDevice = new Map<string, Entry[]>();

  /** `now` is the devices' clock: the sim's, which a test may drive by hand. */
  constructor(private readonly now: () => number = Date.now) {}

  record(device: DeviceRecord, changed: Params, by: Operator, now = this.now()): void {
    const opsTime = new Date(now).toISOString();
    const actor = by.userAgent === 'app' ? by.account : device.owner;
    const request = {
      action: 'update',
      deviceid: device.deviceid,
      apikey: device.owner.apikey,
      userAgent: by.userAgent,
      ts: 0,
      msgtime: now,
      params: changed,
      ...(by.userAgent === 'app' ? by.sequence !== undefined && { sequence: by.sequence } : { seq: String(now % 100_000) }),
    };
    const opsAccount = by.userAgent === 'app' ? login(by.account) : undefined;
    const record = {
      hid: `${randomBytes(12).toString('hex')}_${device.deviceid}`,
      userAgent: by.userAgent,
      apikey: actor.apikey,
      ...(opsAccount !== undefined && { opsAccount }),
      opsTime,
      deviceid: device.deviceid,
      opsSwitchs: JSON.stringify(Array.isArray(changed['switches']) ? changed['switches'] : [changed]),
      opsDate: Number(opsTime.slice(0, 10).replaceAll('-', '')),
      ttlTime: Math.floor(now / 1000) + KEEP_SEC,
      subType: 0,
      request: JSON.stringify(request),
      type: 0,
    };
    const entries = this.byDevice.get(device.deviceid) ?? [];
    entries.push({ timeMs: now, record });
    if (entries.length > MAX_PER_DEVICE) entries.splice(0, entries.length - MAX_PER_DEVICE);
    this.byDevice.set(device.deviceid, entries);
  }

  /** The device's records in the range, newest first, one page of them when asked. */
  list(deviceid: string, query: HistoryQuery): Record<string, unknown>[] {
    const startMs = query.startSec === undefined ? -Infinity : query.startSec * 1000;
    const endMs = query.endSec === undefined ? Infinity : query.endSec * 1000 + 999;
    const matching = (this.byDevice.get(deviceid) ?? [])
      .filter((entry) => entry.timeMs >= startMs && entry.timeMs <= endMs)
      .reverse()
      .map((entry) => structuredClone(entry.record));
    if (query.pageSize === undefined || query.page === undefined) return matching;
    const from = (query.page - 1) * query.pageSize;
    return matching.slice(from, from + query.pageSize);
  }

  /** A deleted device takes its history with it. */
  forget(deviceid: string): void {
    this.byDevice.delete(deviceid);
  }
}
