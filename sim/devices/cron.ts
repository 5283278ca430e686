/*
 * The 5-field cron of a device's repeat timers, read in UTC: minute, hour, day of month,
 * month, day of week (0 = Sunday … 6 = Saturday; 7 is Sunday too). Each field is `*` or a
 * comma list of numbers and ranges `a-b`, each optionally stepped with `/n` (`8-18/2`).
 * As in classic cron, when both day fields are restricted a day matching either one fires.
 */

export interface Cron {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
  /** Whether the day-of-month field is other than `*`. */
  readonly daysRestricted: boolean;
  /** Whether the day-of-week field is other than `*`. */
  readonly weekdaysRestricted: boolean;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];

const MINUTE_MS = 60_000;
const ITEM = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/;

function fieldValues(text: string, spec: FieldSpec): Set<number> | string {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const match = ITEM.exec(item);
    if (!match) return `${spec.name} "${item}" is not *, a number or a range a-b`;
    const [, whole, from, to, step] = match;
    const low = whole === '*' ? spec.min : Number(from);
    // A bare number with a step (`5/15`) runs to the end of the field, as in classic cron.
    const high = whole === '*' ? spec.max : to !== undefined ? Number(to) : step !== undefined ? spec.max : low;
    const stride = step === undefined ? 1 : Number(step);
    if (low < spec.min || high > spec.max) return `${spec.name} ${item} is outside ${spec.min}-${spec.max}`;
    if (low > high) return `${spec.name} range ${item} runs backwards`;
    if (stride < 1) return `${spec.name} step in ${item} must be at least 1`;
    for (let value = low; value <= high; value += stride) values.add(value);
  }
  return values;
}

/** The cron read field by field, or why it cannot be. */
export function parseCron(text: string): Cron | string {
  const parts = text.split(' ');
  if (parts.length !== 5) return 'must have 5 fields separated by single spaces (minute hour day month weekday)';
  const sets: Set<number>[] = [];
  for (const [i, part] of parts.entries()) {
    const values = fieldValues(part, FIELDS[i] as FieldSpec);
    if (typeof values === 'string') return values;
    sets.push(values);
  }
  const [minutes, hours, days, months, weekdays] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (weekdays.delete(7)) weekdays.add(0);
  return {
    minutes,
    hours,
    days,
    months,
    weekdays,
    daysRestricted: !(parts[2] ?? '').startsWith('*'),
    weekdaysRestricted: !(parts[4] ?? '').startsWith('*'),
  };
}

function dayMatches(cron: Cron, date: Date): boolean {
  const byDay = cron.days.has(date.getUTCDate());
  const byWeekday = cron.weekdays.has(date.getUTCDay());
  if (cron.daysRestricted && cron.weekdaysRestricted) return byDay || byWeekday;
  if (cron.daysRestricted) return byDay;
  if (cron.weekdaysRestricted) return byWeekday;
  return true;
}

/** The start of the first UTC minute after `after` that the cron matches, if one comes by `until`. */
export function nextCronMinute(cron: Cron, after: number, until: number): number | undefined {
  let t = Math.floor(after / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  while (t <= until) {
    const date = new Date(t);
    const [year, month, day, hour] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours()];
    if (!cron.months.has(month + 1)) t = Date.UTC(year, month + 1, 1);
    else if (!dayMatches(cron, date)) t = Date.UTC(year, month, day + 1);
    else if (!cron.hours.has(hour)) t = Date.UTC(year, month, day, hour + 1);
    else if (!cron.minutes.has(date.getUTCMinutes())) t += MINUTE_MS;
    else return t;
  }
  return undefined;
}
