import type { DeviceParams } from '../ewelink/types';
import {
  colorState,
  kelvinToNative,
  KELVIN_RANGE,
  nativeToKelvin,
  nativeToPercent,
  numeric,
  percentToNative,
  type NativeCtRange,
  type Rgb,
} from './conversions';
import type { LightCapabilities, LightCodec, LightReading, LightSettings } from './light';

/*
 * The B02 and B05 bulbs (uiid 103, 104 and their BLE twins 135, 136) keep their light in objects
 * named by mode: `ltype: "white"` with `white: {br, ct}`, `ltype: "color"` with
 * `color: {br, r, g, b}`, scenes with an object of their own name. The device takes an object
 * whole (br and ct together), so a setting that gives only one of them is completed from the
 * bulb's current params.
 */

export interface BulbSpec {
  /** Native brightness range of `br` (1–100). */
  brightness: [number, number];
  /** Native range of `ct` and its warm end. */
  colorTemperature: NativeCtRange;
  /** The values of `ltype`. */
  modes: string[];
}

/**
 * A tunable-white bulb (B02: `ltype` and `white: {br, ct}`).
 *
 * @example
 * const b02 = whiteBulb({ brightness: [1, 100], colorTemperature: { min: 0, max: 255, warmAt: 'min' }, modes: ['white'] });
 * b02.paramsFor({ brightness: 40 }, { ltype: 'white', white: { br: 90, ct: 10 } }) // { ltype: 'white', white: { br: 40, ct: 10 } }
 */
export function whiteBulb(spec: BulbSpec): LightCodec {
  return {
    capabilities: bulbCapabilities(spec, false),
    reads: (settings) => (settings.brightness !== undefined && settings.colorTemperature !== undefined ? 'none' : 'all'),
    paramsFor(settings, current) {
      return { ltype: 'white', white: whiteObject(spec, settings, current) };
    },
    read: (params) => readBulb(spec, params),
  };
}

/**
 * A colour bulb (B05: `white: {br, ct}` or `color: {br, r, g, b}` by `ltype`). Brightness alone
 * goes to the current mode's object; a change of mode carries `switch: "on"`, as the bulb wants.
 *
 * @example
 * const b05 = colorBulb({ brightness: [1, 100], colorTemperature: { min: 0, max: 255, warmAt: 'min' }, modes: ['white', 'color'] });
 * b05.paramsFor({ color: { r: 255, g: 0, b: 0 } }, { ltype: 'white', white: { br: 60, ct: 0 } })
 * // { switch: 'on', ltype: 'color', color: { br: 60, r: 255, g: 0, b: 0 } }
 */
export function colorBulb(spec: BulbSpec): LightCodec {
  return {
    capabilities: bulbCapabilities(spec, true),
    // The mode decides both where brightness goes and whether the switch must come along.
    reads: () => 'all',
    paramsFor(settings, current) {
      const mode = typeof current['ltype'] === 'string' ? current['ltype'] : undefined;
      const target = settings.color ? 'color' : settings.colorTemperature !== undefined ? 'white' : mode === 'color' ? 'color' : 'white';
      const params: DeviceParams =
        target === 'color' ? { ltype: 'color', color: colorObject(spec, settings, current) } : { ltype: 'white', white: whiteObject(spec, settings, current) };
      return target === mode ? params : { switch: 'on', ...params };
    },
    read: (params) => readBulb(spec, params),
  };
}

function whiteObject(spec: BulbSpec, settings: LightSettings, current: DeviceParams): { br: number; ct: number } {
  const shown = shownObject(current);
  const white = asObject(current['white']);
  const [brMin, brMax] = spec.brightness;
  const ct = spec.colorTemperature;
  return {
    br: settings.brightness !== undefined ? percentToNative(settings.brightness, brMin, brMax) : within(numeric(shown?.['br']) ?? numeric(white?.['br']), brMin, brMax, brMax),
    ct:
      settings.colorTemperature !== undefined
        ? kelvinToNative(settings.colorTemperature, ct)
        : within(numeric(shown?.['ct']) ?? numeric(white?.['ct']), ct.min, ct.max, Math.round((ct.min + ct.max) / 2)),
  };
}

function colorObject(spec: BulbSpec, settings: LightSettings, current: DeviceParams): { br: number } & Rgb {
  const shown = shownObject(current);
  const color = asObject(current['color']);
  const [brMin, brMax] = spec.brightness;
  const rgb = settings.color ?? rgbOf(color) ?? { r: 255, g: 255, b: 255 };
  const br = settings.brightness !== undefined ? percentToNative(settings.brightness, brMin, brMax) : within(numeric(shown?.['br']) ?? numeric(color?.['br']), brMin, brMax, brMax);
  return { br, r: rgb.r, g: rgb.g, b: rgb.b };
}

function readBulb(spec: BulbSpec, params: DeviceParams): LightReading {
  const reading: LightReading = {};
  const mode = typeof params['ltype'] === 'string' ? params['ltype'] : undefined;
  const shown = shownObject(params);
  if (mode !== undefined) reading.mode = mode;
  if (!shown) return reading;
  const br = numeric(shown['br']);
  if (br !== undefined) reading.brightness = nativeToPercent(br, spec.brightness[0], spec.brightness[1]);
  const rgb = rgbOf(shown);
  if (rgb) reading.color = colorState(rgb);
  const ct = numeric(shown['ct']);
  if (ct !== undefined && !rgb) reading.colorTemperature = nativeToKelvin(ct, spec.colorTemperature);
  return reading;
}

function bulbCapabilities(spec: BulbSpec, withColor: boolean): LightCapabilities {
  const ct = spec.colorTemperature;
  return {
    brightness: { param: withColor ? 'white.br, color.br' : 'white.br', range: [...spec.brightness] },
    ...(withColor && { color: { params: ['color.r', 'color.g', 'color.b'] } }),
    colorTemperature: {
      param: 'white.ct',
      range: [ct.min, ct.max],
      warmest: ct.warmAt === 'min' ? ct.min : ct.max,
      kelvin: [KELVIN_RANGE.warmest, KELVIN_RANGE.coldest],
    },
    modes: { param: 'ltype', values: [...spec.modes] },
  };
}

/** The object of the current mode (`white`, `color`, a scene's own), `white` when the mode is unknown. */
function shownObject(params: DeviceParams): Record<string, unknown> | undefined {
  return asObject(params[typeof params['ltype'] === 'string' ? params['ltype'] : 'white']);
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function rgbOf(object: Record<string, unknown> | undefined): Rgb | undefined {
  if (!object) return undefined;
  const [r, g, b] = [numeric(object['r']), numeric(object['g']), numeric(object['b'])];
  return r !== undefined && g !== undefined && b !== undefined ? { r, g, b } : undefined;
}

/** A current native value kept within the range, or the fallback when there is none. */
function within(value: number | undefined, min: number, max: number, fallback: number): number {
  return value === undefined ? fallback : Math.min(max, Math.max(min, Math.round(value)));
}
