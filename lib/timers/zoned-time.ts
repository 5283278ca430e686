/**
 * Wall-clock time in an IANA time zone, converted to and from UTC with the platform's own
 * time-zone data (Intl), so no library or data file is needed.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA name this platform knows. */
export function isTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The wall-clock reading in `timeZone` at the instant `utcMs`. */
export function wallTime(utcMs: number, timeZone: string): WallTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(utcMs))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
  };
}

/** Offset of `timeZone` from UTC at `utcMs`, in minutes (Berlin in winter: +60). */
export function offsetMinutes(utcMs: number, timeZone: string): number {
  const w = wallTime(utcMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return Math.round((asUtc - Math.floor(utcMs / 60_000) * 60_000) / 60_000);
}

/**
 * The UTC instant of a wall-clock time in `timeZone`. A time skipped by a DST change
 * (02:30 on a spring-forward night) comes out as the same span after the gap (03:30);
 * a time that happens twice (autumn) is its first occurrence.
 *
 * @example
 * zonedToUtc({ year: 2026, month: 3, day: 29, hour: 8, minute: 0 }, 'Europe/Berlin') // 06:00Z
 */
export function zonedToUtc(local: Omit<WallTime, 'weekday'>, timeZone: string): number {
  const naive = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // Offsets a day either side cover any transition near this wall time.
  const before = offsetMinutes(naive - 86_400_000, timeZone);
  const after = offsetMinutes(naive + 86_400_000, timeZone);
  const candidates = [naive - before * 60_000, naive - after * 60_000].sort((a, b) => a - b);
  for (const candidate of candidates) {
    const w = wallTime(candidate, timeZone);
    if (w.day === local.day && w.hour === local.hour && w.minute === local.minute) return candidate;
  }
  // In a spring-forward gap: the wall time read with the offset in force before the gap.
  return naive - before * 60_000;
}
