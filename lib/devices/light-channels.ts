import type { DeviceParams } from '../ewelink/types';
import {
  atFullValue,
  atValue,
  coldnessOf,
  colorState,
  kelvinFromColdness,
  KELVIN_RANGE,
  nativeToPercent,
  numeric,
  percentToNative,
  valueOf,
  type Rgb,
} from './conversions';
import type { LightCapabilities, LightCodec, LightReading, LightSettings } from './light';

/*
 * Lights driven channel by channel with numeric strings: a cold and a warm white channel
 * (uiid 16), and the B1 (uiid 22) with those two plus red, green and blue.
 *
 * White from two channels: the level L (25–255, from brightness %) is shared between them as
 * cold = 25 + (L − 25) × coldness and warm = L + 25 − cold, where coldness runs from 0 at
 * 2200 K to 1 at 7000 K. So cold + warm − 25 = L gives the brightness back, and the split gives
 * the colour temperature back (to about 21 K at full brightness), with both channels always in
 * 25–255.
 */

const WHITE = { min: 25, max: 255 } as const;
const COLD = 'channel0';
const WARM = 'channel1';
const RGB_CHANNELS = ['channel2', 'channel3', 'channel4'] as const;

/**
 * A light with a cold and a warm channel (uiid 16): brightness and colour temperature both live
 * in the pair, so one given alone is completed from the light's current channels.
 *
 * @example
 * coldWarmLight().paramsFor({ brightness: 100, colorTemperature: 7000 }, {}) // { channel0: '255', channel1: '25' }
 */
export function coldWarmLight(): LightCodec {
  return {
    capabilities: {
      brightness: { param: `${COLD} + ${WARM}`, range: [WHITE.min, WHITE.max] },
      colorTemperature: whiteTemperature(),
    },
    reads: (settings) => (settings.brightness !== undefined && settings.colorTemperature !== undefined ? 'none' : [COLD, WARM]),
    paramsFor: (settings, current) => whiteParams(settings, readWhite(current)),
    read(params) {
      const white = readWhite(params);
      return white ? whiteReading(white) : {};
    },
  };
}

const B1_MODES: Record<number, string> = { 1: 'white', 2: 'color', 3: 'goodNight', 4: 'read', 5: 'party', 6: 'leisure' };

/**
 * The B1 bulb (uiid 22): white from channels 0 and 1, colour from channels 2–4, `zyx_mode` 1
 * (white) or 2 (colour). Every light setting sends all five channels and the mode, so the bulb
 * never mixes white and colour. The colour's own value is its brightness: a colour given with a
 * brightness is scaled to it, a colour given alone is sent as it is (`#804000` is `#ff8000` at
 * 50 %), and the state reports the colour at full value with the brightness beside it.
 *
 * @example
 * b1Light().paramsFor({ color: { r: 255, g: 0, b: 0 }, brightness: 50 }, {})
 * // { zyx_mode: 2, channel0: '0', channel1: '0', channel2: '128', channel3: '0', channel4: '0' }
 */
export function b1Light(): LightCodec {
  return {
    capabilities: {
      brightness: { param: `${COLD} + ${WARM} (white), ${RGB_CHANNELS.join(', ')} (colour)`, range: [WHITE.min, WHITE.max] },
      color: { params: [...RGB_CHANNELS] },
      colorTemperature: whiteTemperature(),
      modes: { param: 'zyx_mode', values: Object.values(B1_MODES) },
    },
    reads(settings) {
      if (settings.color) return 'none';
      if (settings.brightness !== undefined && settings.colorTemperature !== undefined) return 'none';
      return ['zyx_mode', COLD, WARM, ...RGB_CHANNELS];
    },
    paramsFor(settings, current) {
      if (settings.color) {
        return b1Color(settings.brightness === undefined ? settings.color : atValue(settings.color, colorValue(settings.brightness)));
      }
      const shown = readB1(current);
      if (settings.colorTemperature !== undefined || shown.white || !shown.rgb || valueOf(shown.rgb) === 0) {
        // From colour to white, keep the brightness the colour had.
        const level = shown.white ? undefined : shown.rgb && valueOf(shown.rgb) > 0 ? colourLevel(shown.rgb) : undefined;
        return { zyx_mode: 1, ...whiteParams(settings, shown.white ?? (level === undefined ? undefined : { level })), ...b1Dark(RGB_CHANNELS) };
      }
      return b1Color(atValue(shown.rgb, colorValue(settings.brightness ?? 100)));
    },
    read(params) {
      const shown = readB1(params);
      const mode = numeric(params['zyx_mode']);
      const reading: LightReading = shown.white ? whiteReading(shown.white) : shown.rgb ? colorReading(shown.rgb) : {};
      if (mode !== undefined) reading.mode = B1_MODES[mode] ?? `mode ${mode}`;
      return reading;
    },
  };
}

