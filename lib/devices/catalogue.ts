import type { DeviceParams } from '../ewelink/types';
import { numeric } from './conversions';
import type { LightCapabilities, LightCodec } from './light';
import { colorBulb, whiteBulb } from './light-bulbs';
import { b1Light, coldWarmLight } from './light-channels';
import { fieldLight } from './light-fields';
import type { PowerLayout } from './power';

export type { PowerLayout } from './power';

/**
 * What the bridge knows of a device family from its uiid (the uiid table in the protocol
 * notes): how it is switched, what light it gives, which readings it reports. Unknown uiids
 * are described from the params they report, claiming nothing the params do not show.
 */
export type SensorName = 'temperature' | 'humidity' | 'power' | 'voltage' | 'current';

export interface DeviceProfile {
  uiid: number;
  /** A name for people: "B05 colour bulb". */
  family: string;
  power: PowerLayout;
  light?: LightCodec;
  /** Each reading the device reports, and the param it is in. */
  sensors: Partial<Record<SensorName, string>>;
  /** False when the uiid is not in the catalogue and the profile was read off the params. */
  known: boolean;
}

/** What a device can do, as `GET /devices` and `GET /devices/{id}` show it. */
export interface Capabilities extends LightCapabilities {
  power: { param: PowerLayout['form']; channels: number };
  sensors?: SensorName[];
}

interface Family {
  family: string;
  uiids: readonly number[];
  power: Omit<PowerLayout, 'channels'> & { channels?: number | Readonly<Record<number, number>> };
  light?: LightCodec;
  sensors?: Partial<Record<SensorName, string>>;
}

const WARM_AT_ZERO = { warmAt: 'min' } as const;
const STRIP_COLOR = { params: ['colorR', 'colorG', 'colorB'] as [string, string, string], with: { mode: 1, light_type: 1 }, shownWhen: { mode: 1, light_type: 1 } };
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The catalogue: one row per family of the uiid table. */
const FAMILIES: readonly Family[] = [
  { family: 'single-channel switch', uiids: [1, 6, 14, 24, 27], power: { form: 'switch' } },
  {
    family: 'power-metering switch',
    uiids: [5, 32],
    power: { form: 'switch' },
    sensors: { power: 'power', voltage: 'voltage', current: 'current' },
  },
  {
    family: 'temperature/humidity switch',
    uiids: [15, 181],
    power: { form: 'switch', byHand: true },
    sensors: { temperature: 'currentTemperature', humidity: 'currentHumidity' },
  },
  {
    family: 'multi-channel switch',
    uiids: [2, 3, 4, 7, 8, 9, 29, 30, 31, 82, 83, 84, 113, 114, 139, 140, 141, 161, 162, 163],
    power: {
      form: 'switches',
      channels: { 2: 2, 3: 3, 4: 4, 7: 2, 8: 3, 9: 4, 29: 2, 30: 3, 31: 4, 82: 2, 83: 3, 84: 4, 113: 2, 114: 3, 139: 2, 140: 3, 141: 4, 161: 2, 162: 3, 163: 4 },
    },
  },
  { family: 'single-channel switch (multi-channel form)', uiids: [77, 78, 81, 107, 112, 138, 160], power: { form: 'switches', channels: 1 } },
  { family: 'dimmer', uiids: [36], power: { form: 'switch' }, light: fieldLight({ brightness: { param: 'bright', min: 10, max: 100 } }) },
  {
    family: 'D1 dimmer',
    uiids: [44],
    power: { form: 'switch' },
    // The D1 refuses brightness without the switch on in the same message; mode 0 is manual.
    light: fieldLight({ brightness: { param: 'brightness', min: 0, max: 100, with: { switch: 'on', mode: 0 } } }),
  },
  {
    family: 'dimmable light',
    uiids: [57],
    power: { form: 'state' },
    light: fieldLight({ brightness: { param: 'channel0', min: 25, max: 255, asText: true } }),
  },
  { family: 'cold/warm white light', uiids: [16], power: { form: 'state' }, light: coldWarmLight() },
  { family: 'B1 colour bulb', uiids: [22], power: { form: 'state' }, light: b1Light() },
  {
    family: 'tunable white light',
    uiids: [52],
    power: { form: 'state' },
    light: fieldLight({
      brightness: { param: 'channel0', min: 10, max: 255, asText: true },
      colorTemperature: { param: 'channel1', min: 0, max: 255, asText: true, ...WARM_AT_ZERO },
    }),
  },
  {
    family: 'colour LED strip',
    uiids: [33],
    power: { form: 'switch' },
    light: fieldLight({
      brightness: { param: 'bright', min: 10, max: 100 },
      color: STRIP_COLOR,
      modes: { param: 'mode', values: range(1, 3), names: { 1: 'color' } },
    }),
  },
  {
    family: 'L1 LED strip',
    uiids: [59],
    power: { form: 'switch' },
    light: fieldLight({
      brightness: { param: 'bright', min: 1, max: 100 },
      color: STRIP_COLOR,
      modes: { param: 'mode', values: range(1, 12), names: { 1: 'color' } },
    }),
  },
  {
    family: 'L2/L3 LED strip',
    uiids: [137, 173],
    power: { form: 'switch' },
    light: fieldLight({
      brightness: { param: 'bright', min: 1, max: 100 },
      color: STRIP_COLOR,
      colorTemperature: { param: 'colorTemp', min: 0, max: 100, with: { mode: 2 }, shownWhen: { mode: 2 }, ...WARM_AT_ZERO },
      modes: { param: 'mode', values: range(1, 12), names: { 1: 'color', 2: 'white' } },
    }),
  },
  {
    family: 'B02 white bulb',
    uiids: [103],
    power: { form: 'switch' },
    light: whiteBulb({ brightness: [1, 100], colorTemperature: { min: 0, max: 255, ...WARM_AT_ZERO }, modes: ['white', 'bright', 'read', 'computer', 'nightLight'] }),
  },
  {
    family: 'B05 colour bulb',
    uiids: [104],
    power: { form: 'switch' },
    light: colorBulb({ brightness: [1, 100], colorTemperature: { min: 0, max: 255, ...WARM_AT_ZERO }, modes: ['white', 'color'] }),
  },
  {
    // Sources disagree on 135's ct range; 0–100 (as its twin 136) can never send a value a
    // 0–255 bulb refuses, while 0–255 could be refused by a 0–100 one.
    family: 'B02-BL white bulb',
    uiids: [135],
    power: { form: 'switch' },
    light: whiteBulb({ brightness: [1, 100], colorTemperature: { min: 0, max: 100, ...WARM_AT_ZERO }, modes: ['white', 'bright', 'read', 'computer', 'nightLight'] }),
  },
  {
    family: 'B05-BL colour bulb',
    uiids: [136],
    power: { form: 'switch' },
    light: colorBulb({ brightness: [1, 100], colorTemperature: { min: 0, max: 100, ...WARM_AT_ZERO }, modes: ['white', 'color'] }),
  },
  {
    // The notes list 1257 with 1258 and 3258; it is the dimmable-only one of the three.
    family: 'Zigbee dimmable light',
    uiids: [1257],
    power: { form: 'switch' },
    light: fieldLight({ brightness: { param: 'brightness', min: 0, max: 100 } }),
  },
  {
    family: 'Zigbee colour-temperature light',
    uiids: [1258, 3258],
    power: { form: 'switch' },
    light: fieldLight({
      brightness: { param: 'brightness', min: 0, max: 100 },
      colorTemperature: { param: 'colorTemp', min: 0, max: 100, ...WARM_AT_ZERO },
    }),
  },
];

