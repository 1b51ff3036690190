import type { Decider } from '../shared/decider.js';
import { skipUnknownEvent, unreachable } from '../shared/decider.js';
import { badInput } from '../shared/domain-error.js';
import { WEEKDAYS } from '../shared/enums.js';
import { identifier, iso, text } from '../shared/validation.js';
import type { BusinessCalendarCommand, SetBusinessCalendar } from './business-calendar.commands.js';
import type { BusinessCalendarEvent, CalendarRules, OpeningHours } from './business-calendar.events.js';

export type BusinessCalendarState =
  | { status: 'NONE' }
  | (CalendarRules & { status: 'SET'; calendarId: string; name: string; setAt: string; version: number });

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_INTERVALS = 70;
const MAX_HOLIDAYS = 2_000;

const minutes = (time: string) => (time === '24:00' ? 24 * 60 : Number(time.slice(0, 2)) * 60 + Number(time.slice(3)));

/**
 * The zone's canonical IANA name, or undefined when the runtime's time-zone database does not know
 * it. `Intl` is the language runtime (no package): the same database the zone arithmetic uses.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function validHours(hours: readonly OpeningHours[]): OpeningHours[] {
  if (!Array.isArray(hours)) throw badInput('hours', 'must be a list of opening hours');
  if (hours.length > MAX_INTERVALS) throw badInput('hours', `must have at most ${MAX_INTERVALS} intervals`);
  const checked = hours.map((h, i) => {
    if (!WEEKDAYS.includes(h?.day)) throw badInput(`hours[${i}].day`, `must be one of ${WEEKDAYS.join(', ')}`);
    if (typeof h.opens !== 'string' || !TIME.test(h.opens)) throw badInput(`hours[${i}].opens`, 'must be a local time "HH:MM" from 00:00 to 23:59');
    if (typeof h.closes !== 'string' || !(TIME.test(h.closes) || h.closes === '24:00')) {
      throw badInput(`hours[${i}].closes`, 'must be a local time "HH:MM" from 00:01 to 24:00 (24:00 closes at midnight)');
    }
    if (minutes(h.closes) <= minutes(h.opens)) {
      throw badInput(`hours[${i}].closes`, `must be after opens (${h.opens}); an interval across midnight is two intervals, to 24:00 and from 00:00`);
    }
    return { day: h.day, opens: h.opens, closes: h.closes, index: i };
  });
  if (checked.length === 0) throw badInput('hours', 'the week must have open hours');
  checked.sort((a, b) => WEEKDAYS.indexOf(a.day) - WEEKDAYS.indexOf(b.day) || minutes(a.opens) - minutes(b.opens));
  for (let i = 1; i < checked.length; i++) {
    const previous = checked[i - 1]!;
    const current = checked[i]!;
    if (previous.day === current.day && minutes(current.opens) < minutes(previous.closes)) {
      throw badInput(`hours[${current.index}]`, `overlaps ${previous.day} ${previous.opens}-${previous.closes}`);
    }
  }
  return checked.map(({ day, opens, closes }) => ({ day, opens, closes }));
}

function validHolidays(holidays: readonly string[] | undefined): string[] {
  if (holidays === undefined || holidays === null) return [];
  if (!Array.isArray(holidays)) throw badInput('holidays', 'must be a list of local dates "YYYY-MM-DD"');
  if (holidays.length > MAX_HOLIDAYS) throw badInput('holidays', `must have at most ${MAX_HOLIDAYS} dates`);
  holidays.forEach((date, i) => {
    const parts = typeof date === 'string' ? DATE.exec(date) : null;
    const [year, month, day] = parts ? [Number(parts[1]), Number(parts[2]), Number(parts[3])] : [0, 0, 0];
    const real = new Date(Date.UTC(2000, month - 1, day));
    real.setUTCFullYear(year);
    if (!parts || year < 1 || real.getUTCMonth() !== month - 1 || real.getUTCDate() !== day) {
      throw badInput(`holidays[${i}]`, 'must be a real local date "YYYY-MM-DD" (year 0001 or later)');
    }
  });
  return [...new Set(holidays)].sort();
}

/** The calendar's rules, checked and in their one stored form (sorted, canonical zone). */
export function validCalendarRules(input: { timeZone: string; hours: readonly OpeningHours[]; holidays?: readonly string[] }): CalendarRules {
  const timeZone = canonicalTimeZone(input.timeZone);
  if (!timeZone) throw badInput('timeZone', `${JSON.stringify(String(input.timeZone)).slice(0, 80)} is not an IANA time zone (e.g. "Europe/Berlin")`);
  return { timeZone, hours: validHours(input.hours), holidays: validHolidays(input.holidays) };
}

const sameRules = (a: CalendarRules & { name: string }, b: CalendarRules & { name: string }) => JSON.stringify([a.name, a.timeZone, a.hours, a.holidays]) === JSON.stringify([b.name, b.timeZone, b.hours, b.holidays]);

function set(c: SetBusinessCalendar, state: BusinessCalendarState): BusinessCalendarEvent[] {
  const calendarId = identifier('id', c.calendarId);
  const name = text('name', c.name, 200);
  const rules = validCalendarRules(c);
  // Setting what is already there changes nothing: no new version.
  if (state.status === 'SET' && sameRules(state, { name, ...rules })) return [];
  return [{ type: 'BusinessCalendarSet', data: { calendarId, name, ...rules, setAt: iso(c.now) } }];
}

export const businessCalendarDecider: Decider<BusinessCalendarCommand, BusinessCalendarState, BusinessCalendarEvent> = {
  initialState: () => ({ status: 'NONE' }),
  decide(command, state) {
    switch (command.type) {
      case 'SetBusinessCalendar':
        return set(command, state);
      default:
        return unreachable(command.type);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'BusinessCalendarSet': {
        const { calendarId, name, timeZone, hours, holidays, setAt } = event.data;
        return { status: 'SET', calendarId, name, timeZone, hours, holidays, setAt, version: state.status === 'SET' ? state.version + 1 : 0 };
      }
      default:
        return skipUnknownEvent(event.type, state);
    }
  },
};
