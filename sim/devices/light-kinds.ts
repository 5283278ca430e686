import { allOrNone, fieldsTogether, levelString, numberOneOf, onlyInMode, onOff, oneOf, sentWith, wholeIn } from './param-checks';
import { radioParams, zigbeeParams } from './readings';
import { ruledKind, type CommandRule, type DeviceKind, type Params, type ParamRule } from './ruled-kind';

/*
 * Lights: dimmers, the string-levelled bulbs of older firmware, RGB strips, the B02/B05
 * bulbs with `white`/`color` objects, and Zigbee lights. Fresh ones are off, at mid
 * brightness, in white.
 */

const switchRule: ParamRule = { check: onOff };
const stateRule: ParamRule = { check: onOff };
const percent = (min: number): ParamRule => ({ check: wholeIn(min, 100) });
const byte: ParamRule = { check: wholeIn(0, 255) };

/** A dimmer with `bright` 10–100 (uiid 36). */
export function brightDimmer(model: string, productModel: string): DeviceKind {
  return ruledKind({
    family: 'dimmer',
    model,
    productModel,
    initialParams: () => ({ switch: 'off', bright: 50, ...radioParams() }),
    rules: { switch: switchRule, bright: percent(10) },
  });
}

/** The D1 dimmer (uiid 44): `brightness` 0–100 is acted on only with `mode: 0` beside it. */
export function d1Dimmer(model: string, productModel: string): DeviceKind {
  return ruledKind({
    family: 'D1 dimmer',
    model,
    productModel,
    initialParams: () => ({ switch: 'off', brightness: 50, mode: 0, ...radioParams() }),
    rules: { switch: switchRule, brightness: percent(0), mode: { check: numberOneOf(0) } },
    commandRules: [sentWith('brightness', 'mode', 0)],
  });
}

/** A single-colour light with `state` and a string level `channel0` "25"–"255" (uiid 57). */
export function monoLight(model: string, productModel: string): DeviceKind {
  return ruledKind({
    family: 'mono light',
    model,
    productModel,
    initialParams: () => ({ state: 'off', channel0: '140', ...radioParams() }),
    rules: { state: stateRule, channel0: { check: levelString(25, 255) } },
  });
}

/** A cold/warm light: `channel0` cold, `channel1` warm, strings "25"–"255" (uiid 16). */
export function coldWarmLight(model: string, productModel: string): DeviceKind {
  return ruledKind({
    family: 'cold/warm light',
    model,
    productModel,
    initialParams: () => ({ state: 'off', channel0: '140', channel1: '140', ...radioParams() }),
    rules: { state: stateRule, channel0: { check: levelString(25, 255) }, channel1: { check: levelString(25, 255) } },
  });
}

const B1_WHITE = ['channel0', 'channel1'];
const B1_COLOUR = ['channel2', 'channel3', 'channel4'];

/**
 * The B1 bulb (uiid 22): white channels act in `zyx_mode` 1, colour channels in 2, each
 * needing that mode sent beside them unless the bulb is already in it.
 */
export function b1Bulb(model: string, productModel: string): DeviceKind {
  const white: ParamRule = { check: levelString(25, 255, '0') };
  const colour: ParamRule = { check: levelString(0, 255) };
  return ruledKind({
    family: 'B1 bulb',
    model,
    productModel,
    initialParams: () => ({ state: 'off', zyx_mode: 1, channel0: '140', channel1: '140', channel2: '0', channel3: '0', channel4: '0', ...radioParams() }),
    rules: {
      state: stateRule,
      zyx_mode: { check: wholeIn(1, 6) },
      ...Object.fromEntries(B1_WHITE.map((name) => [name, white])),
      ...Object.fromEntries(B1_COLOUR.map((name) => [name, colour])),
    },
    commandRules: [onlyInMode(B1_WHITE, 'zyx_mode', 1, '0'), onlyInMode(B1_COLOUR, 'zyx_mode', 2, '0')],
  });
}

/** A dimmable white light with colour temperature: `channel0` "10"–"255" brightness, `channel1` "0"–"255" (uiid 52). */
export function brightTempLight(model: string, productModel: string): DeviceKind {
  return ruledKind({
    family: 'colour-temperature light',
    model,
    productModel,
    initialParams: () => ({ state: 'off', channel0: '128', channel1: '128', ...radioParams() }),
    rules: { state: stateRule, channel0: { check: levelString(10, 255) }, channel1: { check: levelString(0, 255) } },
  });
}

interface StripSpec {
  family: string;
  model: string;
  productModel: string;
  brightMin: number;
  modes: number;
  speedMin: number;
  /** Sound sensitivity 1–10 of the music modes (L1 and later). */
  sensitive: boolean;
  /** `colorTemp` 0–100, acted on in mode 2 (L2, L3). */
  colorTemp: boolean;
}

const STRIP_COLOURS = ['colorR', 'colorG', 'colorB'];

/** An RGB strip (uiid 33, 59, 137, 173): the three colour values always come together. */
function rgbStrip(spec: StripSpec): DeviceKind {
  const rules: Record<string, ParamRule> = {
    switch: switchRule,
    bright: percent(spec.brightMin),
    colorR: byte,
    colorG: byte,
    colorB: byte,
    light_type: { check: numberOneOf(1, 2) },
    mode: { check: wholeIn(1, spec.modes) },
    speed: percent(spec.speedMin),
  };
  const commandRules: CommandRule[] = [allOrNone(STRIP_COLOURS)];
  if (spec.sensitive) rules['sensitive'] = { check: wholeIn(1, 10) };
  if (spec.colorTemp) {
    rules['colorTemp'] = percent(0);
    commandRules.push(onlyInMode(['colorTemp'], 'mode', 2));
  }
  return ruledKind({
    family: spec.family,
    model: spec.model,
    productModel: spec.productModel,
    initialParams: () => ({
      switch: 'off',
      bright: 50,
      light_type: 1,
      colorR: 255,
      colorG: 255,
      colorB: 255,
      mode: 1,
      speed: 50,
      ...(spec.sensitive && { sensitive: 5 }),
      ...(spec.colorTemp && { colorTemp: 50 }),
      ...radioParams(),
    }),
    rules,
    commandRules,
  });
}