const BY_UIID = new Map<number, Family>(FAMILIES.flatMap((family) => family.uiids.map((uiid) => [uiid, family] as const)));

/**
 * The profile of a device: from the catalogue when its uiid is known, else from its params
 * (`switch` → one channel, `switches` → channels from the outlets, `state` → a light's
 * switch, `bright`/`brightness` → a dimmer). Never throws.
 *
 * @example
 * deviceProfile(44).family                          // 'D1 dimmer'
 * deviceProfile(9999, { switches: [{}, {}] }).power  // { form: 'switches', channels: 2 }
 */
export function deviceProfile(uiid: number, params: DeviceParams = {}): DeviceProfile {
  const family = BY_UIID.get(uiid);
  if (!family) return inferredProfile(uiid, params);
  const { channels, ...power } = family.power;
  const count = typeof channels === 'number' ? channels : (channels?.[uiid] ?? 1);
  return { uiid, family: family.family, power: { ...power, channels: count }, light: family.light, sensors: family.sensors ?? {}, known: true };
}

/**
 * How a device is switched.
 *
 * @example
 * powerLayout(4, {})          // { form: 'switches', channels: 4 }
 * powerLayout(1, {})          // { form: 'switch', channels: 1 }
 * powerLayout(9999, { switches: [{}, {}] }) // { form: 'switches', channels: 2 }
 */
export function powerLayout(uiid: number, params: DeviceParams): PowerLayout {
  return deviceProfile(uiid, params).power;
}

/**
 * What the device can do, for the API.
 *
 * @example
 * capabilitiesOf(deviceProfile(36)) // { power: { param: 'switch', channels: 1 }, brightness: { param: 'bright', range: [10, 100] } }
 */
export function capabilitiesOf(profile: DeviceProfile): Capabilities {
  const sensors = Object.keys(profile.sensors) as SensorName[];
  return {
    power: { param: profile.power.form, channels: profile.power.channels },
    ...profile.light?.capabilities,
    ...(sensors.length > 0 && { sensors }),
  };
}

/** Every family of the catalogue with its uiids and capabilities (for documentation and tests). */
export function catalogue(): { family: string; uiids: readonly number[]; capabilities: Capabilities }[] {
  return FAMILIES.map((family) => {
    const first = family.uiids[0] as number;
    return { family: family.family, uiids: family.uiids, capabilities: capabilitiesOf(deviceProfile(first)) };
  });
}

function inferredProfile(uiid: number, params: DeviceParams): DeviceProfile {
  const base = { uiid, family: `unknown device (uiid ${uiid})`, sensors: {}, known: false };
  const power = inferredPower(params);
  // A level param is a dimmer; sent within the ranges every known family with that param accepts.
  if (numeric(params['bright']) !== undefined) {
    return { ...base, power, light: fieldLight({ brightness: { param: 'bright', min: 10, max: 100 } }) };
  }
  if (numeric(params['brightness']) !== undefined) {
    return { ...base, power, light: fieldLight({ brightness: { param: 'brightness', min: 0, max: 100 } }) };
  }
  return { ...base, power };
}

function inferredPower(params: DeviceParams): PowerLayout {
  if (Array.isArray(params['switches']) && !('switch' in params)) {
    const outlets = params['switches']
      .map((s) => (typeof s === 'object' && s !== null ? Number((s as { outlet?: unknown }).outlet) : Number.NaN))
      .filter((n) => Number.isInteger(n) && n >= 0);
    return { form: 'switches', channels: outlets.length > 0 ? Math.max(...outlets) + 1 : Math.max(1, params['switches'].length) };
  }
  if (!('switch' in params) && (params['state'] === 'on' || params['state'] === 'off')) return { form: 'state', channels: 1 };
  return { form: 'switch', channels: 1 };
}
