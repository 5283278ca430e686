import { invalidInput } from '../errors';
import { isTimeZone, offsetMinutes, wallTime, zonedToUtc } from './zoned-time';

/**
 * When something happens, in the caller's terms: wall-clock times in an IANA time zone.
 * `once` and `duration` start at a local date-time (`2026-12-24T18:30`), `repeat` runs on
 * weekdays (0 = Sunday … 6 = Saturday) at a local time (`07:15`), `delay` runs once, some
 * minutes after it is created.
 */
export type Schedule =
  | { type: 'once'; at: string }
  | { type: 'repeat'; days: number[]; time: string }
  | { type: 'duration'; start: string; onMinutes: number; offMinutes: number }
  | { type: 'delay'; minutes: number };

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const LOCAL_TIME = /^(\d{2}):(\d{2})$/;
const MAX_MINUTES = 7 * 24 * 60;

function localDateTime(value: unknown, field: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const m = typeof value === 'string' ? LOCAL_DATE_TIME.exec(value) : null;
  const parts = m ? m.slice(1).map(Number) : [];
  const [year, month, day, hour, minute] = parts as [number, number, number, number, number];
  const valid =
    m !== null && month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate() && hour <= 23 && minute <= 59;
  if (!valid) throw invalidInput(field, 'must be a local date and time like "2026-12-24T18:30"');
  return { year, month, day, hour, minute };
}

function localTime(value: unknown, field: string): { hour: number; minute: number } {
  const m = typeof value === 'string' ? LOCAL_TIME.exec(value) : null;
  const hour = Number(m?.[1]);
  const minute = Number(m?.[2]);
  if (!m || hour > 23 || minute > 59) throw invalidInput(field, 'must be a local time like "07:15"');
  return { hour, minute };
}

function minutes(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_MINUTES) {
    throw invalidInput(field, `must be a whole number of minutes from ${min} to ${MAX_MINUTES}`);
  }
  return value;
}

/**
 * Checks a schedule from outside and returns it typed; `invalid_input` naming the field otherwise.
 *
 * @example
 * parseSchedule({ type: 'repeat', days: [1, 3], time: '08:00' }, 'schedule')
 */
export function parseSchedule(input: unknown, at: string): Schedule {
  const field = (name: string) => `${at}.${name}`;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalidInput(at, 'must be an object with a "type"');
  const s = input as Record<string, unknown>;
  const allowed: Record<string, string[]> = {
    once: ['type', 'at'],
    repeat: ['type', 'days', 'time'],
    duration: ['type', 'start', 'onMinutes', 'offMinutes'],
    delay: ['type', 'minutes'],
  };
  const keys = allowed[s.type as string];
  if (!keys) throw invalidInput(field('type'), 'must be "once", "repeat", "duration" or "delay"');
  for (const key of Object.keys(s)) if (!keys.includes(key)) throw invalidInput(field(key), `unknown field for a ${String(s.type)} schedule; it takes ${keys.join(', ')}`);
  switch (s.type) {
    case 'once':
      localDateTime(s.at, field('at'));
      return { type: 'once', at: s.at as string };
    case 'repeat': {
      const days = s.days;
      if (!Array.isArray(days) || days.length === 0 || days.length > 7 || days.some((d) => !Number.isInteger(d) || d < 0 || d > 6) || new Set(days).size !== days.length) {
        throw invalidInput(field('days'), 'must be distinct weekdays, 0 (Sunday) to 6 (Saturday)');
      }
      localTime(s.time, field('time'));
      return { type: 'repeat', days: [...(days as number[])].sort((a, b) => a - b), time: s.time as string };
    }
    case 'duration':
      localDateTime(s.start, field('start'));
      return { type: 'duration', start: s.start as string, onMinutes: minutes(s.onMinutes, field('onMinutes'), 1), offMinutes: minutes(s.offMinutes, field('offMinutes'), 1) };
    default:
      return { type: 'delay', minutes: minutes(s.minutes, field('minutes'), 1) };
  }
}

/** Checks an IANA time zone name. */
export function parseTimeZone(input: unknown, field: string): string {
  if (!isTimeZone(input)) throw invalidInput(field, 'must be an IANA time zone name such as "Europe/Berlin"');
  return input;
}

/** The UTC instant of a local date-time string in `timeZone`. */
export function localToUtc(localDateTimeText: string, timeZone: string): number {
  return zonedToUtc(localDateTime(localDateTimeText, 'at'), timeZone);
}

/**
 * A weekly local time as the 5-field UTC cron the device runs, for the next occurrence after
 * `now`. Across a DST change the UTC form moves: compile again after each occurrence (the
 * reconcile does) and the device keeps firing at the same local time.
 *
 * @example
 * repeatToUtcCron([1, 3], '08:00', 'Europe/Berlin', Date.parse('2026-01-05T00:00Z')) // '0 7 * * 1,3'
 */
export function repeatToUtcCron(days: number[], time: string, timeZone: string, now: number): string {
  const { hour, minute } = localTime(time, 'time');
  const next = nextRepeat(days, time, timeZone, now);
  const offset = offsetMinutes(next, timeZone);
  let utcMinutes = hour * 60 + minute - offset;
  const shift = Math.floor(utcMinutes / 1440);
  utcMinutes -= shift * 1440;
  const utcDays = [...new Set(days.map((d) => (((d + shift) % 7) + 7) % 7))].sort((a, b) => a - b);
  return `${utcMinutes % 60} ${Math.floor(utcMinutes / 60)} * * ${utcDays.join(',')}`;
}

/** The next instant after `now` at which a weekly local time occurs. */
export function nextRepeat(days: number[], time: string, timeZone: string, now: number): number {
  const { hour, minute } = localTime(time, 'time');
  const today = wallTime(now, timeZone);
  for (let d = 0; d <= 8; d++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + d));
    if (!days.includes(date.getUTCDay())) continue;
    const instant = zonedToUtc({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute }, timeZone);
    if (instant > now) return instant;
  }
  throw new Error('no weekday given');
}
