import { isObject, type Fields } from './fields';

/*
 * How each device family takes commands, by uiid. A family names the params a device acts
 * on, how each must look, and how a new value merges into its state. Keys a device does not
 * act on (unknown or read-only, like fwVersion) are dropped silently, as a real device
 * ignores them. A new family (dimmers, bulbs) is one more entry in DEVICE_KINDS.
 */

export type Params = Record<string, unknown>;

export type Acceptance = { ok: true; params: Params } | { ok: false; reason: string };

export interface DeviceKind {
  readonly family: string;
  readonly model: string;
  readonly productModel: string;
  /** Params a factory-fresh device reports. */
  initialParams(): Params;
  /** The params of a command the device would act on, or why it refuses them. */
  accept(params: Params): Acceptance;
  /** Merges accepted params into the device's state. */
  apply(state: Params, accepted: Params): void;
}

/** Why a value is wrong, or undefined when it is fine. */
type Check = (value: unknown, name: string) => string | undefined;

interface ParamRule {
  check: Check;
  /** Keeps what the device acts on; the value itself by default. */
  normalise?: (value: unknown) => unknown;
  /** The new state value; the accepted value by default. */
  merge?: (current: unknown, accepted: unknown) => unknown;
}

const oneOf =
  (...allowed: string[]): Check =>
  (value, name) =>
    typeof value === 'string' && allowed.includes(value) ? undefined : `${name} must be ${allowed.map((a) => `"${a}"`).join(' or ')}`;

const onOff = oneOf('on', 'off');

const stepped =
  (min: number, max: number, step: number): Check =>
  (value, name) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max && (value - min) % step === 0
      ? undefined
      : `${name} must be a whole number from ${min} to ${max} in steps of ${step}`;

const PULSE_WIDTH = stepped(500, 3_600_000, 500);

/**
 * A by-outlet array like `switches: [{switch, outlet}]`: each entry needs every field of
 * `fields` and an outlet in range; only the outlets sent change.
 */
