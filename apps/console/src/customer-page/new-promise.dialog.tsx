import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { BusinessCalendars } from '../calendars/calendars.query.js';
import { apiProblem, type ApiProblem } from '../shared/api-errors.js';
import { browserTimeZone, fromLocalInput } from '../shared/format.js';
import { humanize } from '../shared/labels.js';
import { MakePromise, PROMISE_KINDS, type PromiseKind } from './customer-page.query.js';
import { ActionDialog } from '../shared/action-dialog.js';
import { LabelledField } from '../shared/labelled-field.js';

/** Records a promise made on a call: kind, what was promised, and by when. */
export function NewPromiseDialog({ customerId, onDone, onClose }: { customerId: string; onDone: () => void; onClose: () => void }) {
  const [kind, setKind] = useState<PromiseKind>('DELIVERY');
  const [description, setDescription] = useState('');
  const [dueBy, setDueBy] = useState('');
  // A promise's clock runs around the clock (Due by) or on a business calendar (Business hours).
  const [calendarId, setCalendarId] = useState('');
  const [hours, setHours] = useState('4');
  const [calendars] = useQuery({ query: BusinessCalendars, variables: {} });
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [state, make] = useMutation(MakePromise);

  const submit = async () => {
    let when: { dueBy: string } | { calendarId: string; dueInBusinessHours: number };
    if (calendarId) {
      const count = Number(hours);
      if (!Number.isInteger(count) || count <= 0) {
        setProblem({ code: 'BAD_USER_INPUT', message: 'Enter the business hours.', fields: { dueInBusinessHours: 'Enter a whole number of business hours, 1 or more.' } });
        return;
      }
      when = { calendarId, dueInBusinessHours: count };
    } else {
      const due = fromLocalInput(dueBy);
      if (!due) {
        setProblem({ code: 'BAD_USER_INPUT', message: 'Enter the due date.', fields: { dueBy: 'Enter the date and time the promise is due by.' } });
        return;
      }
      when = { dueBy: due };
    }
    const result = await make({ input: { customerId, kind, description, ...when } });
    const failure = apiProblem(result.error);
    setProblem(failure);
    if (!failure) onDone();
  };

  return (
    <ActionDialog
      title="New promise"
      submitLabel="Save"
      busy={state.fetching}
      notice={problem && Object.keys(problem.fields).length === 0 ? problem.message : null}
      onSubmit={() => void submit()}
      onClose={onClose}
    >
      <LabelledField label="Kind" error={problem?.fields.kind}>
        {(control) => (
          <select {...control} value={kind} onChange={(event) => setKind(event.target.value as PromiseKind)}>
            {PROMISE_KINDS.map((value) => (
              <option key={value} value={value}>
                {humanize(value)}
              </option>
            ))}
          </select>
        )}
      </LabelledField>
      <LabelledField label="Description" error={problem?.fields.description}>
        {(control) => <textarea {...control} rows={2} value={description} onChange={(event) => setDescription(event.target.value)} />}
      </LabelledField>
      <LabelledField label="Calendar" error={problem?.fields.calendarId} hint="Around the clock, or counted in a calendar's open hours.">
        {(control) => (
          <select {...control} value={calendarId} onChange={(event) => setCalendarId(event.target.value)}>
            <option value="">Around the clock</option>
            {calendars.data?.businessCalendars.map((calendar) => (
              <option key={calendar.id} value={calendar.id}>
                {calendar.name} ({calendar.timeZone})
              </option>
            ))}
          </select>
        )}
      </LabelledField>
      {calendarId ? (
        <LabelledField label="Business hours" error={problem?.fields.dueInBusinessHours} hint="Due after this many open hours of the calendar, from now.">
          {(control) => <input {...control} type="number" min={1} step={1} value={hours} onChange={(event) => setHours(event.target.value)} />}
        </LabelledField>
      ) : (
        <LabelledField label="Due by" error={problem?.fields.dueBy} hint={`In your time zone (${browserTimeZone()}).`}>
          {(control) => <input {...control} type="datetime-local" value={dueBy} onChange={(event) => setDueBy(event.target.value)} />}
        </LabelledField>
      )}
    </ActionDialog>
  );
}
