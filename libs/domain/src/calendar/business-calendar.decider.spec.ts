import { describe, expect, it } from '@jest/globals';
import { spec, stateAfter } from '../shared/decider.spec-helpers.js';
import { businessCalendarDecider } from './business-calendar.decider.js';
import type { BusinessCalendarCommand } from './business-calendar.commands.js';
import type { BusinessCalendarEvent } from './business-calendar.events.js';

const given = spec(businessCalendarDecider);
const now = new Date('2026-11-01T00:00:00Z');
const weekdays = (['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const).flatMap((day) => [
  { day, opens: '09:00', closes: '12:30' },
  { day, opens: '13:30', closes: '17:00' },
]);
const set = (over: Record<string, unknown> = {}) =>
  ({ type: 'SetBusinessCalendar', calendarId: 'berlin', name: 'Berlin support', timeZone: 'Europe/Berlin', hours: weekdays, holidays: ['2026-12-25', '2026-12-24'], now, ...over }) as BusinessCalendarCommand;
const setEvent: BusinessCalendarEvent = {
  type: 'BusinessCalendarSet',
  data: { calendarId: 'berlin', name: 'Berlin support', timeZone: 'Europe/Berlin', hours: weekdays, holidays: ['2026-12-24', '2026-12-25'], setAt: '2026-11-01T00:00:00.000Z' },
};

describe('business calendar decider', () => {
  it('sets a calendar, holidays sorted', () => given([]).when(set()).then([setEvent]));

  it('stores hours sorted by day then time, and the zone in its canonical spelling', () =>
    given([]).when(set({ hours: [...weekdays].reverse(), timeZone: 'europe/berlin' })).then([setEvent]));

  it('changing it is a new version; the same definition again is none', () => {
    given([setEvent]).when(set()).then([]);
    const changed = { ...setEvent, data: { ...setEvent.data, holidays: ['2026-12-24', '2026-12-25', '2026-12-31'] } };
    given([setEvent]).when(set({ holidays: ['2026-12-31', '2026-12-24', '2026-12-25'] })).then([changed]);
    expect(stateAfter(businessCalendarDecider, [setEvent, changed])).toMatchObject({ status: 'SET', version: 1 });
  });

  it('accepts 24:00 as a closing time and several intervals a day', () =>
    given([]).when(set({ hours: [{ day: 'SATURDAY', opens: '00:00', closes: '06:00' }, { day: 'SATURDAY', opens: '22:00', closes: '24:00' }] })).then([
      { ...setEvent, data: { ...setEvent.data, hours: [{ day: 'SATURDAY', opens: '00:00', closes: '06:00' }, { day: 'SATURDAY', opens: '22:00', closes: '24:00' }] } },
    ]));

  it.each([
    [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ timeZone: '' }, 'timeZone'],
    [{ timeZone: '+01:00' }, 'timeZone'],
    [{ hours: [] }, 'hours'],
    [{ hours: [{ day: 'MONDAY', opens: '17:00', closes: '09:00' }] }, 'hours[0].closes'],
    [{ hours: [{ day: 'MONDAY', opens: '09:00', closes: '09:00' }] }, 'hours[0].closes'],
    [{ hours: [{ day: 'MONDAY', opens: '24:00', closes: '24:00' }] }, 'hours[0].opens'],
    [{ hours: [{ day: 'MONDAY', opens: '09:00', closes: '24:30' }] }, 'hours[0].closes'],
    [{ hours: [{ day: 'MONDAY', opens: '9:00', closes: '17:00' }] }, 'hours[0].opens'],
    [{ hours: [{ day: 'MONDAY', opens: '09:00', closes: '12:00' }, { day: 'MONDAY', opens: '11:00', closes: '17:00' }] }, 'hours[1]'],
    [{ hours: [{ day: 'FUNDAY', opens: '09:00', closes: '12:00' }] }, 'hours[0].day'],
    [{ holidays: ['2026-02-30'] }, 'holidays[0]'],
    [{ holidays: ['2026-12-24', '24.12.2026'] }, 'holidays[1]'],
    [{ name: ' ' }, 'name'],
    [{ calendarId: '' }, 'id'],
  ])('refuses %p naming the field', (over, field) => given([]).when(set(over)).thenRefused('BAD_USER_INPUT', field));
});
