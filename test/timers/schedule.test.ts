import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../lib/errors';
import { parse } from '../../lib/schema';
import { localToUtc, nextRepeat, TIME_ZONE } from '../../lib/timers/schedule';

/* The time-zone side of schedules: names checked at the edge, local texts and weekly times to UTC across DST. */

const iso = (ms: number) => new Date(ms).toISOString();

describe('the TIME_ZONE schema', () => {
  it('returns a known IANA name as given', () => {
    expect(parse(TIME_ZONE, 'Australia/Adelaide', 'timeZone')).toBe('Australia/Adelaide');
  });

  it.each([['Mars/Olympus'], [''], [42], [undefined]])('refuses %o as invalid_input naming the field', (value) => {
    // Act
    let caught: unknown;
    try {
      parse(TIME_ZONE, value, 'timer.timeZone');
    } catch (err) {
      caught = err;
    }

    // Assess
    expect(caught).toBeInstanceOf(InvalidInput);
    expect(caught).toMatchObject({ code: 'invalid_input', field: 'timer.timeZone' });
  });
});

describe('localToUtc', () => {
  it('reads the local text in the zone, gaps and doubled hours as zonedToUtc does', () => {
    expect(iso(localToUtc('2024-03-10T02:30', 'America/New_York'))).toBe('2024-03-10T07:30:00.000Z');
    expect(iso(localToUtc('2024-11-03T01:30', 'America/New_York'))).toBe('2024-11-03T05:30:00.000Z');
    expect(iso(localToUtc('2024-06-01T08:00', 'Asia/Kolkata'))).toBe('2024-06-01T02:30:00.000Z');
  });

  it('refuses a date that does not exist (30 February)', () => {
    expect(() => localToUtc('2024-02-30T08:00', 'Europe/Berlin')).toThrow(InvalidInput);
  });
});

describe('nextRepeat', () => {
  it('finds the next Sunday 08:00 in Berlin after the clocks went forward, in summer time', () => {
    expect(iso(nextRepeat([0], '08:00', 'Europe/Berlin', Date.parse('2024-03-30T12:00:00Z')))).toBe('2024-03-31T06:00:00.000Z');
  });

  it('takes the first of a doubled 02:30, and the next week once that has passed', () => {
    expect(iso(nextRepeat([0], '02:30', 'Europe/Berlin', Date.parse('2024-10-26T12:00:00Z')))).toBe('2024-10-27T00:30:00.000Z');
    expect(iso(nextRepeat([0], '02:30', 'Europe/Berlin', Date.parse('2024-10-27T00:30:00Z')))).toBe('2024-11-03T01:30:00.000Z');
  });

  it('is strictly after now, on a half-hour zone', () => {
    const now = Date.parse('2024-06-02T02:30:00Z'); // Sunday 08:00 in Kolkata
    expect(iso(nextRepeat([0], '08:00', 'Asia/Kolkata', now))).toBe('2024-06-09T02:30:00.000Z');
  });
});
