import { FormatRegistry } from '@sinclair/typebox';
import { InvalidInput } from '../errors';
import { isRealDate, RULE, Type, type Static } from '../schema';
import { isTimeZone, wallTime, zonedToUtc } from './zoned-time';

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const LOCAL_TIME = /^(\d{2}):(\d{2})$/;
const MAX_MINUTES = 7 * 24 * 60;

function localDateTimeParts(value: string): { year: number; month: number; day: number; hour: number; minute: number } | undefined {
  const m = LOCAL_DATE_TIME.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  return isRealDate(year, month, day) && hour <= 23 && minute <= 59 ? { year, month, day, hour, minute } : undefined;
}

function localTimeParts(value: string): { hour: number; minute: number } | undefined {
  const m = LOCAL_TIME.exec(value);
  const hour = Number(m?.[1]);
  const minute = Number(m?.[2]);
  return m && hour <= 23 && minute <= 59 ? { hour, minute } : undefined;
}

if (!FormatRegistry.Has('local-date-time')) FormatRegistry.Set('local-date-time', (v) => localDateTimeParts(v) !== undefined);
if (!FormatRegistry.Has('local-time')) FormatRegistry.Set('local-time', (v) => localTimeParts(v) !== undefined);
if (!FormatRegistry.Has('time-zone')) FormatRegistry.Set('time-zone', isTimeZone);

const LOCAL_DATE_TIME_TEXT = Type.String({
  format: 'local-date-time',
  description: 'wall-clock date and time in `timeZone`, such as 2026-12-24T18:30',
  [RULE]: 'must be a real local date and time like "2026-12-24T18:30"',
});
const MINUTES = Type.Integer({ minimum: 1, maximum: MAX_MINUTES, [RULE]: `must be a whole number of minutes from 1 to ${MAX_MINUTES}` });
const DAYS = Type.Array(Type.Integer({ minimum: 0, maximum: 6, [RULE]: 'must be a weekday, 0 (Sunday) to 6 (Saturday)' }), {
  minItems: 1,
  maxItems: 7,
  uniqueItems: true,
  [RULE]: 'must be distinct weekdays, 0 (Sunday) to 6 (Saturday)',
});

const ONCE = Type.Object({ type: Type.Literal('once'), at: LOCAL_DATE_TIME_TEXT }, { additionalProperties: false });
const REPEAT = Type.Object(
  { type: Type.Literal('repeat'), days: DAYS, time: Type.String({ format: 'local-time', description: 'wall-clock time, such as 07:15', [RULE]: 'must be a local time like "07:15"' }) },
  { additionalProperties: false },
);
const DURATION = Type.Object({ type: Type.Literal('duration'), start: LOCAL_DATE_TIME_TEXT, onMinutes: MINUTES, offMinutes: MINUTES }, { additionalProperties: false });
const DELAY = Type.Object({ type: Type.Literal('delay'), minutes: MINUTES }, { additionalProperties: false });

/**
 * When something happens, in the caller's terms: wall-clock times in an IANA time zone.
 * `once` and `duration` start at a local date-time (`2026-12-24T18:30`), `repeat` runs on
 * weekdays (0 = Sunday … 6 = Saturday) at a local time (`07:15`), `delay` runs once, some
 * minutes after it is created.
 */
export const SCHEDULE = Type.Union([ONCE, REPEAT, DURATION, DELAY], {
  description: 'when, in wall-clock time of `timeZone`; weekdays 0 (Sunday) to 6',
  [RULE]: 'must be an object whose "type" is "once", "repeat", "duration" or "delay"',
});
export type Schedule = Static<typeof SCHEDULE>;

/** What a scene may run on: once or on a weekly repeat. */
export const SCENE_SCHEDULE = Type.Union([ONCE, REPEAT], {
  description: 'optional: "once" or "repeat" only; the devices then run the scene themselves',
  [RULE]: 'must be an object whose "type" is "once" or "repeat" (a scene runs once or on a repeat schedule)',
});
export type SceneSchedule = Static<typeof SCENE_SCHEDULE>;

export const TIME_ZONE = Type.String({
  format: 'time-zone',
  description: 'IANA time zone name',
  examples: ['Europe/Berlin'],
  [RULE]: 'must be an IANA time zone name such as "Europe/Berlin"',
});

function localDateTime(value: string, field: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = localDateTimeParts(value);
  if (!parts) throw new InvalidInput(field, 'must be a real local date and time like "2026-12-24T18:30"');
  return parts;
}

function localTime(value: string, field: string): { hour: number; minute: number } {
  const parts = localTimeParts(value);
  if (!parts) throw new InvalidInput(field, 'must be a local time like "07:15"');
  return parts;
}

/**
 * Refuses a `once` schedule whose moment has passed: the device would never run it. `at`
 * names the field (`schedule`).
 */
export function refusePast(schedule: Schedule, timeZone: string, now: number, at = 'schedule'): void {
  if (schedule.type === 'once' && localToUtc(schedule.at, timeZone) <= now) {
    throw new InvalidInput(`${at}.at`, `is in the past in ${timeZone}: a once schedule must name a moment still to come`);
  }
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
  localTime(time, 'time');
  // The next occurrence as it really falls (a time in a spring gap falls just after it), so
  // the cron fires exactly when a once timer for that wall time would.
  const next = nextRepeat(days, time, timeZone, now);
  const local = wallTime(next, timeZone);
  const utc = new Date(next);
  const shift = Math.round((Date.UTC(utc.getUTCFullYear(), utc.getUTCMonth(), utc.getUTCDate()) - Date.UTC(local.year, local.month - 1, local.day)) / 86_400_000);
  const utcDays = [...new Set(days.map((d) => (((d + shift) % 7) + 7) % 7))].sort((a, b) => a - b);
  return `${utc.getUTCMinutes()} ${utc.getUTCHours()} * * ${utcDays.join(',')}`;
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
