import { describe, expect, it } from 'vitest';
import {
  atFullValue,
  atValue,
  colorState,
  hsvToRgb,
  kelvinStep,
  kelvinToNative,
  nativeToKelvin,
  nativeToPercent,
  numeric,
  percentToNative,
  rgbToHsv,
  toRgb,
} from '../../lib/devices/conversions';

describe('brightness % and native ranges', () => {
  it.each([
    [30, 10, 100, 30],
    [100, 10, 100, 100],
    [5, 10, 100, 10],
    [1, 1, 100, 1],
    [30, 0, 100, 30],
    [30, 25, 255, 77],
    [50, 10, 255, 128],
    [100, 25, 255, 255],
    [1, 25, 255, 25],
  ])('%d %% on %d–%d is %d', (percent, min, max, native) => {
    expect(percentToNative(percent, min, max)).toBe(native);
  });

  it.each([
    [77, 25, 255, 30],
    [25, 25, 255, 10],
    [10, 10, 100, 10],
    [0, 0, 100, 0],
    [300, 25, 255, 100],
  ])('native %d on %d–%d reads %d %%', (native, min, max, percent) => {
    expect(nativeToPercent(native, min, max)).toBe(percent);
  });

  it('gives back every whole per cent a range can show, on 1–100, 0–100 and 0–255-sized ranges', () => {
    for (const [min, max] of [[1, 100], [0, 100], [10, 100], [25, 255], [10, 255]] as const) {
      const floor = Math.ceil((min * 100) / max);
      for (let percent = Math.max(1, floor); percent <= 100; percent++) {
        expect(nativeToPercent(percentToNative(percent, min, max), min, max)).toBe(percent);
      }
    }
  });
});

describe('kelvin and native colour temperature', () => {
  const warmAtZero255 = { min: 0, max: 255, warmAt: 'min' } as const;
  const warmAtZero100 = { min: 0, max: 100, warmAt: 'min' } as const;
  const warmAtTop100 = { min: 0, max: 100, warmAt: 'max' } as const;

  it.each([
    [2200, warmAtZero255, 0],
    [7000, warmAtZero255, 255],
    [4600, warmAtZero100, 50],
    [2200, warmAtTop100, 100],
    [7000, warmAtTop100, 0],
    [3000, warmAtZero100, 17],
    [1000, warmAtZero100, 0],
    [9000, warmAtZero100, 100],
  ])('%d K is %d… on %j', (kelvin, range, native) => {
    expect(kelvinToNative(kelvin, range)).toBe(native);
  });

  it.each([
    [0, warmAtZero255, 2200],
    [255, warmAtZero255, 7000],
    [128, warmAtZero255, 4609],
    [50, warmAtZero100, 4600],
    [100, warmAtTop100, 2200],
  ])('native %d on %j reads %d K', (native, range, kelvin) => {
    expect(nativeToKelvin(native, range)).toBe(kelvin);
  });

  it('round-trips every kelvin to within half a native step, both directions of range', () => {
    for (const range of [warmAtZero255, warmAtZero100, warmAtTop100]) {
      const step = kelvinStep(range);
      for (let kelvin = 2200; kelvin <= 7000; kelvin += 50) {
        expect(Math.abs(nativeToKelvin(kelvinToNative(kelvin, range), range) - kelvin)).toBeLessThanOrEqual(step / 2 + 1);
      }
      for (let native = range.min; native <= range.max; native++) {
        expect(kelvinToNative(nativeToKelvin(native, range), range)).toBe(native);
      }
    }
  });
});

describe('colours', () => {
  it.each([
    ['#ff8000', { r: 255, g: 128, b: 0 }],
    ['#FF8000', { r: 255, g: 128, b: 0 }],
    ['#00aAfF', { r: 0, g: 170, b: 255 }],
  ])('reads hex %s', (hex, rgb) => {
    expect(toRgb(hex)).toEqual(rgb);
  });

  it('takes {r, g, b} as it is', () => {
    expect(toRgb({ r: 1, g: 2, b: 3 })).toEqual({ r: 1, g: 2, b: 3 });
  });

  it.each([
    [{ h: 0, s: 100, v: 100 }, { r: 255, g: 0, b: 0 }],
    [{ h: 30, s: 100, v: 100 }, { r: 255, g: 128, b: 0 }],
    [{ h: 120, s: 100, v: 50 }, { r: 0, g: 128, b: 0 }],
    [{ h: 240, s: 100, v: 100 }, { r: 0, g: 0, b: 255 }],
    [{ h: 300, s: 50, v: 100 }, { r: 255, g: 128, b: 255 }],
    [{ h: 360, s: 100, v: 100 }, { r: 255, g: 0, b: 0 }],
    [{ h: 200, s: 0, v: 100 }, { r: 255, g: 255, b: 255 }],
    [{ h: 200, s: 100, v: 0 }, { r: 0, g: 0, b: 0 }],
  ])('converts hsv %j to %j', (hsv, rgb) => {
    expect(hsvToRgb(hsv)).toEqual(rgb);
    expect(toRgb(hsv)).toEqual(rgb);
  });

  it.each([
    { r: 255, g: 0, b: 0 },
    { r: 255, g: 128, b: 0 },
    { r: 0, g: 128, b: 0 },
    { r: 12, g: 34, b: 200 },
    { r: 255, g: 128, b: 255 },
    { r: 200, g: 200, b: 200 },
    { r: 0, g: 0, b: 0 },
  ])('reads %j as hsv and back to the same rgb', (rgb) => {
    // Act
    const hsv = rgbToHsv(rgb);
    // Assess
    expect(hsv.h).toBeGreaterThanOrEqual(0);
    expect(hsv.h).toBeLessThan(360);
    expect(hsvToRgb(hsv)).toEqual(rgb);
  });

  it('reads orange as hue 30, full saturation and value', () => {
    const hsv = rgbToHsv({ r: 255, g: 128, b: 0 });
    expect(hsv.h).toBeCloseTo(30.1, 1);
    expect(hsv).toMatchObject({ s: 100, v: 100 });
  });

  it('reports a colour with its hex form, lower case', () => {
    expect(colorState({ r: 255, g: 128, b: 0 })).toEqual({ r: 255, g: 128, b: 0, hex: '#ff8000' });
    expect(colorState({ r: 0, g: 10, b: 171 }).hex).toBe('#000aab');
  });

  it('scales a colour to a value, keeping its hue; black stays black', () => {
    expect(atFullValue({ r: 128, g: 64, b: 0 })).toEqual({ r: 255, g: 128, b: 0 });
    expect(atValue({ r: 255, g: 128, b: 0 }, 128)).toEqual({ r: 128, g: 64, b: 0 });
    expect(atFullValue({ r: 0, g: 0, b: 0 })).toEqual({ r: 0, g: 0, b: 0 });
  });
});

describe('numeric params', () => {
  it('reads numbers and numeric strings, nothing else', () => {
    expect(numeric(12)).toBe(12);
    expect(numeric('25')).toBe(25);
    expect(numeric('21.4')).toBe(21.4);
    expect(numeric('unavailable')).toBeUndefined();
    expect(numeric('')).toBeUndefined();
    expect(numeric(undefined)).toBeUndefined();
    expect(numeric(Number.NaN)).toBeUndefined();
  });
});
