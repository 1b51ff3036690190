import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import type { Viewer } from '../session/viewer.query.js';
import { apiProblem, isStale } from '../shared/api-errors.js';
import { humanize } from '../shared/labels.js';
import { LabelledField } from '../shared/labelled-field.js';
import { BusinessCalendars, SetBusinessCalendar, WEEKDAYS, type BusinessCalendar, type OpeningHours, type Weekday } from './calendars.query.js';
import { hoursText, parseHours } from './opening-hours.text.js';
import './calendars.css';

// setBusinessCalendar: FINANCE and ADMIN (product.md, roles for the operations added in 2026-12).
const SETTING_ROLES = ['FINANCE', 'ADMIN'];

export default function CalendarsScreen({ viewer }: { viewer: Viewer }) {
  const [result, reexecute] = useQuery({ query: BusinessCalendars, variables: {} });
  const [editing, setEditing] = useState<BusinessCalendar | null>(null);
  const canSet = SETTING_ROLES.includes(viewer.role);
  const problem = apiProblem(result.error);
  return (
    <section aria-labelledby="calendars-title">
      <h1 id="calendars-title">Calendars</h1>
      <p className="hint">A promise that follows a calendar counts only its open hours. Changing a calendar never moves the due date of a promise already made.</p>
      {problem && <p className="field-error">{problem.message}</p>}
      <table>
        <caption className="visually-hidden">Business calendars</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Time zone</th>
            <th scope="col">Opening hours</th>
            <th scope="col">Holidays</th>
            <th scope="col" className="number">
              Version
            </th>
            {canSet && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {result.data?.businessCalendars.map((calendar) => (
            <tr key={calendar.id}>
              <td>
                {calendar.name}
                <div className="secondary-text">{calendar.id}</div>
              </td>
              <td>{calendar.timeZone}</td>
              <td>
                <ul className="week">
                  {WEEKDAYS.map((day) => (
                    <li key={day}>
                      <span className="day">{humanize(day).slice(0, 3)}</span> {hoursText(calendar.hours, day) || 'closed'}
                    </li>
                  ))}
                </ul>
              </td>
              <td>{calendar.holidays.length ? calendar.holidays.join(', ') : '—'}</td>
              <td className="number">{calendar.version}</td>
              {canSet && (
                <td>
                  <button type="button" className="secondary" aria-label={`Edit ${calendar.name}`} onClick={() => setEditing(calendar)}>
                    Edit
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {result.data?.businessCalendars.length === 0 && <p>No calendars yet: promises' clocks run around the clock.</p>}
      {canSet && (
        <CalendarForm
          key={editing ? `${editing.id}-${editing.version}` : 'new'}
          calendar={editing}
          onSaved={() => {
            setEditing(null);
            reexecute({ requestPolicy: 'network-only' });
          }}
          onCancel={() => setEditing(null)}
        />
      )}
    </section>
  );
}

const EMPTY_WEEK: Record<Weekday, string> = { MONDAY: '09:00–17:00', TUESDAY: '09:00–17:00', WEDNESDAY: '09:00–17:00', THURSDAY: '09:00–17:00', FRIDAY: '09:00–17:00', SATURDAY: '', SUNDAY: '' };

function CalendarForm({ calendar, onSaved, onCancel }: { calendar: BusinessCalendar | null; onSaved: () => void; onCancel: () => void }) {
  const zones = useMemo(() => (typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []), []);
  const [id, setId] = useState(calendar?.id ?? '');
  const [name, setName] = useState(calendar?.name ?? '');
  const [timeZone, setTimeZone] = useState(calendar?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
  const [week, setWeek] = useState<Record<Weekday, string>>(() =>
    calendar ? (Object.fromEntries(WEEKDAYS.map((day) => [day, hoursText(calendar.hours, day)])) as Record<Weekday, string>) : EMPTY_WEEK,
  );
  const [holidays, setHolidays] = useState(calendar?.holidays.join(', ') ?? '');
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [result, save] = useMutation(SetBusinessCalendar);
  const problem = apiProblem(result.error);
  const fieldError = (field: string) => localErrors[field] ?? problem?.fields[field];

  async function submit(event: FormEvent) {
    event.preventDefault();
    const errors: Record<string, string> = {};
    const hours: OpeningHours[] = [];
    for (const day of WEEKDAYS) {
      const parsed = parseHours(week[day], day);
      if (typeof parsed === 'string') errors[day] = parsed;
      else hours.push(...parsed);
    }
    setLocalErrors(errors);
    if (Object.keys(errors).length) return;
    const input = {
      id: id.trim(),
      name: name.trim(),
      timeZone: timeZone.trim(),
      hours,
      holidays: holidays.split(/[\s,]+/).filter(Boolean),
      ...(calendar ? { expectedVersion: calendar.version } : {}),
    };
    if ((await save({ input })).data) onSaved();
  }

  return (
    <section aria-labelledby="calendar-form-title" className="panel calendar-form">
      <h2 id="calendar-form-title">{calendar ? `Edit ${calendar.name}` : 'New calendar'}</h2>
      <form onSubmit={submit} noValidate>
        <div className="field-row">
          <LabelledField label="Calendar id" error={fieldError('id')}>
            {(control) => <input {...control} value={id} onChange={(e) => setId(e.target.value)} readOnly={Boolean(calendar)} placeholder="support-berlin" />}
          </LabelledField>
          <LabelledField label="Name" error={fieldError('name')}>
            {(control) => <input {...control} value={name} onChange={(e) => setName(e.target.value)} placeholder="Support desk Berlin" />}
          </LabelledField>
          <LabelledField label="Time zone" error={fieldError('timeZone')} hint="IANA, e.g. Europe/Berlin">
            {(control) => <input {...control} list="time-zones" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} />}
          </LabelledField>
          <datalist id="time-zones">
            {zones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </div>
        <fieldset className="week-hours">
          <legend>Opening hours (local time; several intervals: 09:00–12:00, 13:00–17:30; empty: closed)</legend>
          {WEEKDAYS.map((day) => (
            <LabelledField key={day} label={humanize(day)} error={fieldError(day) ?? (day === WEEKDAYS[0] ? problem?.fields.hours : undefined)}>
              {(control) => <input {...control} value={week[day]} onChange={(e) => setWeek({ ...week, [day]: e.target.value })} />}
            </LabelledField>
          ))}
        </fieldset>
        <LabelledField label="Holidays" error={fieldError('holidays')} hint="Local dates, YYYY-MM-DD, separated by commas: the clock stops all day.">
          {(control) => <input {...control} value={holidays} onChange={(e) => setHolidays(e.target.value)} placeholder="2026-12-24, 2026-12-25" />}
        </LabelledField>
        {problem && (isStale(problem) ? <p className="notice">Someone else changed this calendar: reload it and apply your change again.</p> : Object.keys(problem.fields).length === 0 && <p className="field-error">{problem.message}</p>)}
        <div className="dialog-buttons">
          {calendar && (
            <button type="button" className="secondary" onClick={onCancel}>
              Cancel
            </button>
          )}
          <button type="submit" disabled={result.fetching}>
            Save calendar
          </button>
        </div>
      </form>
    </section>
  );
}