/** uiid 33: `bright` 10–100, `mode` 1–3, `speed` 0–100. */
export function rgbLightStrip(model: string, productModel: string): DeviceKind {
  return rgbStrip({ family: 'RGB light strip', model, productModel, brightMin: 10, modes: 3, speedMin: 0, sensitive: false, colorTemp: false });
}

/** The L1 (uiid 59): `bright` 1–100, `mode` 1–12 (1 static colour), `speed` 1–100, `sensitive` 1–10. */
export function l1Strip(model: string, productModel: string): DeviceKind {
  return rgbStrip({ family: 'L1 LED strip', model, productModel, brightMin: 1, modes: 12, speedMin: 1, sensitive: true, colorTemp: false });
}

/** The L2 and L3 (uiid 137, 173): the L1's params plus `colorTemp` 0–100 in mode 2. */
export function l2Strip(family: string, model: string, productModel: string): DeviceKind {
  return rgbStrip({ family, model, productModel, brightMin: 1, modes: 12, speedMin: 1, sensitive: true, colorTemp: true });
}

const SCENES = ['bright', 'read', 'computer', 'nightLight'];
const LIGHTS = ['white', 'color'] as const;

/** The ltype a command asks for: named, or implied by the `white` or `color` sent. */
function askedLtype(sent: Params): unknown {
  return sent['ltype'] ?? LIGHTS.find((light) => light in sent);
}

const oneLightMatchingLtype: CommandRule = function lightMatchesLtype(sent) {
  const lights = LIGHTS.filter((light) => light in sent);
  if (lights.length > 1) return 'send white or color, not both';
  const light = lights[0];
  if (light !== undefined && 'ltype' in sent && sent['ltype'] !== light) return `${light} goes with ltype "${light}" (not ${JSON.stringify(sent['ltype'])})`;
  return undefined;
};

const modeChangeWithSwitchOn: CommandRule = function switchedOnForModeChange(sent, state) {
  const asked = askedLtype(sent);
  if (asked === undefined || asked === state['ltype'] || sent['switch'] === 'on') return undefined;
  return `a change of ltype from ${JSON.stringify(state['ltype'])} to ${JSON.stringify(asked)} must come with switch: "on" in the same message`;
};

const ltypeFollowsLight = (sent: Params): Params => {
  const asked = askedLtype(sent);
  return asked === undefined ? {} : { ltype: asked };
};

const whiteLight = (ctMax: number) => fieldsTogether({ br: wholeIn(1, 100), ct: wholeIn(0, ctMax) });

interface BulbSpec {
  family: string;
  model: string;
  productModel: string;
  /** The top of `white.ct` (coldest); 0 is warmest. */
  ctMax: number;
}

/** A colour-temperature bulb (B02, uiid 103 and 135): `white: {br, ct}` together, scenes by `ltype`. */
export function cctBulb(spec: BulbSpec): DeviceKind {
  return ruledKind({
    family: spec.family,
    model: spec.model,
    productModel: spec.productModel,
    initialParams: () => ({ switch: 'off', ltype: 'white', white: { br: 50, ct: Math.round(spec.ctMax / 2) }, ...radioParams() }),
    rules: { switch: switchRule, ltype: { check: oneOf('white', ...SCENES) }, white: whiteLight(spec.ctMax) },
    commandRules: [oneLightMatchingLtype],
    implied: ltypeFollowsLight,
  });
}

/**
 * An RGB + colour-temperature bulb (B05, uiid 104 and 136): `white: {br, ct}` or
 * `color: {br, r, g, b}`, each complete; a change of ltype comes with `switch: "on"`.
 */
export function rgbcwBulb(spec: BulbSpec): DeviceKind {
  return ruledKind({
    family: spec.family,
    model: spec.model,
    productModel: spec.productModel,
    initialParams: () => ({
      switch: 'off',
      ltype: 'white',
      white: { br: 50, ct: Math.round(spec.ctMax / 2) },
      color: { br: 50, r: 255, g: 255, b: 255 },
      ...radioParams(),
    }),
    rules: {
      switch: switchRule,
      ltype: { check: oneOf(...LIGHTS, ...SCENES) },
      white: whiteLight(spec.ctMax),
      color: fieldsTogether({ br: wholeIn(1, 100), r: wholeIn(0, 255), g: wholeIn(0, 255), b: wholeIn(0, 255) }),
    },
    commandRules: [oneLightMatchingLtype, modeChangeWithSwitchOn],
    implied: ltypeFollowsLight,
  });
}

/** A Zigbee light (uiid 1257; with `colorTemp` 0–100 for 1258 and 3258). */
export function zigbeeLight(family: string, model: string, productModel: string, colorTemp: boolean): DeviceKind {
  return ruledKind({
    family,
    model,
    productModel,
    initialParams: () => ({ switch: 'off', brightness: 50, ...(colorTemp && { colorTemp: 50 }), ...zigbeeParams() }),
    rules: { switch: switchRule, brightness: percent(0), ...(colorTemp && { colorTemp: percent(0) }) },
  });
}
