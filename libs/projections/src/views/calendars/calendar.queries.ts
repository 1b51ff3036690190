import type pg from 'pg';
import { toCalendar, versionKey, type BusinessCalendarView, type CalendarRow } from './calendar.rows.js';

/** What the calendars view answers. */
export interface CalendarReads {
  /** Every calendar at its latest version, by id. */
  businessCalendars(): Promise<BusinessCalendarView[]>;
  /** One version of a calendar (a promise's clock follows the version it was made with). */
  businessCalendar(id: string, version: number): Promise<BusinessCalendarView | null>;
}

export class CalendarQueries implements CalendarReads {
  constructor(private readonly pool: pg.Pool) {}

  async businessCalendars(): Promise<BusinessCalendarView[]> {
    const { rows } = await this.pool.query<CalendarRow>('select distinct on (id) * from rm_business_calendars order by id, version desc');
    return rows.map(toCalendar);
  }

  async businessCalendar(id: string, version: number): Promise<BusinessCalendarView | null> {
    const { rows } = await this.pool.query<CalendarRow>('select * from rm_business_calendars where version_key = $1', [versionKey(id, version)]);
    return rows[0] ? toCalendar(rows[0]) : null;
  }
}
