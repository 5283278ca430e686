import type { DeviceParams } from '../ewelink/types';
import type { DeviceProfile, SensorName } from './catalogue';
import type { ColorState } from './conversions';
import { numeric } from './conversions';
import type { ChannelPower } from './plan';
import { readPower, type Power } from './power';

/** A device's state in the bridge's terms, whatever its params look like. */
export interface NormalisedState {
  /** Single-channel devices. */
  power?: Power;
  /** Multi-channel devices (and single-channel ones switched in that form). */
  channels?: ChannelPower[];
  /** %, 0–100. */
  brightness?: number;
  color?: ColorState;
  /** Kelvin. */
  colorTemperature?: number;
  /** The light's mode when it has several. */
  mode?: string;
  sensors?: Partial<Record<SensorName, number>>;
}

/**
 * Reads the params in the bridge's terms: power per channel, brightness %, colour, colour
 * temperature in kelvin, sensor readings as numbers. What the params do not show is left out
 * (a reading of "unavailable", a colour while the light is white).
 *
 * @example
 * normaliseState(deviceProfile(104), { switch: 'on', ltype: 'white', white: { br: 40, ct: 255 } })
 * // { power: 'on', brightness: 40, colorTemperature: 7000, mode: 'white' }
 */
export function normaliseState(profile: DeviceProfile, params: DeviceParams): NormalisedState {
  const power = readPower(profile.power, params);
  const state: NormalisedState = profile.power.form === 'switches' ? { channels: power } : power[0] ? { power: power[0].power } : {};
  Object.assign(state, profile.light?.read(params));
  const sensors: Partial<Record<SensorName, number>> = {};
  for (const [name, param] of Object.entries(profile.sensors) as [SensorName, string][]) {
    const value = numeric(params[param]);
    if (value !== undefined) sensors[name] = value;
  }
  if (Object.keys(sensors).length > 0) state.sensors = sensors;
  return state;
}
