import type { DeviceTarget, Target } from '../../assistants/targets';
import type { Rgb } from '../../devices/conversions';
import type { NormalisedState } from '../../devices/state';

/*
 * Targets as Google devices (SYNC) and what they show as Google states (QUERY, EXECUTE).
 * willReportState is false: the bridge sends no Report State, Google queries instead.
 */

const TYPE: Readonly<Record<DeviceTarget['role'], string>> = {
  light: 'action.devices.types.LIGHT',
  switch: 'action.devices.types.SWITCH',
  plug: 'action.devices.types.OUTLET',
};

/**
 * The SYNC description of a target.
 *
 * @example
 * syncDevice(lampTarget) // { id: '1000000001', type: 'action.devices.types.SWITCH', traits: ['action.devices.traits.OnOff'], name: { name: 'Desk lamp', … }, willReportState: false, … }
 */
export function syncDevice(target: Target): Record<string, unknown> {
  const name = { name: target.name.trim() || target.id };
  if (target.kind === 'scene') {
    return { id: target.id, type: 'action.devices.types.SCENE', traits: ['action.devices.traits.Scene'], name, willReportState: false, attributes: { sceneReversible: false } };
  }
  const traits = ['action.devices.traits.OnOff'];
  const attributes: Record<string, unknown> = {};
  if (target.brightness) traits.push('action.devices.traits.Brightness');
  if (target.color || target.colorTemperature) {
    traits.push('action.devices.traits.ColorSetting');
    if (target.color) attributes.colorModel = 'rgb';
    if (target.colorTemperature) attributes.colorTemperatureRange = { temperatureMinK: target.colorTemperature[0], temperatureMaxK: target.colorTemperature[1] };
  }
  return {
    id: target.id,
    type: TYPE[target.role],
    traits,
    name: { ...name, defaultNames: [target.family] },
    willReportState: false,
    ...(Object.keys(attributes).length > 0 && { attributes }),
    deviceInfo: { manufacturer: 'eWeLink', model: target.family },
  };
}

/** What a device shows or was just set to, in the bridge's terms (a live state or a command's outcome). */
type Shown = Pick<NormalisedState, 'power' | 'channels' | 'brightness' | 'color' | 'colorTemperature'>;

/**
 * A target's Google states: `on` (its channel's, for a channel), `brightness`, and `color` as
 * the light shows it (a colour, else a white's kelvin).
 *
 * @example
 * googleStates(bulbTarget, { power: 'on', brightness: 40, colorTemperature: 2700 }) // { on: true, brightness: 40, color: { temperatureK: 2700 } }
 */
export function googleStates(target: DeviceTarget, shown: Shown): Record<string, unknown> {
  const states: Record<string, unknown> = {};
  const power = target.channel === undefined ? (shown.power ?? shown.channels?.[0]?.power) : shown.channels?.find((c) => c.channel === target.channel)?.power;
  if (power) states.on = power === 'on';
  if (target.brightness && shown.brightness !== undefined) states.brightness = Math.round(shown.brightness);
  if (target.color && shown.color) states.color = { spectrumRgb: spectrum(shown.color) };
  else if (target.colorTemperature && shown.colorTemperature !== undefined) states.color = { temperatureK: Math.round(shown.colorTemperature) };
  return states;
}

/** An RGB colour as Google's one decimal integer (0xRRGGBB). */
export function spectrum({ r, g, b }: Rgb): number {
  return (r << 16) | (g << 8) | b;
}

/** Google's 0xRRGGBB integer as the bridge's `#rrggbb`. */
export function hexOf(spectrumRgb: number): string {
  return `#${spectrumRgb.toString(16).padStart(6, '0')}`;
}
