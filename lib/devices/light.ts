import type { DeviceParams } from '../ewelink/types';
import type { ColorState, Rgb } from './conversions';

/** What a command asks of a light, already checked: brightness 1–100 %, colour, kelvin. */
export interface LightSettings {
  brightness?: number;
  color?: Rgb;
  colorTemperature?: number;
}

/** A light's state as its params show it. */
export interface LightReading {
  /** %, 0–100. */
  brightness?: number;
  color?: ColorState;
  /** Kelvin. */
  colorTemperature?: number;
  /** The light's mode when it has several (`white`, `color`, a scene's name). */
  mode?: string;
}

/** Which params a plan needs read from the device first: none, all, or these top-level names. */
export type ParamsToRead = 'none' | 'all' | string[];

/** What a light can do, in the terms of its params; shown in the API as part of `capabilities`. */
export interface LightCapabilities {
  brightness?: { param: string; range: [number, number] };
  color?: { params: string[] };
  colorTemperature?: {
    param: string;
    /** The native range, when the colour temperature is one param. */
    range?: [number, number];
    /** The native value of the warmest light. */
    warmest?: number;
    /** What commands take and states report. */
    kelvin: [number, number];
  };
  modes?: { param: string; values: string[] };
}

/**
 * How one family of lights takes and reports brightness, colour and colour temperature. Each
 * implementation holds one param layout (independent fields, the B02/B05 `white`/`color`
 * objects, cold/warm channels, the B1's five channels); the catalogue says which a uiid uses.
 */
export interface LightCodec {
  readonly capabilities: LightCapabilities;
  /** The params `paramsFor` needs from the device to apply these settings. */
  reads(settings: LightSettings): ParamsToRead;
  /** The params that apply the settings; `current` holds what `reads` asked for (or `{}`). */
  paramsFor(settings: LightSettings, current: DeviceParams): DeviceParams;
  /** The light's state from its params. */
  read(params: DeviceParams): LightReading;
}
