import type { TokenKeeper } from '../accounts/token-keeper';
import type { EwelinkClient } from '../ewelink/client';
import type { CommandChannel, Route } from '../ewelink/command';
import { asBridgeError, invalidInput } from '../errors';
import type { CachedDevice } from '../store/types';
import { powerLayout, type PowerLayout } from './catalogue';
import type { DeviceCommand } from './command';
import type { DeviceDirectory } from './directory';
import { powerParams, readPower, type Power } from './power';

export interface ChannelPower {
  channel: number;
  power: Power;
}

/** Normalised state: `power` for a single-channel device, `channels` for a multi-channel one. */
export interface DeviceState {
  deviceid: string;
  name: string;
  uiid: number;
  online: boolean;
  power?: Power;
  channels?: ChannelPower[];
  params: Record<string, unknown>;
}

export interface ControlResult {
  deviceid: string;
  via: Route;
  power?: Power;
  channels?: ChannelPower[];
}

/**
 * Turns semantic commands into the device's params and sends them down the command path;
 * reads live state back in the same semantic form.
 *
 * @example
 * await controller.control('default', '1000000004', { power: 'off', channel: 2 });
 */
export class DeviceController {
  constructor(
    private readonly directory: DeviceDirectory,
    private readonly keeper: TokenKeeper,
    private readonly channel: CommandChannel,
    private readonly client: EwelinkClient,
  ) {}

  /** Checks that the command fits the device (it exists, the channel exists); returns the device. */
  async check(accountId: string, deviceid: string, command: DeviceCommand): Promise<CachedDevice> {
    const device = await this.directory.find(accountId, deviceid);
    targetChannels(device, layoutOf(device), command);
    return device;
  }

  async control(accountId: string, deviceid: string, command: DeviceCommand): Promise<ControlResult> {
    const device = await this.directory.find(accountId, deviceid);
    const layout = layoutOf(device);
    const channels = targetChannels(device, layout, command);
    const target = { deviceid, apikey: device.apikey };
    try {
      return await this.keeper.withCredentials(accountId, async (creds) => {
        let power: Power;
        if (command.power === 'toggle') {
          // A toggle is decided on the device's state now, never on a cached copy.
          const now = readPower(layout, await this.channel.query(creds, target, [layout.form]));
          const anyOn = now.some((c) => channels.includes(c.channel) && c.power === 'on');
          power = anyOn ? 'off' : 'on';
        } else {
          power = command.power;
        }
        const via = await this.channel.send(creds, target, powerParams(layout, power, channels));
        return layout.form === 'switch'
          ? { deviceid, via, power }
          : { deviceid, via, channels: channels.map((channel) => ({ channel, power })) };
      });
    } catch (err) {
      throw asBridgeError(err) ?? err;
    }
  }

  /** Live state from the cloud (one call), in semantic form next to the raw params. */
  async state(accountId: string, deviceid: string): Promise<DeviceState> {
    await this.directory.find(accountId, deviceid);
    try {
      const live = await this.keeper.withCredentials(accountId, (creds) => this.client.device(creds, deviceid));
      const layout = powerLayout(live.uiid, live.params);
      const power = readPower(layout, live.params);
      const base = { deviceid, name: live.name, uiid: live.uiid, online: live.online, params: live.params };
      return layout.form === 'switch' ? { ...base, power: power[0]?.power } : { ...base, channels: power };
    } catch (err) {
      throw asBridgeError(err) ?? err;
    }
  }
}

function layoutOf(device: CachedDevice): PowerLayout {
  return powerLayout(device.uiid, device.params ?? {});
}

function targetChannels(device: CachedDevice, layout: PowerLayout, command: DeviceCommand): number[] {
  const all = Array.from({ length: layout.channels }, (_, i) => i);
  if (command.channel === undefined || command.channel === 'all') return all;
  if (command.channel >= layout.channels) {
    const range = layout.channels === 1 ? 'only channel 0' : `channels 0 to ${layout.channels - 1}`;
    throw invalidInput('channel', `device "${device.deviceid}" has ${range}`);
  }
  return [command.channel];
}
