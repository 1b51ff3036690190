import { useState } from 'react';
import { useMutation } from 'urql';
import { apiProblem, type ApiProblem } from '../shared/api-errors.js';
import { browserTimeZone, fromLocalInput } from '../shared/format.js';
import { humanize } from '../shared/labels.js';
import { ERROR_TYPES, RecordError, type ErrorType } from './customer-page.query.js';
import { ActionDialog } from '../shared/action-dialog.js';
import { LabelledField } from '../shared/labelled-field.js';

/** A billing or shipping error made against the customer; priced by policy unless a cost is given. */
export function RecordErrorDialog({ customerId, onDone, onClose }: { customerId: string; onDone: () => void; onClose: () => void }) {
  const [type, setType] = useState<ErrorType>('BILLING');
  const [reference, setReference] = useState('');
  const [description, setDescription] = useState('');
  const [occurredAt, setOccurredAt] = useState('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [state, record] = useMutation(RecordError);

  const submit = async () => {
    const occurred = fromLocalInput(occurredAt);
    const fields: Record<string, string> = {};
    if (occurredAt && !occurred) fields.occurredAt = 'Enter a complete date and time, or leave it empty for now.';
    if (amount.trim() && !currency.trim()) fields.currency = 'Give the currency of the cost, e.g. USD.';
    if (!amount.trim() && currency.trim()) fields.amount = 'Give the amount, or leave both empty to price it by policy.';
    if (Object.keys(fields).length > 0) {
      setProblem({ code: 'BAD_USER_INPUT', message: 'Check the marked fields.', fields });
      return;
    }
    const result = await record({
      input: {
        customerId,
        type,
        ...(reference.trim() ? { reference: reference.trim() } : {}),
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(occurred ? { occurredAt: occurred } : {}),
        ...(amount.trim() ? { cost: { amount: amount.trim(), currency: currency.trim() } } : {}),
      },
    });
    const failure = apiProblem(result.error);
    setProblem(failure);
    if (!failure) onDone();
  };

  return (
    <ActionDialog
      title="Record error"
      submitLabel="Save"
      busy={state.fetching}
      notice={problem && Object.keys(problem.fields).length === 0 ? problem.message : null}
      onSubmit={() => void submit()}
      onClose={onClose}
    >
      <LabelledField label="Type" error={problem?.fields.type}>
        {(control) => (
          <select {...control} value={type} onChange={(event) => setType(event.target.value as ErrorType)}>
            {ERROR_TYPES.map((value) => (
              <option key={value} value={value}>
                {humanize(value)}
              </option>
            ))}
          </select>
        )}
      </LabelledField>
      <LabelledField label="Reference" error={problem?.fields.reference} hint="Invoice, order or shipment number.">
        {(control) => <input {...control} value={reference} onChange={(event) => setReference(event.target.value)} />}
      </LabelledField>
      <LabelledField label="Description" error={problem?.fields.description}>
        {(control) => <textarea {...control} rows={2} value={description} onChange={(event) => setDescription(event.target.value)} />}
      </LabelledField>
      <LabelledField label="Occurred at" error={problem?.fields.occurredAt} hint={`Empty for now; in your time zone (${browserTimeZone()}).`}>
        {(control) => <input {...control} type="datetime-local" value={occurredAt} onChange={(event) => setOccurredAt(event.target.value)} />}
      </LabelledField>
      <div className="field-row">
        <LabelledField label="Cost amount (optional)" error={problem?.fields.amount} hint="Empty: priced by the cost policy.">
          {(control) => <input {...control} inputMode="decimal" value={amount} onChange={(event) => setAmount(event.target.value)} />}
        </LabelledField>
        <LabelledField label="Currency" error={problem?.fields.currency}>
          {(control) => <input {...control} maxLength={3} size={4} value={currency} onChange={(event) => setCurrency(event.target.value.toUpperCase())} />}
        </LabelledField>
      </div>
    </ActionDialog>
  );
}
