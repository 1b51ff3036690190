import { describe, expect, it } from '@jest/globals';
import type { CalendarRules, OpeningHours, Weekday } from '#libs/domain';
import { BusinessTime } from './business-time.js';

const HOUR = 3_600_000;
const days = (list: Weekday[], opens: string, closes: string): OpeningHours[] => list.map((day) => ({ day, opens, closes }));
const WEEK: Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'];
const EVERY_DAY: Weekday[] = [...WEEK, 'SATURDAY', 'SUNDAY'];
const add = (rules: CalendarRules, from: string, hours: number) => new BusinessTime(rules).add(new Date(from), hours * HOUR).toISOString();

const berlinOffice: CalendarRules = { timeZone: 'Europe/Berlin', hours: days(WEEK, '09:00', '17:00'), holidays: [] };

describe('business time: worked examples', () => {
  it('4 business hours from Friday 16:00 in Berlin is Monday 12:00 (1 h on Friday, 3 h on Monday)', () =>
    // Friday 4 December 2026 16:00 CET = 15:00Z → Monday 7 December 12:00 CET = 11:00Z.
    expect(add(berlinOffice, '2026-12-04T15:00:00Z', 4)).toBe('2026-12-07T11:00:00.000Z'));

  it('skips a holiday Monday', () =>
    expect(add({ ...berlinOffice, holidays: ['2026-12-07'] }, '2026-12-04T15:00:00Z', 4)).toBe('2026-12-08T11:00:00.000Z'));

  it('skips the lunch break of a split shift', () => {
    const split: CalendarRules = { timeZone: 'Europe/Berlin', hours: [...days(WEEK, '09:00', '12:30'), ...days(WEEK, '13:30', '17:00')], holidays: [] };
    // Monday 11:00 CET + 3 h: 1.5 h to 12:30, 1.5 h from 13:30 → 15:00 CET = 14:00Z.
    expect(add(split, '2026-12-07T10:00:00Z', 3)).toBe('2026-12-07T14:00:00.000Z');
  });

  it('ends at the end of an interval when the hours run out exactly there', () =>
    expect(add(berlinOffice, '2026-12-07T08:00:00Z', 8)).toBe('2026-12-07T16:00:00.000Z'));

  it('from a closed moment starts counting at the next opening', () =>
    expect(add(berlinOffice, '2026-12-05T10:00:00Z', 1)).toBe('2026-12-07T09:00:00.000Z'));

  describe('Europe/Berlin daylight-saving changes', () => {
    const night: CalendarRules = { timeZone: 'Europe/Berlin', hours: days(EVERY_DAY, '01:00', '05:00'), holidays: [] };

    it('spring (28 March 2027, 02:00 → 03:00): the night shift 01:00-05:00 lasts 3 h', () => {
      // 01:00 CET = 00:00Z; 05:00 CEST = 03:00Z. 4 h: 3 h that night, 1 h the next (01:00 CEST = 23:00Z) → 00:00Z.
      expect(new BusinessTime(night).between(new Date('2027-03-28T00:00:00Z'), new Date('2027-03-28T04:00:00Z'))).toBe(3 * HOUR);
      expect(add(night, '2027-03-28T00:00:00Z', 4)).toBe('2027-03-29T00:00:00.000Z');
    });

    it('autumn (25 October 2026, 03:00 → 02:00): the night shift 01:00-05:00 lasts 5 h', () => {
      // 01:00 CEST = 23:00Z on the 24th; 05:00 CET = 04:00Z.
      expect(add(night, '2026-10-24T23:00:00Z', 5)).toBe('2026-10-25T04:00:00.000Z');
      expect(add(night, '2026-10-24T23:00:00Z', 5.5)).toBe('2026-10-26T00:30:00.000Z');
    });

    it('office hours across the spring weekend keep their local times', () =>
      // Friday 26 March 2027 16:00 CET (15:00Z) + 2 h → Monday 29 March 10:00 CEST = 08:00Z.
      expect(add(berlinOffice, '2027-03-26T15:00:00Z', 2)).toBe('2027-03-29T08:00:00.000Z'));
  });

  describe('America/New_York daylight-saving changes', () => {
    const newYork: CalendarRules = { timeZone: 'America/New_York', hours: days(WEEK, '09:00', '17:00'), holidays: [] };

    it('spring (14 March 2027): Friday 16:00 EST + 2 h is Monday 10:00 EDT', () =>
      expect(add(newYork, '2027-03-12T21:00:00Z', 2)).toBe('2027-03-15T14:00:00.000Z'));

    it('autumn (1 November 2026): Friday 16:00 EDT + 2 h is Monday 10:00 EST', () =>
      expect(add(newYork, '2026-10-30T20:00:00Z', 2)).toBe('2026-11-02T15:00:00.000Z'));

    it('a Sunday open around the clock has 23 h in spring and 25 h in autumn', () => {
      const sundays: CalendarRules = { timeZone: 'America/New_York', hours: days(['SUNDAY'], '00:00', '24:00'), holidays: [] };
      const time = new BusinessTime(sundays);
      expect(time.between(new Date('2027-03-13T00:00:00Z'), new Date('2027-03-16T00:00:00Z'))).toBe(23 * HOUR);
      expect(time.between(new Date('2026-10-31T00:00:00Z'), new Date('2026-11-03T00:00:00Z'))).toBe(25 * HOUR);
    });
  });
});
