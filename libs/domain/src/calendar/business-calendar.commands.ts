import type { OpeningHours } from './business-calendar.events.js';

export interface SetBusinessCalendar {
  type: 'SetBusinessCalendar';
  calendarId: string;
  name: string;
  timeZone: string;
  hours: OpeningHours[];
  holidays?: string[];
  now: Date;
}

export type BusinessCalendarCommand = SetBusinessCalendar;
