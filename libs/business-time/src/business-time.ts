import { Temporal } from 'temporal-polyfill';
import { DomainError, WEEKDAYS, type CalendarRef, type CalendarRules, type PromiseClock } from '#libs/domain';

/**
 * The longest span of calendar days counted (10 years): a promise's clock in business time spans
 * at most this, which bounds the work of every count (one zone conversion per day and interval).
 */
export const MAX_SPAN_DAYS = 3_660;
const CACHED_DAYS = 4_000;

type Interval = readonly [start: number, end: number];

/**
 * Clock time on a business calendar: its open intervals as instants, counted in real elapsed time.
 * Opening hours are local wall times in the calendar's zone, turned into instants per date with
 * Temporal's `compatible` disambiguation: an opening time skipped by a spring-forward change opens
 * at the first instant after the gap, a repeated one (autumn) at its first occurrence. So an
 * interval across a change lasts the hours that really pass (02:00-04:00 is 1 h in spring, 3 h in
 * autumn), and one inside a skipped hour has none.
 */
export class BusinessTime {
  private readonly byDay: { opens: Temporal.PlainTime; closes: Temporal.PlainTime | 'MIDNIGHT' }[][];
  private readonly holidays: ReadonlySet<string>;
  private readonly intervals = new Map<string, Interval[]>();

  constructor(readonly rules: CalendarRules) {
    this.byDay = WEEKDAYS.map((day) =>
      rules.hours
        .filter((h) => h.day === day)
        .map((h) => ({ opens: Temporal.PlainTime.from(h.opens), closes: h.closes === '24:00' ? ('MIDNIGHT' as const) : Temporal.PlainTime.from(h.closes) })),
    );
    this.holidays = new Set(rules.holidays);
  }

  /** The open intervals of a local date, as epoch milliseconds, in order. */
  intervalsOn(date: Temporal.PlainDate): Interval[] {
    const key = date.toString();
    const cached = this.intervals.get(key);
    if (cached) return cached;
    const timeZone = this.rules.timeZone;
    const open: Interval[] = this.holidays.has(key)
      ? []
      : this.byDay[date.dayOfWeek - 1]!.flatMap(({ opens, closes }) => {
          const start = date.toZonedDateTime({ timeZone, plainTime: opens }).epochMilliseconds;
          const end = (closes === 'MIDNIGHT' ? date.add({ days: 1 }).toZonedDateTime({ timeZone }) : date.toZonedDateTime({ timeZone, plainTime: closes })).epochMilliseconds;
          return end > start ? [[start, end] as const] : [];
        });
    if (this.intervals.size >= CACHED_DAYS) this.intervals.clear();
    this.intervals.set(key, open);
    return open;
  }

  /** The local date an instant falls on. */
  dateOf(instant: number): Temporal.PlainDate {
    return Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(this.rules.timeZone).toPlainDate();
  }

  /**
   * The moment `ms` of open time after `from`: inside an open interval, or at the end of one when
   * the time runs out exactly there. `from` itself for 0.
   * @throws DomainError BAD_USER_INPUT when the time does not run out within 10 years.
   */
  add(from: Date, ms: number): Date {
    if (!(ms > 0)) return from;
    let left = ms;
    const cursor = from.getTime();
    let date = this.dateOf(cursor);
    for (let day = 0; day < MAX_SPAN_DAYS; day++, date = date.add({ days: 1 })) {
      for (const [start, end] of this.intervalsOn(date)) {
        if (end <= cursor) continue;
        const begin = Math.max(start, cursor);
        if (left <= end - begin) return new Date(begin + left);
        left -= end - begin;
      }
    }
    throw new DomainError('BAD_USER_INPUT', 'dueInBusinessHours: the calendar has too few open hours within 10 years to count them', {
      dueInBusinessHours: 'the calendar has too few open hours within 10 years to count them',
    });
  }

  /**
   * Open time from `from` to `to`, in ms (0 when `to` is not after `from`).
   * @throws DomainError BAD_USER_INPUT (dueBy) when they are more than 10 years apart.
   */
  between(from: Date, to: Date): number {
    const [a, b] = [from.getTime(), to.getTime()];
    if (!(b > a)) return 0;
    if (b - a > MAX_SPAN_DAYS * 86_400_000) {
      throw new DomainError('BAD_USER_INPUT', 'dueBy: a clock on a business calendar spans at most 10 years', { dueBy: 'a clock on a business calendar spans at most 10 years' });
    }
    let total = 0;
    const last = this.dateOf(b);
    for (let date = this.dateOf(a); Temporal.PlainDate.compare(date, last) <= 0; date = date.add({ days: 1 })) {
      for (const [start, end] of this.intervalsOn(date)) total += Math.max(0, Math.min(end, b) - Math.max(start, a));
    }
    return total;
  }

  /** Whether an instant is inside an open interval (its start included, its end excluded). */
  isOpen(at: Date): boolean {
    const t = at.getTime();
    return this.intervalsOn(this.dateOf(t)).some(([start, end]) => t >= start && t < end);
  }
}

/** A promise's clock on a calendar version, with the risk thresholds of the configuration. */
export function calendarClock(
  calendar: CalendarRef,
  rules: CalendarRules,
  risk: { riskThresholds: readonly [number, number]; atRiskWindowMs: number },
): PromiseClock {
  const time = new BusinessTime(rules);
  return {
    calendar,
    add: (from, ms) => time.add(from, ms),
    between: (from, to) => time.between(from, to),
    riskThresholds: risk.riskThresholds,
    atRiskWindowMs: risk.atRiskWindowMs,
  };
}