interface White {
  /** 25–255. */
  level: number;
  /** 0 (warmest) to 1 (coldest); unknown when both channels are at the bottom. */
  coldness?: number;
}

function whiteTemperature(): NonNullable<LightCapabilities['colorTemperature']> {
  return { param: `${COLD} (cold), ${WARM} (warm)`, kelvin: [KELVIN_RANGE.warmest, KELVIN_RANGE.coldest] };
}

/** The pair of white channels for the settings, completing what they lack from `now`. */
function whiteParams(settings: LightSettings, now: Partial<White> | undefined): DeviceParams {
  const level = settings.brightness !== undefined ? percentToNative(settings.brightness, WHITE.min, WHITE.max) : (now?.level ?? WHITE.max);
  const coldness = settings.colorTemperature !== undefined ? coldnessOf(settings.colorTemperature) : (now?.coldness ?? 0.5);
  const cold = Math.round(WHITE.min + (level - WHITE.min) * coldness);
  return { [COLD]: String(cold), [WARM]: String(level + WHITE.min - cold) };
}

/** Level and coldness from the two white channels; undefined when neither is there or both are off. */
function readWhite(params: DeviceParams): White | undefined {
  const rawCold = numeric(params[COLD]);
  const rawWarm = numeric(params[WARM]);
  if (rawCold === undefined && rawWarm === undefined) return undefined;
  if (!rawCold && !rawWarm) return undefined;
  // A channel below the bottom of the range ("0" = off) counts as the bottom.
  const cold = Math.max(WHITE.min, rawCold ?? 0);
  const warm = Math.max(WHITE.min, rawWarm ?? 0);
  const spread = cold + warm - 2 * WHITE.min;
  const level = Math.min(WHITE.max, cold + warm - WHITE.min);
  return spread > 0 ? { level, coldness: (cold - WHITE.min) / spread } : { level };
}

function whiteReading(white: White): LightReading {
  const reading: LightReading = { brightness: nativeToPercent(white.level, WHITE.min, WHITE.max) };
  if (white.coldness !== undefined) reading.colorTemperature = kelvinFromColdness(white.coldness);
  return reading;
}

function colorReading(rgb: Rgb): LightReading {
  return { brightness: Math.round((valueOf(rgb) * 100) / 255), color: colorState(atFullValue(rgb)) };
}

/** The B1's state: white when in mode 1 (or, with no mode, when a white channel is lit), else its colour. */
function readB1(params: DeviceParams): { white?: White; rgb?: Rgb } {
  const mode = numeric(params['zyx_mode']);
  const white = readWhite(params);
  const [r, g, b] = RGB_CHANNELS.map((name) => numeric(params[name]));
  const rgb = r !== undefined && g !== undefined && b !== undefined ? { r, g, b } : undefined;
  if (mode === 1 || (mode === undefined && white)) return white ? { white } : {};
  return rgb ? { rgb } : {};
}

function b1Color(rgb: Rgb): DeviceParams {
  return { zyx_mode: 2, ...b1Dark([COLD, WARM]), channel2: String(rgb.r), channel3: String(rgb.g), channel4: String(rgb.b) };
}

function b1Dark(names: readonly string[]): DeviceParams {
  return Object.fromEntries(names.map((name) => [name, '0']));
}

/** Brightness % as a colour's value, 0–255. */
function colorValue(percent: number): number {
  return Math.round((percent * 255) / 100);
}

/** A colour's brightness as a white level. */
function colourLevel(rgb: Rgb): number {
  return percentToNative(Math.max(1, Math.round((valueOf(rgb) * 100) / 255)), WHITE.min, WHITE.max);
}