function byOutlet(channels: number, fields: Record<string, Check>): ParamRule {
  const names = Object.keys(fields);
  return {
    check(value, name) {
      if (!Array.isArray(value) || value.length === 0) return `${name} must be a non-empty array of {${[...names, 'outlet'].join(', ')}}`;
      for (const [i, entry] of value.entries()) {
        if (!isObject(entry)) return `${name}[${i}] must be an object`;
        const outlet = entry['outlet'];
        if (typeof outlet !== 'number' || !Number.isInteger(outlet) || outlet < 0 || outlet >= channels) {
          return `${name}[${i}].outlet must be a whole number from 0 to ${channels - 1}`;
        }
        for (const field of names) {
          const problem = fields[field]?.(entry[field], `${name}[${i}].${field}`);
          if (problem) return problem;
        }
      }
      return undefined;
    },
    normalise: (value) =>
      (value as Fields[]).map((entry) => {
        const kept: Fields = {};
        for (const field of names) kept[field] = entry[field];
        kept['outlet'] = entry['outlet'];
        return kept;
      }),
    merge(current, accepted) {
      const state = new Map<number, Fields>();
      for (const entry of Array.isArray(current) ? current : []) {
        if (isObject(entry) && typeof entry['outlet'] === 'number') state.set(entry['outlet'], { ...entry });
      }
      for (const entry of accepted as Fields[]) {
        const outlet = entry['outlet'] as number;
        state.set(outlet, { ...state.get(outlet), ...entry });
      }
      return [...state.values()].sort((a, b) => (a['outlet'] as number) - (b['outlet'] as number));
    },
  };
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;
const CRON_FIELD = /^[\d*,/-]+$/;
const TIMER_TYPES = ['once', 'repeat', 'duration'];
const CLIENT_TIMER_TYPES = ['once', 'repeat', 'duration', 'delay'];

function isIsoTime(value: string): boolean {
  return ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

function timerAtProblem(type: string, at: string): string | undefined {
  if (type === 'once') return isIsoTime(at) ? undefined : 'must be a UTC ISO time';
  if (type === 'repeat') {
    const parts = at.split(' ');
    return parts.length === 5 && parts.every((p) => CRON_FIELD.test(p)) ? undefined : 'must be a 5-field cron expression';
  }
  const [start, on, off, ...rest] = at.split(' ');
  const minutes = (s: string | undefined) => s !== undefined && /^\d+$/.test(s) && Number(s) > 0;
  return start !== undefined && isIsoTime(start) && minutes(on) && minutes(off) && rest.length === 0
    ? undefined
    : 'must be "<UTC ISO start> <on minutes> <off minutes>"';
}

/** The device-side `timers` array, with each action checked against the device's own rules. */
function timersRule(actionRules: Record<string, ParamRule>): ParamRule {
  const actionProblem = (action: unknown, name: string): string | undefined => {
    if (!isObject(action)) return `${name} must be an object of params`;
    const known = Object.keys(action).filter((key) => key in actionRules);
    if (known.length === 0) return `${name} holds nothing this device acts on`;
    for (const key of known) {
      const problem = actionRules[key]?.check(action[key], `${name}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  };
  return {
    check(value, name) {
      if (!Array.isArray(value)) return `${name} must be an array`;
      for (const [i, timer] of value.entries()) {
        const at = `${name}[${i}]`;
        if (!isObject(timer)) return `${at} must be an object`;
        if (timer['enabled'] !== 0 && timer['enabled'] !== 1) return `${at}.enabled must be 0 or 1`;
        if (typeof timer['mId'] !== 'string' || timer['mId'] === '') return `${at}.mId must be a non-empty string`;
        const type = timer['type'];
        const clientType = timer['coolkit_timer_type'];
        if (typeof type !== 'string' || !TIMER_TYPES.includes(type)) return `${at}.type must be once, repeat or duration`;
        if (typeof clientType !== 'string' || !CLIENT_TIMER_TYPES.includes(clientType)) {
          return `${at}.coolkit_timer_type must be once, repeat, duration or delay`;
        }
        if ((clientType === 'delay' ? 'once' : clientType) !== type) return `${at}.coolkit_timer_type "${clientType}" does not go with type "${type}"`;
        if (typeof timer['at'] !== 'string') return `${at}.at must be a string`;
        const atProblem = timerAtProblem(type, timer['at']);
        if (atProblem) return `${at}.at ${atProblem}`;
        if (clientType === 'delay' && !(typeof timer['period'] === 'string' && /^\d+$/.test(timer['period']))) {
          return `${at}.period must be a string of minutes`;
        }
        const problem =
          type === 'duration'
            ? (actionProblem(timer['startDo'], `${at}.startDo`) ?? actionProblem(timer['endDo'], `${at}.endDo`))
            : actionProblem(timer['do'], `${at}.do`);
        if (problem) return problem;
      }
      return undefined;
    },
  };
}

function ruledKind(spec: { family: string; model: string; productModel: string; initialParams: () => Params; rules: Record<string, ParamRule> }): DeviceKind {
  const rules: Record<string, ParamRule> = { ...spec.rules, timers: timersRule(spec.rules) };
  return {
    family: spec.family,
    model: spec.model,
    productModel: spec.productModel,
    initialParams: spec.initialParams,
    accept(params) {
      const accepted: Params = {};
      for (const [key, value] of Object.entries(params)) {
        const rule = rules[key];
        if (!rule) continue;
        const problem = rule.check(value, key);
        if (problem) return { ok: false, reason: problem };
        accepted[key] = structuredClone(rule.normalise ? rule.normalise(value) : value);
      }
      return { ok: true, params: accepted };
    },
    apply(state, accepted) {
      for (const [key, value] of Object.entries(accepted)) {
        const merge = rules[key]?.merge;
        state[key] = structuredClone(merge ? merge(state[key], value) : value);
      }
    },
  };
}

function radioParams(): Params {
  return { fwVersion: '3.5.0', rssi: -52, staMac: '5C:CF:7F:00:00:01', init: 1, version: 8 };
}

const singleSwitch = ruledKind({
  family: 'single-channel switch',
  model: 'PSF-BBR-GL',
  productModel: 'BASICR2',
  initialParams: () => ({ switch: 'off', startup: 'off', pulse: 'off', pulseWidth: 500, sledOnline: 'on', ...radioParams() }),
  rules: {
    switch: { check: onOff },
    startup: { check: oneOf('on', 'stay', 'off') },
    pulse: { check: onOff },
    pulseWidth: { check: PULSE_WIDTH },
    sledOnline: { check: onOff },
  },
});

function multiSwitch(channels: number, model: string, productModel: string): DeviceKind {
  const outlets = Array.from({ length: channels }, (_, outlet) => outlet);
  return ruledKind({
    family: `${channels}-channel switch`,
    model,
    productModel,
    initialParams: () => ({
      switches: outlets.map((outlet) => ({ switch: 'off', outlet })),
      configure: outlets.map((outlet) => ({ startup: 'off', outlet })),
      pulses: outlets.map((outlet) => ({ pulse: 'off', width: 1000, outlet })),
      sledOnline: 'on',
      ...radioParams(),
    }),
    rules: {
      switches: byOutlet(channels, { switch: onOff }),
      configure: byOutlet(channels, { startup: oneOf('on', 'stay', 'off') }),
      pulses: byOutlet(channels, { pulse: onOff, width: PULSE_WIDTH }),
      sledOnline: { check: onOff },
    },
  });
}

export const DEVICE_KINDS: ReadonlyMap<number, DeviceKind> = new Map<number, DeviceKind>([
  [1, singleSwitch],
  [6, singleSwitch],
  [14, singleSwitch],
  [2, multiSwitch(2, 'PSB-B04-GL', 'DUALR2')],
  [3, multiSwitch(3, 'PSB-B05-GL', '3CH')],
  [4, multiSwitch(4, 'PSA-B04-GL', '4CHPROR3')],
]);

export function deviceKind(uiid: number): DeviceKind | undefined {
  return DEVICE_KINDS.get(uiid);
}
