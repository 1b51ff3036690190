import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { WEEKDAYS, type CalendarRules, type OpeningHours } from '#libs/domain';
import { BusinessTime } from './business-time.js';

const HOUR = 3_600_000;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'America/Sao_Paulo', 'Asia/Kolkata', 'Europe/London', 'Pacific/Chatham', 'UTC'];
/** The same zone under two names (a link and its target). */
const ALIASES: [string, string][] = [
  ['America/New_York', 'US/Eastern'],
  ['Asia/Kolkata', 'Asia/Calcutta'],
  ['Asia/Ho_Chi_Minh', 'Asia/Saigon'],
  ['Europe/London', 'GB'],
];
const hhmm = (minutes: number) => (minutes === 1_440 ? '24:00' : `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`);

/** A week of opening hours: per day, sorted cut points on a 15-minute grid taken in pairs (split shifts, 24:00 included). */
const hoursArb = (minuteFrom = 0, minuteTo = 1_440): fc.Arbitrary<OpeningHours[]> =>
  fc
    .tuple(...WEEKDAYS.map(() => fc.uniqueArray(fc.integer({ min: minuteFrom / 15, max: minuteTo / 15 }), { maxLength: 6 })))
    .map((days) =>
      days.flatMap((cuts, i) => {
        const sorted = cuts.map((c) => c * 15).sort((a, b) => a - b);
        const out: OpeningHours[] = [];
        for (let k = 0; k + 1 < sorted.length; k += 2) out.push({ day: WEEKDAYS[i]!, opens: hhmm(sorted[k]!), closes: hhmm(sorted[k + 1]!) });
        return out;
      }),
    )
    .filter((hours) => hours.length > 0);
const holidaysArb = fc.uniqueArray(fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), { maxLength: 40 });
const rulesArb: fc.Arbitrary<CalendarRules> = fc.record({ timeZone: fc.constantFrom(...ZONES), hours: hoursArb(), holidays: holidaysArb });
const startArb = fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true });
/** Business time to add: up to 300 h, to the minute or the millisecond. */
const amountArb = fc.oneof(fc.integer({ min: 1, max: 300 }).map((h) => h * HOUR), fc.integer({ min: 1, max: 300 * 60 }).map((m) => m * 60_000), fc.integer({ min: 1, max: 300 * HOUR }));

describe('business time on a calendar (properties)', () => {
  it('the due moment falls inside open hours, or at the end of an interval, and exactly that much open time after the start', () => {
    fc.assert(
      fc.property(rulesArb, startArb, amountArb, (rules, from, ms) => {
        const time = new BusinessTime(rules);
        const due = time.add(from, ms);
        expect(due.getTime()).toBeGreaterThan(from.getTime());
        expect(time.isOpen(due) || time.isOpen(new Date(due.getTime() - 1))).toBe(true);
        expect(time.between(from, due)).toBe(ms);
      }),
      { numRuns: 300 },
    );
  });

  it('adding h1 then h2 is adding h1 + h2', () => {
    fc.assert(
      fc.property(rulesArb, startArb, amountArb, amountArb, (rules, from, h1, h2) => {
        const time = new BusinessTime(rules);
        expect(time.add(time.add(from, h1), h2)).toEqual(time.add(from, h1 + h2));
      }),
      { numRuns: 300 },
    );
  });

  it('never moves earlier when the hours grow', () => {
    fc.assert(
      fc.property(rulesArb, startArb, amountArb, amountArb, (rules, from, a, b) => {
        const time = new BusinessTime(rules);
        const [less, more] = a <= b ? [a, b] : [b, a];
        expect(time.add(from, less).getTime()).toBeLessThanOrEqual(time.add(from, more).getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('is the same under any name of the zone', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALIASES), hoursArb(), holidaysArb, startArb, amountArb, ([zone, alias], hours, holidays, from, ms) => {
        const canonical = new BusinessTime({ timeZone: zone, hours, holidays });
        const linked = new BusinessTime({ timeZone: alias, hours, holidays });
        expect(linked.add(from, ms)).toEqual(canonical.add(from, ms));
        expect(linked.between(from, canonical.add(from, ms))).toBe(ms);
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same local result in any year, in summer time and in winter time', () => {
    // Hours away from the changes (05:00-23:00) and a span of at most two weeks in January or
    // July, when no zone here changes its offset: the wall-clock answer cannot depend on the year.
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        hoursArb(5 * 60, 23 * 60),
        fc.integer({ min: 1990, max: 2060 }),
        fc.integer({ min: 1990, max: 2060 }),
        fc.integer({ min: 0, max: 7 * 24 * 4 - 1 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (timeZone, hours, year1, year2, quarterHours, share) => {
          const time = new BusinessTime({ timeZone, hours, holidays: [] });
          const weekly = hours.reduce((sum, h) => sum + (Number(h.closes.slice(0, 2)) * 60 + Number(h.closes.slice(3)) - Number(h.opens.slice(0, 2)) * 60 - Number(h.opens.slice(3))), 0) * 60_000;
          const ms = Math.max(60_000, Math.floor((weekly * share) / 60_000) * 60_000);
          const localAnswer = (year: number, month: number) => {
            // The first Monday on or after the 3rd of the month, plus a quarter-hour offset into its week.
            let date = Temporal.PlainDate.from({ year, month, day: 3 });
            date = date.add({ days: (8 - date.dayOfWeek) % 7 });
            const start = date.toPlainDateTime({ hour: 0 }).add({ minutes: quarterHours * 15 });
            const from = new Date(start.toZonedDateTime(timeZone).epochMilliseconds);
            const due = Temporal.Instant.fromEpochMilliseconds(time.add(from, ms).getTime()).toZonedDateTimeISO(timeZone).toPlainDateTime();
            return start.until(due, { largestUnit: 'hours' }).toString();
          };
          expect(localAnswer(year1, 1)).toBe(localAnswer(year2, 7));
        },
      ),
      { numRuns: 200 },
    );
  });
});
