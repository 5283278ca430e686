import { isObject, type Fields } from '../fields';
import type { Check, CommandRule, ParamRule, Params } from './ruled-kind';

/*
 * The checks firmware applies to param values, and the rules across the params of one
 * command. Each answers with a reason a user can act on, naming the param.
 */

const quoted = (value: unknown) => JSON.stringify(value);

export const oneOf =
  (...allowed: string[]): Check =>
  (value, name) =>
    typeof value === 'string' && allowed.includes(value) ? undefined : `${name} must be ${allowed.map(quoted).join(' or ')}`;

export const onOff = oneOf('on', 'off');

export const numberOneOf =
  (...allowed: number[]): Check =>
  (value, name) =>
    typeof value === 'number' && allowed.includes(value) ? undefined : `${name} must be the number ${allowed.join(' or ')}`;

export const wholeIn =
  (min: number, max: number): Check =>
  (value, name) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? undefined : `${name} must be a whole number from ${min} to ${max}`;

export const stepped =
  (min: number, max: number, step: number): Check =>
  (value, name) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max && (value - min) % step === 0
      ? undefined
      : `${name} must be a whole number from ${min} to ${max} in steps of ${step}`;

const DECIMAL = /^(0|[1-9]\d*)$/;

/**
 * A level sent as a JSON string, like the `channel0: "128"` of older bulbs: plain decimal
 * digits (no sign, no leading zero, no spaces) in range, or one of `also`.
 */
export const levelString =
  (min: number, max: number, ...also: string[]): Check =>
  (value, name) => {
    if (typeof value === 'string' && (also.includes(value) || (DECIMAL.test(value) && Number(value) >= min && Number(value) <= max))) return undefined;
    const extra = also.length > 0 ? ` (or ${also.map(quoted).join(', ')})` : '';
    return `${name} must be a string holding a whole number from "${min}" to "${max}"${extra}`;
  };

/** An object whose fields must all come together, like `white: {br, ct}`; other keys are dropped. */
export function fieldsTogether(fields: Record<string, Check>): ParamRule {
  const names = Object.keys(fields);
  return {
    check(value, name) {
      if (!isObject(value)) return `${name} must be an object {${names.join(', ')}}`;
      for (const field of names) {
        if (value[field] === undefined) continue;
        const problem = fields[field]?.(value[field], `${name}.${field}`);
        if (problem) return problem;
      }
      const missing = names.filter((field) => value[field] === undefined);
      return missing.length > 0 ? `${name} needs ${names.join(', ')} together (missing ${missing.join(', ')})` : undefined;
    },
    normalise: (value) => Object.fromEntries(names.map((field) => [field, (value as Fields)[field]])),
  };
}

/**
 * A by-outlet array like `switches: [{switch, outlet}]`: each entry needs every field of
 * `fields` and an outlet in range; only the outlets sent change.
 */
export function byOutlet(channels: number, fields: Record<string, Check>): ParamRule {
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

/** All of `names` or none of them, like the three colour values of a strip. */
export function allOrNone(names: readonly string[]): CommandRule {
  return function sentTogether(sent) {
    const missing = names.filter((name) => !(name in sent));
    return missing.length > 0 && missing.length < names.length ? `${names.join(', ')} must come together (missing ${missing.join(', ')})` : undefined;
  };
}

/** `field` is acted on only with `companion` set to `value` in the same message. */
export function sentWith(field: string, companion: string, value: unknown): CommandRule {
  return function companionSent(sent) {
    return field in sent && sent[companion] !== value ? `${field} must come with ${companion}: ${quoted(value)} in the same message` : undefined;
  };
}

/**
 * `fields` are acted on only in one mode: the mode sent in the same message or, when none
 * is sent, the device's current one.
 */
export function onlyInMode(fields: readonly string[], modeParam: string, mode: unknown, offValue?: unknown): CommandRule {
  return function inMode(sent: Params, state: Params) {
    // The "off" value of a channel may always be sent: switching modes zeroes the other set.
    const given = fields.filter((field) => field in sent && (offValue === undefined || sent[field] !== offValue));
    if (given.length === 0) return undefined;
    const effective = modeParam in sent ? sent[modeParam] : state[modeParam];
    if (effective === mode) return undefined;
    const why = modeParam in sent ? `not ${modeParam}: ${quoted(sent[modeParam])}` : `the device is in ${modeParam} ${quoted(state[modeParam])}`;
    return `${given.join(', ')} ${given.length === 1 ? 'needs' : 'need'} ${modeParam}: ${quoted(mode)} in the same message (${why})`;
  };
}
