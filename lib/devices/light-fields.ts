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
} from './conversions';
import type { LightCapabilities, LightCodec, LightReading, LightSettings } from './light';

/** One numeric param and its native range. */
export interface NumericField {
  param: string;
  min: number;
  max: number;
  /** The device takes and reports the value as a numeric string (`"25"`). */
  asText?: boolean;
  /** Params that must travel in the same message (the D1's `switch: "on"` and `mode: 0`). */
  with?: DeviceParams;
  /** The value is what the light shows only while these params hold (a strip's static-colour mode). */
  shownWhen?: DeviceParams;
}

export interface FieldLightSpec {
  brightness?: NumericField;
  colorTemperature?: NumericField & { warmAt: NativeCtRange['warmAt'] };
  color?: { params: [string, string, string]; asText?: boolean; with?: DeviceParams; shownWhen?: DeviceParams };
  /** The mode param, its values, and names for those that mean something to a caller. */
  modes?: { param: string; values: number[]; names: Record<number, string> };
}

/**
 * A light whose brightness, colour and colour temperature are separate top-level params, each
 * set on its own (dimmers, the D1, strips, Zigbee lights): no read is ever needed.
 *
 * @example
 * const dimmer = fieldLight({ brightness: { param: 'bright', min: 10, max: 100 } });
 * dimmer.paramsFor({ brightness: 30 }, {}) // { bright: 30 }
 */
export function fieldLight(spec: FieldLightSpec): LightCodec {
  const encode = (value: number, asText?: boolean) => (asText ? String(value) : value);
  const modeName = (value: number) => spec.modes?.names[value] ?? `mode ${value}`;
  return {
    capabilities: fieldCapabilities(spec, modeName),
    reads: () => 'none',
    paramsFor(settings: LightSettings): DeviceParams {
      const out: DeviceParams = {};
      const { brightness, colorTemperature, color } = spec;
      if (brightness && settings.brightness !== undefined) {
        out[brightness.param] = encode(percentToNative(settings.brightness, brightness.min, brightness.max), brightness.asText);
        Object.assign(out, brightness.with);
      }
      if (colorTemperature && settings.colorTemperature !== undefined) {
        out[colorTemperature.param] = encode(kelvinToNative(settings.colorTemperature, colorTemperature), colorTemperature.asText);
        Object.assign(out, colorTemperature.with);
      }
      if (color && settings.color !== undefined) {
        const [r, g, b] = color.params;
        Object.assign(out, {
          [r]: encode(settings.color.r, color.asText),
          [g]: encode(settings.color.g, color.asText),
          [b]: encode(settings.color.b, color.asText),
        });
        Object.assign(out, color.with);
      }
      return out;
    },
    read(params: DeviceParams): LightReading {
      const reading: LightReading = {};
      const { brightness, colorTemperature, color, modes } = spec;
      const level = brightness && shown(brightness.shownWhen, params) ? numeric(params[brightness.param]) : undefined;
      if (brightness && level !== undefined) reading.brightness = nativeToPercent(level, brightness.min, brightness.max);
      if (color && shown(color.shownWhen, params)) {
        const [r, g, b] = color.params.map((name) => numeric(params[name]));
        if (r !== undefined && g !== undefined && b !== undefined) reading.color = colorState({ r, g, b });
      }
      const ct = colorTemperature && shown(colorTemperature.shownWhen, params) ? numeric(params[colorTemperature.param]) : undefined;
      if (colorTemperature && ct !== undefined) reading.colorTemperature = nativeToKelvin(ct, colorTemperature);
      const mode = modes ? numeric(params[modes.param]) : undefined;
      if (mode !== undefined) reading.mode = modeName(mode);
      return reading;
    },
  };
}

function fieldCapabilities(spec: FieldLightSpec, modeName: (value: number) => string): LightCapabilities {
  const caps: LightCapabilities = {};
  if (spec.brightness) caps.brightness = { param: spec.brightness.param, range: [spec.brightness.min, spec.brightness.max] };
  if (spec.color) caps.color = { params: [...spec.color.params] };
  if (spec.colorTemperature) {
    const ct = spec.colorTemperature;
    caps.colorTemperature = {
      param: ct.param,
      range: [ct.min, ct.max],
      warmest: ct.warmAt === 'min' ? ct.min : ct.max,
      kelvin: [KELVIN_RANGE.warmest, KELVIN_RANGE.coldest],
    };
  }
  if (spec.modes) caps.modes = { param: spec.modes.param, values: spec.modes.values.map(modeName) };
  return caps;
}

/** Whether the params are in the state where a value is shown (a param they lack does not count against). */
function shown(when: DeviceParams | undefined, params: DeviceParams): boolean {
  if (!when) return true;
  return Object.entries(when).every(([key, value]) => {
    const current = params[key];
    if (current === undefined || current === value) return true;
    const [a, b] = [numeric(current), numeric(value)];
    return a !== undefined && a === b;
  });
}
