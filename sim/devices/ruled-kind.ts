import { isObject } from '../fields';
import { isTimerType, readSchedule } from './timer-schedule';

/*
 * What a device family is to the sim, and how one is built from rules: a rule per param
 * the device acts on, rules across the params of one command (companion fields, modes),
 * params a command changes without naming them, and read-only readings. Keys a device does
 * not act on (unknown or read-only, like fwVersion or power) are dropped silently, as a
 * real device ignores them.
 */

export type Params = Record<string, unknown>;

export type Acceptance = { ok: true; params: Params } | { ok: false; reason: string };

export interface DeviceKind {
  readonly family: string;
  readonly model: string;
  readonly productModel: string;
  /** Params a factory-fresh device reports. */
  initialParams(): Params;
  /** The params of a command the device would act on, given its state, or why it refuses them. */
  accept(params: Params, state: Params): Acceptance;
  /** Merges accepted params into the device's state, then takes fresh readings. */
  apply(state: Params, accepted: Params): void;
  /** Takes fresh readings (POW power, TH temperature) into the state; nothing for most families. */
  measure(state: Params): void;
}

/** Why a value is wrong, or undefined when it is fine. */
export type Check = (value: unknown, name: string) => string | undefined;

export interface ParamRule {
  check: Check;
  /** Keeps what the device acts on; the value itself by default. */
  normalise?: (value: unknown) => unknown;
  /** The new state value; the accepted value by default. */
  merge?: (current: unknown, accepted: unknown) => unknown;
}

/**
 * A rule over a whole command, checked once every field passed its own: fields that must
 * come together or with a mode. `sent` holds only accepted fields, `state` the device's.
 */
export type CommandRule = (sent: Params, state: Params) => string | undefined;

export interface KindSpec {
  family: string;
  model: string;
  productModel: string;
  initialParams: () => Params;
  rules: Record<string, ParamRule>;
  commandRules?: readonly CommandRule[];
  /** Params a command changes without naming them, like a bulb's ltype following the white sent. */
  implied?: (sent: Params, state: Params) => Params;
  /** Read-only values the device reports for its state, measured afresh on each call. */
  readings?: (state: Params) => Params;
}

const CLIENT_TIMER_TYPES = ['once', 'repeat', 'duration', 'delay'];

/**
 * The device-side `timers` array. Each action is checked field by field against the
 * device's own rules; command rules (companions, modes) are not, since the device state
 * they depend on is the one at the time the timer fires.
 */
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
        if (!isTimerType(type)) return `${at}.type must be once, repeat or duration`;
        if (typeof clientType !== 'string' || !CLIENT_TIMER_TYPES.includes(clientType)) {
          return `${at}.coolkit_timer_type must be once, repeat, duration or delay`;
        }
        if ((clientType === 'delay' ? 'once' : clientType) !== type) return `${at}.coolkit_timer_type "${clientType}" does not go with type "${type}"`;
        if (typeof timer['at'] !== 'string') return `${at}.at must be a string`;
        const schedule = readSchedule(type, timer['at']);
        if ('problem' in schedule) return `${at}.at ${schedule.problem}`;
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

/** A device family from its rules; every family also keeps a device-side `timers` array. */
export function ruledKind(spec: KindSpec): DeviceKind {
  const rules: Record<string, ParamRule> = { ...spec.rules, timers: timersRule(spec.rules) };
  const measure = (state: Params): void => {
    if (spec.readings) Object.assign(state, spec.readings(state));
  };
  return {
    family: spec.family,
    model: spec.model,
    productModel: spec.productModel,
    initialParams() {
      const params = spec.initialParams();
      measure(params);
      return params;
    },
    accept(params, state) {
      const accepted: Params = {};
      for (const [key, value] of Object.entries(params)) {
        const rule = rules[key];
        if (!rule) continue;
        const problem = rule.check(value, key);
        if (problem) return { ok: false, reason: problem };
        accepted[key] = structuredClone(rule.normalise ? rule.normalise(value) : value);
      }
      for (const commandRule of spec.commandRules ?? []) {
        const problem = commandRule(accepted, state);
        if (problem) return { ok: false, reason: problem };
      }
      for (const [key, value] of Object.entries(spec.implied?.(accepted, state) ?? {})) {
        if (!(key in accepted)) accepted[key] = value;
      }
      return { ok: true, params: accepted };
    },
    apply(state, accepted) {
      for (const [key, value] of Object.entries(accepted)) {
        const merge = rules[key]?.merge;
        state[key] = structuredClone(merge ? merge(state[key], value) : value);
      }
      measure(state);
    },
    measure,
  };
}
