import type { DeviceTarget } from '../../assistants/targets';
import { rgbToHsv, type Rgb } from '../../devices/conversions';
import type { NormalisedState } from '../../devices/state';
import type { Property } from './responses';

/** What a device shows or was just set to, in the bridge's terms (a live state or a command's outcome). */
type Shown = Pick<NormalisedState, 'power' | 'channels' | 'brightness' | 'color' | 'colorTemperature'>;

/**
 * Alexa's context properties for a target: its power (the channel's, for a channel), the light
 * settings shown, and its connectivity. What the device does not show is left out.
 *
 * @example
 * properties(target, { power: 'on', brightness: 40 }, Date.now())
 * // [{ namespace: 'Alexa.PowerController', name: 'powerState', value: 'ON', … }, { … brightness 40 }, { … connectivity OK }]
 */
export function properties(target: DeviceTarget, shown: Shown, now: number, online = true): Property[] {
  const sample = { timeOfSample: new Date(now).toISOString(), uncertaintyInMilliseconds: 0 };
  const list: Property[] = [];
  const power = target.channel === undefined ? (shown.power ?? shown.channels?.[0]?.power) : shown.channels?.find((c) => c.channel === target.channel)?.power;
  if (power) list.push({ namespace: 'Alexa.PowerController', name: 'powerState', value: power === 'on' ? 'ON' : 'OFF', ...sample });
  if (target.brightness && shown.brightness !== undefined) {
    list.push({ namespace: 'Alexa.BrightnessController', name: 'brightness', value: Math.round(shown.brightness), ...sample });
  }
  if (target.color && shown.color) list.push({ namespace: 'Alexa.ColorController', name: 'color', value: alexaColor(shown.color), ...sample });
  if (target.colorTemperature && shown.colorTemperature !== undefined) {
    list.push({ namespace: 'Alexa.ColorTemperatureController', name: 'colorTemperatureInKelvin', value: Math.round(shown.colorTemperature), ...sample });
  }
  list.push({ namespace: 'Alexa.EndpointHealth', name: 'connectivity', value: { value: online ? 'OK' : 'UNREACHABLE' }, ...sample });
  return list;
}

/** A colour as Alexa gives and takes it: hue in degrees, saturation and brightness 0–1. */
export function alexaColor(rgb: Rgb): { hue: number; saturation: number; brightness: number } {
  const { h, s, v } = rgbToHsv(rgb);
  const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;
  return { hue: round(h, 2), saturation: round(s / 100, 4), brightness: round(v / 100, 4) };
}
