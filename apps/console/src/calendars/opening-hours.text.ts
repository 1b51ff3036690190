import type { OpeningHours, Weekday } from './calendars.query.js';

/** "09:00–12:00, 13:00–17:30": a day's intervals as people type them. */
export const hoursText = (hours: OpeningHours[], day: Weekday): string =>
  hours
    .filter((interval) => interval.day === day)
    .map((interval) => `${interval.opens}–${interval.closes}`)
    .join(', ');

/** The intervals of one day's text, or the reason it cannot be read. */
export function parseHours(text: string, day: Weekday): OpeningHours[] | string {
  const parts = text.split(',').map((part) => part.trim()).filter(Boolean);
  const intervals: OpeningHours[] = [];
  for (const part of parts) {
    const match = /^(\d{1,2}:\d{2})\s*[-–—]\s*(\d{1,2}:\d{2})$/.exec(part);
    if (!match) return `“${part}” is not an interval like 09:00–17:30`;
    const pad = (time: string) => time.padStart(5, '0');
    intervals.push({ day, opens: pad(match[1]!), closes: pad(match[2]!) });
  }
  return intervals;
}
