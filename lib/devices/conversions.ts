/*
 * Conversions between what callers say (brightness %, kelvin, colours) and what devices take
 * (native ranges, channel values). All pure; rounding is to the nearest native step.
 */

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export interface Hsv {
  /** 0–360 degrees. */
  h: number;
  /** 0–100 %. */
  s: number;
  /** 0–100 %. */
  v: number;
}

/** A colour as a caller may give it: `"#rrggbb"`, `{r, g, b}` (0–255) or `{h, s, v}`. */
export type ColorInput = string | Rgb | Hsv;

/** A colour as the bridge reports it. */
export interface ColorState extends Rgb {
  hex: string;
}

/** The colour temperatures a command may ask for, warmest first (kelvin). */
export const KELVIN_RANGE = { warmest: 2200, coldest: 7000 } as const;

/** A native colour temperature range and which end of it is warm. */
export interface NativeCtRange {
  min: number;
  max: number;
  /** The end of the range that gives the warmest light. */
  warmAt: 'min' | 'max';
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * Brightness % (1–100) on a device's native range: `percent × max / 100`, rounded, and raised to
 * the range's minimum when it falls below (so 5 % on a 10–100 dimmer sends 10). 0 % never reaches
 * here: it means "off".
 *
 * @example
 * percentToNative(30, 10, 100) // 30
 * percentToNative(30, 25, 255) // 77
 * percentToNative(5, 10, 100)  // 10
 */
export function percentToNative(percent: number, min: number, max: number): number {
  return clamp(Math.round((percent * max) / 100), min, max);
}

/**
 * A native brightness as % of the range's top, rounded to a whole per cent.
 *
 * @example
 * nativeToPercent(77, 25, 255) // 30
 */
export function nativeToPercent(native: number, min: number, max: number): number {
  return clamp(Math.round((clamp(native, min, max) * 100) / max), 0, 100);
}

/**
 * Kelvin (2200–7000) onto a native colour temperature range, linearly in kelvin, 2200 K at the
 * warm end. Values outside 2200–7000 are clamped.
 *
 * @example
 * kelvinToNative(2200, { min: 0, max: 255, warmAt: 'min' }) // 0
 * kelvinToNative(4600, { min: 0, max: 100, warmAt: 'min' }) // 50
 * kelvinToNative(7000, { min: 0, max: 100, warmAt: 'max' }) // 0
 */
export function kelvinToNative(kelvin: number, range: NativeCtRange): number {
  const coldness = coldnessOf(kelvin);
  const span = range.max - range.min;
  return Math.round(range.warmAt === 'min' ? range.min + coldness * span : range.max - coldness * span);
}

/**
 * A native colour temperature in kelvin (whole kelvin), the inverse of `kelvinToNative`.
 *
 * @example
 * nativeToKelvin(128, { min: 0, max: 255, warmAt: 'min' }) // 4609
 */
export function nativeToKelvin(native: number, range: NativeCtRange): number {
  const span = range.max - range.min;
  const fromMin = span === 0 ? 0 : (clamp(native, range.min, range.max) - range.min) / span;
  return kelvinFromColdness(range.warmAt === 'min' ? fromMin : 1 - fromMin);
}

/** Where a colour temperature sits between warmest (0) and coldest (1). */
export function coldnessOf(kelvin: number): number {
  return clamp((kelvin - KELVIN_RANGE.warmest) / (KELVIN_RANGE.coldest - KELVIN_RANGE.warmest), 0, 1);
}

/** The kelvin at a coldness between 0 (warmest) and 1 (coldest), whole kelvin. */
export function kelvinFromColdness(coldness: number): number {
  return Math.round(KELVIN_RANGE.warmest + clamp(coldness, 0, 1) * (KELVIN_RANGE.coldest - KELVIN_RANGE.warmest));
}

/** How many kelvin one native step is worth on a range: the best a device can do. */
export function kelvinStep(range: { min: number; max: number }): number {
  return (KELVIN_RANGE.coldest - KELVIN_RANGE.warmest) / Math.max(1, range.max - range.min);
}

const HEX = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i;

/**
 * Any accepted colour form as RGB (0–255 integers). The input is assumed checked (see
 * `parseCommand`); a string that is not `#rrggbb` gives black.
 *
 * @example
 * toRgb('#FF8000')               // { r: 255, g: 128, b: 0 }
 * toRgb({ h: 120, s: 100, v: 50 }) // { r: 0, g: 128, b: 0 }
 */
export function toRgb(color: ColorInput): Rgb {
  if (typeof color === 'string') {
    const match = HEX.exec(color);
    if (!match) return { r: 0, g: 0, b: 0 };
    return { r: parseInt(match[1] as string, 16), g: parseInt(match[2] as string, 16), b: parseInt(match[3] as string, 16) };
  }
  if ('h' in color) return hsvToRgb(color);
  return { r: color.r, g: color.g, b: color.b };
}

/** Whether a string is a `#rrggbb` colour (either case). */
export function isHexColor(value: string): boolean {
  return HEX.test(value);
}

/**
 * HSV (h 0–360, s and v 0–100) to RGB, rounded.
 *
 * @example
 * hsvToRgb({ h: 30, s: 100, v: 100 }) // { r: 255, g: 128, b: 0 }
 */
export function hsvToRgb({ h, s, v }: Hsv): Rgb {
  const value = v / 100;
  const chroma = value * (s / 100);
  const sector = (((h % 360) + 360) % 360) / 60;
  const second = chroma * (1 - Math.abs((sector % 2) - 1));
  const [r, g, b] =
    sector < 1 ? [chroma, second, 0] :
    sector < 2 ? [second, chroma, 0] :
    sector < 3 ? [0, chroma, second] :
    sector < 4 ? [0, second, chroma] :
    sector < 5 ? [second, 0, chroma] :
    [chroma, 0, second];
  const lift = value - chroma;
  const to255 = (c: number) => Math.round((c + lift) * 255);
  return { r: to255(r), g: to255(g), b: to255(b) };
}

/**
 * RGB (0–255) to HSV (h 0–360, s and v 0–100), unrounded: the inverse of `hsvToRgb`. A grey
 * has no hue; it is given as 0.
 *
 * @example
 * rgbToHsv({ r: 255, g: 128, b: 0 }) // { h: 30.1…, s: 100, v: 100 }
 */
export function rgbToHsv({ r, g, b }: Rgb): Hsv {
  const top = Math.max(r, g, b);
  const chroma = top - Math.min(r, g, b);
  let sector = 0;
  if (chroma > 0) sector = top === r ? ((g - b) / chroma + 6) % 6 : top === g ? (b - r) / chroma + 2 : (r - g) / chroma + 4;
  return { h: sector * 60, s: top === 0 ? 0 : (chroma / top) * 100, v: (top / 255) * 100 };
}

/**
 * The colour with its hex form, as states report it.
 *
 * @example
 * colorState({ r: 255, g: 128, b: 0 }) // { r: 255, g: 128, b: 0, hex: '#ff8000' }
 */
export function colorState(rgb: Rgb): ColorState {
  const hex = `#${[rgb.r, rgb.g, rgb.b].map((c) => clamp(Math.round(c), 0, 255).toString(16).padStart(2, '0')).join('')}`;
  return { r: rgb.r, g: rgb.g, b: rgb.b, hex };
}

/** The colour's value (its brightest component) as 0–255. */
export function valueOf(rgb: Rgb): number {
  return Math.max(rgb.r, rgb.g, rgb.b);
}

/**
 * The same hue and saturation at full value (brightest component 255); black stays black.
 * For lights whose only brightness is the colour itself (B1).
 *
 * @example
 * atFullValue({ r: 128, g: 64, b: 0 }) // { r: 255, g: 128, b: 0 }
 */
export function atFullValue(rgb: Rgb): Rgb {
  return atValue(rgb, 255);
}

/** The same hue and saturation with the brightest component at `value` (0–255). */
export function atValue(rgb: Rgb, value: number): Rgb {
  const top = valueOf(rgb);
  if (top === 0) return { r: 0, g: 0, b: 0 };
  const scale = (c: number) => Math.round((c * value) / top);
  return { r: scale(rgb.r), g: scale(rgb.g), b: scale(rgb.b) };
}

/** A param as a number: numbers as they are, numeric strings ("25") parsed; anything else undefined. */
export function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
