import { describe, expect, it } from 'vitest';
import { isTimeZone, offsetMinutes, wallTime, zonedToUtc, type WallTime } from '../../lib/timers/zoned-time';

/*
 * Wall-clock time in IANA zones against UTC, around the 2024 DST changes. The expected
 * instants come from the zones' published rules, not from the code:
 *   Europe/Berlin       31 Mar 02:00 CET -> 03:00 CEST (01:00Z);   27 Oct 03:00 CEST -> 02:00 CET (01:00Z)
 *   America/New_York    10 Mar 02:00 EST -> 03:00 EDT (07:00Z);    3 Nov 02:00 EDT -> 01:00 EST (06:00Z)
 *   Australia/Adelaide  6 Oct 02:00 ACST -> 03:00 ACDT (16:30Z the day before); 7 Apr 03:00 ACDT -> 02:00 ACST (16:30Z the day before)
 *   Australia/Lord_Howe 6 Oct 02:00 -> 02:30 (+10:30 -> +11, 15:30Z the day before); 7 Apr 02:00 -> 01:30 (15:00Z the day before)
 *   Asia/Kolkata        +05:30 all year
 */

type Local = Omit<WallTime, 'weekday'>;

const MINUTE = 60_000;
const utc = (text: string) => Date.parse(text);
const iso = (ms: number) => new Date(ms).toISOString();

/** 'YYYY-MM-DDTHH:MM' as the fields zonedToUtc takes. */
function local(text: string): Local {
  const [year, month, day, hour, minute] = text.split(/[-T:]/).map(Number) as [number, number, number, number, number];
  return { year, month, day, hour, minute };
}

function sameReading(w: WallTime, l: Local): boolean {
  return w.year === l.year && w.month === l.month && w.day === l.day && w.hour === l.hour && w.minute === l.minute;
}

/** Every minute of one local day, in order. */
function minutesOf(date: string): Local[] {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return Array.from({ length: 1440 }, (_, i) => ({ year, month, day, hour: Math.floor(i / 60), minute: i % 60 }));
}

const hhmm = (l: Local) => l.hour * 60 + l.minute;

