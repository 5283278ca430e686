import type { DeviceRecord } from './accounts';
import type { Params } from './device-kinds';
import type { PendingTimers } from './pending-timers';
import type { SimFaults } from './types';
import { selectParams } from './views';

export type CommandOutcome = { ok: true; params: Params } | { ok: false; code: 400 | 504; reason: string };

export interface CommandOptions {
  /** Sockets wait deviceTimeoutMs before a 504 for an offline device; HTTP answers at once. */
  waitWhenOffline: boolean;
  /** Who sent the command: the socket that is not told about its own change. */
  origin?: object;
}

interface ControlDeps {
  faults: SimFaults;
  timers: PendingTimers;
  deviceTimeoutMs: number;
  /** Tells the owner's other sockets what an update changed. */
  announce(device: DeviceRecord, changed: Params, origin: object | undefined): void;
}

/** The one command path, shared by HTTP and sockets: check, reach the device, apply, announce. */
export class DeviceControl {
  constructor(private readonly deps: ControlDeps) {}

  async update(device: DeviceRecord, params: Params, options: CommandOptions): Promise<CommandOutcome> {
    const acceptance = device.kind.accept(params);
    if (!acceptance.ok) return { ok: false, code: 400, reason: acceptance.reason };
    const unanswered = await this.unanswered(device, options);
    if (unanswered) return unanswered;
    device.kind.apply(device.params, acceptance.params);
    if (Object.keys(acceptance.params).length > 0) this.deps.announce(device, acceptance.params, options.origin);
    return { ok: true, params: acceptance.params };
  }

  async query(device: DeviceRecord, names: readonly string[] | undefined, options: CommandOptions): Promise<CommandOutcome> {
    const unanswered = await this.unanswered(device, options);
    if (unanswered) return unanswered;
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
