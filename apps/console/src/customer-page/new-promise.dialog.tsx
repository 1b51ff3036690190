import { useState } from 'react';
import { useMutation } from 'urql';
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
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [state, make] = useMutation(MakePromise);

  const submit = async () => {
    const due = fromLocalInput(dueBy);
    if (!due) {
      setProblem({ code: 'BAD_USER_INPUT', message: 'Enter the due date.', fields: { dueBy: 'Enter the date and time the promise is due by.' } });
      return;
    }
    const result = await make({ input: { customerId, kind, description, dueBy: due } });
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
      <LabelledField label="Due by" error={problem?.fields.dueBy} hint={`In your time zone (${browserTimeZone()}).`}>
        {(control) => <input {...control} type="datetime-local" value={dueBy} onChange={(event) => setDueBy(event.target.value)} />}
      </LabelledField>
    </ActionDialog>
  );
}
