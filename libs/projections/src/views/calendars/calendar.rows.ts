import type { CalendarRules, OpeningHours } from '#libs/domain';

/** A row of rm_business_calendars: one version of one calendar. */
export type CalendarRow<Time = Date> = {
  version_key: string;
  id: string;
  version: number;
  name: string;
  time_zone: string;
  hours: OpeningHours[];
  holidays: string[];
  set_at: Time;
};

export interface BusinessCalendarView extends CalendarRules {
  id: string;
  name: string;
  version: number;
  setAt: Date;
}

export const versionKey = (id: string, version: number): string => `${id}@${version}`;

export const toCalendar = (r: CalendarRow): BusinessCalendarView => ({
  id: r.id, name: r.name, version: r.version, timeZone: r.time_zone, hours: r.hours, holidays: r.holidays, setAt: r.set_at,
});