describe('zonedToUtc', () => {
  it.each([
    { zone: 'Europe/Berlin', at: '2024-01-15T08:00', expected: '2024-01-15T07:00:00.000Z', why: 'winter, +01:00' },
    { zone: 'Europe/Berlin', at: '2024-07-15T08:00', expected: '2024-07-15T06:00:00.000Z', why: 'summer, +02:00' },
    { zone: 'Europe/Berlin', at: '2026-03-29T08:00', expected: '2026-03-29T06:00:00.000Z', why: 'the doc example: the morning after the 2026 change' },
    { zone: 'America/New_York', at: '2024-01-15T08:00', expected: '2024-01-15T13:00:00.000Z', why: 'winter, -05:00' },
    { zone: 'America/New_York', at: '2024-12-31T22:00', expected: '2025-01-01T03:00:00.000Z', why: 'into the next UTC year' },
    { zone: 'Asia/Kolkata', at: '2024-06-01T08:00', expected: '2024-06-01T02:30:00.000Z', why: '+05:30' },
    { zone: 'Asia/Kolkata', at: '2024-06-01T03:00', expected: '2024-05-31T21:30:00.000Z', why: '+05:30, the UTC day before' },
    { zone: 'Australia/Adelaide', at: '2024-01-15T08:00', expected: '2024-01-14T21:30:00.000Z', why: 'summer, +10:30' },
    { zone: 'Australia/Adelaide', at: '2024-06-15T08:00', expected: '2024-06-14T22:30:00.000Z', why: 'winter, +09:30' },
    { zone: 'UTC', at: '2024-03-31T02:30', expected: '2024-03-31T02:30:00.000Z', why: 'UTC has no change' },
  ])('$zone $at → $expected ($why)', ({ zone, at, expected }) => {
    expect(iso(zonedToUtc(local(at), zone))).toBe(expected);
  });

  describe('a wall time skipped by a spring-forward change comes out the same span after the gap', () => {
    it.each([
      { zone: 'Europe/Berlin', at: '2024-03-31T01:59', expected: '2024-03-31T00:59:00.000Z', why: 'last minute before the gap' },
      { zone: 'Europe/Berlin', at: '2024-03-31T02:00', expected: '2024-03-31T01:00:00.000Z', why: 'in the gap: 03:00 CEST' },
      { zone: 'Europe/Berlin', at: '2024-03-31T02:30', expected: '2024-03-31T01:30:00.000Z', why: 'in the gap: 03:30 CEST' },
      { zone: 'Europe/Berlin', at: '2024-03-31T02:59', expected: '2024-03-31T01:59:00.000Z', why: 'in the gap: 03:59 CEST' },
      { zone: 'Europe/Berlin', at: '2024-03-31T03:00', expected: '2024-03-31T01:00:00.000Z', why: 'first minute after the gap' },
      { zone: 'America/New_York', at: '2024-03-10T01:59', expected: '2024-03-10T06:59:00.000Z', why: 'last minute before the gap' },
      { zone: 'America/New_York', at: '2024-03-10T02:30', expected: '2024-03-10T07:30:00.000Z', why: 'in the gap: 03:30 EDT' },
      { zone: 'America/New_York', at: '2024-03-10T03:00', expected: '2024-03-10T07:00:00.000Z', why: 'first minute after the gap' },
      { zone: 'Australia/Adelaide', at: '2024-10-06T02:30', expected: '2024-10-05T17:00:00.000Z', why: 'in the gap: 03:30 ACDT' },
      { zone: 'Australia/Adelaide', at: '2024-10-06T03:00', expected: '2024-10-05T16:30:00.000Z', why: 'first minute after the gap' },
      { zone: 'Australia/Lord_Howe', at: '2024-10-06T02:15', expected: '2024-10-05T15:45:00.000Z', why: 'in a 30-minute gap: 02:45 at +11:00' },
    ])('$zone $at → $expected ($why)', ({ zone, at, expected }) => {
      expect(iso(zonedToUtc(local(at), zone))).toBe(expected);
    });
  });

  describe('a wall time that happens twice in an autumn change is its first occurrence', () => {
    it.each([
      { zone: 'Europe/Berlin', at: '2024-10-27T01:59', first: '2024-10-26T23:59:00.000Z', second: undefined },
      { zone: 'Europe/Berlin', at: '2024-10-27T02:00', first: '2024-10-27T00:00:00.000Z', second: '2024-10-27T01:00:00.000Z' },
      { zone: 'Europe/Berlin', at: '2024-10-27T02:30', first: '2024-10-27T00:30:00.000Z', second: '2024-10-27T01:30:00.000Z' },
      { zone: 'Europe/Berlin', at: '2024-10-27T02:59', first: '2024-10-27T00:59:00.000Z', second: '2024-10-27T01:59:00.000Z' },
      { zone: 'Europe/Berlin', at: '2024-10-27T03:00', first: '2024-10-27T02:00:00.000Z', second: undefined },
      { zone: 'America/New_York', at: '2024-11-03T01:30', first: '2024-11-03T05:30:00.000Z', second: '2024-11-03T06:30:00.000Z' },
      { zone: 'America/New_York', at: '2024-11-03T02:00', first: '2024-11-03T07:00:00.000Z', second: undefined },
      { zone: 'Australia/Adelaide', at: '2024-04-07T02:30', first: '2024-04-06T16:00:00.000Z', second: '2024-04-06T17:00:00.000Z' },
      { zone: 'Australia/Lord_Howe', at: '2024-04-07T01:45', first: '2024-04-06T14:45:00.000Z', second: '2024-04-06T15:15:00.000Z' },
    ])('$zone $at → $first', ({ zone, at, first, second }) => {
      // Act
      const instant = zonedToUtc(local(at), zone);

      // Assess: the first occurrence, and the later one (when there is one) reads the same on the wall
      expect(iso(instant)).toBe(first);
      if (second) expect(sameReading(wallTime(utc(second), zone), local(at))).toBe(true);
    });
  });

  describe('every minute of a change day', () => {
    /** Local minutes of the day (from, to] that do not exist, or that exist twice, and by how much. */
    const days = [
      { zone: 'Europe/Berlin', date: '2024-03-31', gap: { from: 120, to: 180 } },
      { zone: 'Europe/Berlin', date: '2024-10-27', twice: { from: 120, to: 180 } },
      { zone: 'America/New_York', date: '2024-03-10', gap: { from: 120, to: 180 } },
      { zone: 'America/New_York', date: '2024-11-03', twice: { from: 60, to: 120 } },
      { zone: 'Australia/Adelaide', date: '2024-10-06', gap: { from: 120, to: 180 } },
      { zone: 'Australia/Adelaide', date: '2024-04-07', twice: { from: 120, to: 180 } },
      { zone: 'Australia/Lord_Howe', date: '2024-10-06', gap: { from: 120, to: 150 } },
      { zone: 'Australia/Lord_Howe', date: '2024-04-07', twice: { from: 90, to: 120 } },
      { zone: 'Asia/Kolkata', date: '2024-03-31' },
    ];

    it.each(days)('$zone $date: existing minutes read back unchanged, skipped ones land the gap later, doubled ones on the first', ({ zone, date, gap, twice }) => {
      const wrong: string[] = [];
      for (const minute of minutesOf(date)) {
        const instant = zonedToUtc(minute, zone);
        const m = hhmm(minute);
        const label = `${date} ${String(minute.hour).padStart(2, '0')}:${String(minute.minute).padStart(2, '0')} → ${iso(instant)}`;
        if (gap && m >= gap.from && m < gap.to) {
          // Skipped: the reading at that instant is the same span past the gap's end.
          const reading = wallTime(instant, zone);
          if (hhmm(reading) !== m + (gap.to - gap.from) || reading.day !== minute.day) wrong.push(`${label} (skipped, read ${reading.hour}:${reading.minute})`);
          continue;
        }
        if (!sameReading(wallTime(instant, zone), minute)) wrong.push(`${label} (does not read back)`);
        const span = twice ? (twice.to - twice.from) * MINUTE : 0;
        const doubled = twice !== undefined && m >= twice.from && m < twice.to;
        if (doubled && !sameReading(wallTime(instant + span, zone), minute)) wrong.push(`${label} (not the first of two)`);
        if (twice && sameReading(wallTime(instant - span, zone), minute)) wrong.push(`${label} (an earlier instant reads the same)`);
      }
      expect(wrong).toEqual([]);
    });
  });

  it('refuses a zone the platform does not know rather than reading it as UTC', () => {
    expect(() => zonedToUtc(local('2024-06-01T08:00'), 'Mars/Olympus')).toThrow(RangeError);
    expect(() => wallTime(utc('2024-06-01T08:00:00Z'), 'Europe/Atlantis')).toThrow(RangeError);
  });
});

