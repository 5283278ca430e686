import type { Account, DeviceRecord } from '../accounts/account-book';
import type { Acceptance, Params } from './kinds';
import type { Operator } from './history';
import type { PendingTimers } from '../pending-timers';
import type { SimFaults } from '../types';
import { selectParams } from '../views';

export type CommandOutcome = { ok: true; params: Params } | { ok: false; code: 400 | 504; reason: string };

export interface CommandOptions {
  /** Sockets wait deviceTimeoutMs before a 504 for an offline device; HTTP answers at once. */
  waitWhenOffline: boolean;
  /** Who sent the command: the socket that is not told about its own change. */
  origin?: object;
  /** The account that sent it (the owner or a share receiver) and its sequence, for the device's history. */
  operator?: { account: Account; sequence?: string | number };
}

interface ControlDeps {
  faults: SimFaults;
  timers: PendingTimers;
  deviceTimeoutMs: number;
  /** Tells the owner's other sockets what an update changed. */
  announce(device: DeviceRecord, changed: Params, origin: object | undefined): void;
  /** Keeps an applied change in the device's history. */
  record(device: DeviceRecord, changed: Params, by: Operator): void;
}

/**
 * The one command path, shared by HTTP and sockets: check, reach the device, apply, announce;
 * and the one path of the changes a device makes by itself (a button, its own timers).
 */
export class DeviceControl {
  constructor(private readonly deps: ControlDeps) {}

  async update(device: DeviceRecord, params: Params, options: CommandOptions): Promise<CommandOutcome> {
    const acceptance = device.kind.accept(params, device.params);
    if (!acceptance.ok) return { ok: false, code: 400, reason: acceptance.reason };
    const unanswered = await this.unanswered(device, options);
    if (unanswered) return unanswered;
    device.kind.apply(device.params, acceptance.params);
    if (Object.keys(acceptance.params).length > 0) {
      this.deps.announce(device, acceptance.params, options.origin);
      if (options.operator) this.deps.record(device, acceptance.params, { userAgent: 'app', ...options.operator });
    }
    return { ok: true, params: acceptance.params };
  }

  /**
   * A change the device makes by itself: applied as its firmware would, told to the owner's
   * sockets as an update from userAgent "device" while the device is online (offline, it
   * reaches no one), and kept in its history.
   */
  changeFromDevice(device: DeviceRecord, params: Params): Acceptance {
    const acceptance = device.kind.accept(params, device.params);
    if (!acceptance.ok) return acceptance;
    device.kind.apply(device.params, acceptance.params);
    if (Object.keys(acceptance.params).length > 0) {
      if (device.online) this.deps.announce(device, acceptance.params, undefined);
      this.deps.record(device, acceptance.params, { userAgent: 'device' });
    }
    return acceptance;
  }

  async query(device: DeviceRecord, names: readonly string[] | undefined, options: CommandOptions): Promise<CommandOutcome> {
    const unanswered = await this.unanswered(device, options);
    if (unanswered) return unanswered;
    // A device answering a query reports what its meters read now, not what they read last.
    device.kind.measure(device.params);
    return { ok: true, params: selectParams(device.params, names) };
  }

  private async unanswered(device: DeviceRecord, options: CommandOptions): Promise<CommandOutcome | undefined> {
    if (this.deps.faults.silentDevices.has(device.deviceid)) {
      await this.deps.timers.sleep(this.deps.deviceTimeoutMs);
      return { ok: false, code: 504, reason: 'the device did not answer' };
    }
    if (!device.online) {
      if (options.waitWhenOffline) await this.deps.timers.sleep(this.deps.deviceTimeoutMs);
      return { ok: false, code: 504, reason: 'the device is offline' };
    }
    return undefined;
  }
}
