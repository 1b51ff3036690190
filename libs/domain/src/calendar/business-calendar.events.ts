import type { Weekday } from '../shared/enums.js';

/** One opening interval of a weekday, local wall time: "09:00" to "17:30" ("24:00" closes at midnight). */
export interface OpeningHours {
  day: Weekday;
  opens: string;
  closes: string;
}

/** When the clock of a promise runs: opening hours per weekday in a time zone, minus holidays. */
export interface CalendarRules {
  /** IANA time zone, canonical spelling (e.g. "Europe/Berlin"). */
  timeZone: string;
  /** Sorted by day (Monday first), then by opening time; intervals of a day never overlap. */
  hours: OpeningHours[];
  /** Local dates "YYYY-MM-DD" on which the clock stops all day, sorted, without repeats. */
  holidays: string[];
}

/** A calendar was created or changed: the whole definition, so each version stands alone. */
export interface BusinessCalendarSet {
  type: 'BusinessCalendarSet';
  data: CalendarRules & { calendarId: string; name: string; setAt: string };
}

export type BusinessCalendarEvent = BusinessCalendarSet;