describe('offsetMinutes', () => {
  it.each([
    { zone: 'Europe/Berlin', at: '2024-01-15T12:00:00Z', offset: 60 },
    { zone: 'Europe/Berlin', at: '2024-03-31T00:59:00Z', offset: 60 },
    { zone: 'Europe/Berlin', at: '2024-03-31T01:00:00Z', offset: 120 },
    { zone: 'Europe/Berlin', at: '2024-10-27T00:59:00Z', offset: 120 },
    { zone: 'Europe/Berlin', at: '2024-10-27T01:00:00Z', offset: 60 },
    { zone: 'America/New_York', at: '2024-03-10T06:59:00Z', offset: -300 },
    { zone: 'America/New_York', at: '2024-03-10T07:00:00Z', offset: -240 },
    { zone: 'America/New_York', at: '2024-11-03T06:00:00Z', offset: -300 },
    { zone: 'Australia/Adelaide', at: '2024-10-05T16:29:00Z', offset: 570 },
    { zone: 'Australia/Adelaide', at: '2024-10-05T16:30:00Z', offset: 630 },
    { zone: 'Australia/Lord_Howe', at: '2024-10-05T15:30:00Z', offset: 660 },
    { zone: 'Australia/Lord_Howe', at: '2024-04-06T15:00:00Z', offset: 630 },
    { zone: 'Asia/Kolkata', at: '2024-06-01T00:00:00Z', offset: 330 },
    { zone: 'UTC', at: '2024-06-01T00:00:00Z', offset: 0 },
  ])('$zone at $at: $offset', ({ zone, at, offset }) => {
    expect(offsetMinutes(utc(at), zone)).toBe(offset);
  });

  it('ignores seconds within the minute', () => {
    expect(offsetMinutes(utc('2024-03-31T00:59:59.999Z'), 'Europe/Berlin')).toBe(60);
  });
});

describe('wallTime', () => {
  it('reads both instants of a doubled hour as the same wall time, a Sunday', () => {
    const first = wallTime(utc('2024-10-27T00:30:00Z'), 'Europe/Berlin');
    const second = wallTime(utc('2024-10-27T01:30:00Z'), 'Europe/Berlin');
    expect(first).toEqual({ year: 2024, month: 10, day: 27, hour: 2, minute: 30, weekday: 0 });
    expect(second).toEqual(first);
  });

  it('gives midnight as hour 0 of the next day, with its weekday', () => {
    expect(wallTime(utc('2024-01-01T23:00:00Z'), 'Europe/Berlin')).toEqual({ year: 2024, month: 1, day: 2, hour: 0, minute: 0, weekday: 2 });
  });

  it('moves the date and weekday with a half-hour offset', () => {
    expect(wallTime(utc('2024-05-31T20:00:00Z'), 'Asia/Kolkata')).toEqual({ year: 2024, month: 6, day: 1, hour: 1, minute: 30, weekday: 6 });
  });
});

describe('isTimeZone', () => {
  it.each(['Europe/Berlin', 'America/New_York', 'Australia/Adelaide', 'Asia/Kolkata', 'UTC'])('knows %s', (zone) => {
    expect(isTimeZone(zone)).toBe(true);
  });

  it.each([
    { what: 'an unknown name', value: 'Mars/Olympus' },
    { what: 'an empty string', value: '' },
    { what: 'a name longer than 64 characters', value: `Europe/${'x'.repeat(60)}` },
    { what: 'a number', value: 1 },
    { what: 'undefined', value: undefined },
    { what: 'null', value: null },
    { what: 'an object', value: { timeZone: 'Europe/Berlin' } },
  ])('refuses $what', ({ value }) => {
    expect(isTimeZone(value)).toBe(false);
  });
});
