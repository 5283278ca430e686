import type { Account, DeviceRecord } from './account-book';
import { isObject } from '../fields';

/** The spec's permit bits: what a receiver may do with the device's timers. */
export const PERMIT = { addTimer: 1, editTimer: 2, deleteTimer: 4, enableTimer: 8 } as const;
export const ALL_PERMITS = 15;

export interface Share {
  readonly receiver: Account;
  permit: number;
  note: string | undefined;
  shareTime: number;
  /** The name the owner gave the device in the invitation. */
  deviceName: string;
}

/** How an account may use a device: as its owner, or as the receiver of a share. */
export type Access = { role: 'owner' } | { role: 'receiver'; share: Share };

/** Sharer and receiver, as one key. */
function pairKey(sharer: Account, receiver: Account): string {
  return `${sharer.apikey} ${receiver.apikey}`;
}

/**
 * Who each device is shared with, and which receivers may not be asked yet: after an
 * invitation went unanswered (504), the same sharer may ask the same receiver again only
 * after `retryAfterMs` (on the sim's clock), whichever device it is about.
 */
export class ShareBook {
  private readonly byDevice = new Map<string, Map<Account, Share>>();
  private readonly quietUntil = new Map<string, number>();

  constructor(
    private readonly retryAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  access(device: DeviceRecord, account: Account): Access | undefined {
    if (device.owner === account) return { role: 'owner' };
    const share = this.byDevice.get(device.deviceid)?.get(account);
    return share ? { role: 'receiver', share } : undefined;
  }

  find(deviceid: string, receiver: Account): Share | undefined {
    return this.byDevice.get(deviceid)?.get(receiver);
  }

  sharesOf(deviceid: string): Share[] {
    return [...(this.byDevice.get(deviceid)?.values() ?? [])];
  }

  /** Ids of the devices shared with the account, in the order they were shared. */
  sharedWith(account: Account): string[] {
    return [...this.byDevice].filter(([, shares]) => shares.has(account)).map(([deviceid]) => deviceid);
  }

  add(deviceid: string, share: Share): void {
    let shares = this.byDevice.get(deviceid);
    if (!shares) {
      shares = new Map();
      this.byDevice.set(deviceid, shares);
    }
    shares.set(share.receiver, share);
  }

  remove(deviceid: string, receiver: Account): boolean {
    return this.byDevice.get(deviceid)?.delete(receiver) ?? false;
  }

  /** A deleted device is shared with no one any more. */
  forgetDevice(deviceid: string): void {
    this.byDevice.delete(deviceid);
  }

  /** ms until the receiver may be asked again by this sharer; 0 when they may now. */
  waitBeforeAsking(sharer: Account, receiver: Account, now = this.now()): number {
    return Math.max(0, (this.quietUntil.get(pairKey(sharer, receiver)) ?? 0) - now);
  }

  /** The receiver let an invitation time out. */
  unanswered(sharer: Account, receiver: Account, now = this.now()): void {
    this.quietUntil.set(pairKey(sharer, receiver), now + this.retryAfterMs);
  }
}

/** JSON with object keys sorted, so two timers compare by content. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function byTimerId(timers: unknown): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  if (!Array.isArray(timers)) return found;
  for (const timer of timers) {
    if (!isObject(timer)) continue;
    found.set(typeof timer['mId'] === 'string' ? timer['mId'] : canonical(timer), timer);
  }
  return found;
}

/**
 * The permit bits a change of a device's `timers` array needs: a timer that is new needs
 * 1, one changed (other than its `enabled`) 2, one gone 4, one switched on or off 8.
 */
export function timerRightsNeeded(before: unknown, after: unknown): number {
  const old = byTimerId(before);
  const next = byTimerId(after);
  let needed = 0;
  for (const [id, timer] of next) {
    const was = old.get(id);
    if (!was) {
      needed |= PERMIT.addTimer;
      continue;
    }
    if ((was['enabled'] ?? 1) !== (timer['enabled'] ?? 1)) needed |= PERMIT.enableTimer;
    const { enabled: _wasEnabled, ...wasRest } = was;
    const { enabled: _isEnabled, ...isRest } = timer;
    if (canonical(wasRest) !== canonical(isRest)) needed |= PERMIT.editTimer;
  }
  for (const id of old.keys()) if (!next.has(id)) needed |= PERMIT.deleteTimer;
  return needed;
}

const RIGHT_NAMES: ReadonlyArray<[number, string]> = [
  [PERMIT.addTimer, 'add timers (1)'],
  [PERMIT.editTimer, 'edit timers (2)'],
  [PERMIT.deleteTimer, 'delete timers (4)'],
  [PERMIT.enableTimer, 'enable or disable timers (8)'],
];

/** Why a receiver may not send these params to the device, or undefined when it may. */
export function receiverRefusal(share: Share, device: DeviceRecord, params: Record<string, unknown>): string | undefined {
  if (!('timers' in params)) return undefined;
  const missing = timerRightsNeeded(device.params['timers'], params['timers']) & ~share.permit;
  if (missing === 0) return undefined;
  const names = RIGHT_NAMES.filter(([bit]) => (missing & bit) !== 0).map(([, name]) => name);
  return `the device is shared to this account with permit ${share.permit}, which does not allow it to ${names.join(', ')}`;
}
