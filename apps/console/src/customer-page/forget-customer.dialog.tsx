import { useState } from 'react';
import { gql, useMutation, type TypedDocumentNode } from 'urql';
import { apiProblem } from '../shared/api-errors.js';
import { ActionDialog } from '../shared/action-dialog.js';
import { LabelledField } from '../shared/labelled-field.js';

const ForgetCustomer: TypedDocumentNode<{ forgetCustomer: { id: string; erased: boolean } }, { input: { id: string; reason: string } }> = gql`
  mutation ForgetCustomer($input: ForgetCustomerInput!) {
    forgetCustomer(input: $input) {
      id
      erased
    }
  }
`;

/**
 * Erasure cannot be undone: the dialog asks for the customer's id typed out, as repositories ask
 * for their name before deletion, so a slip of the mouse never forgets anyone.
 */
export function ForgetCustomerDialog({ customerId, onClose, onForgotten }: { customerId: string; onClose: () => void; onForgotten: () => void }) {
  const [typedId, setTypedId] = useState('');
  const [reason, setReason] = useState('');
  const [mismatch, setMismatch] = useState<string | undefined>();
  const [result, forget] = useMutation(ForgetCustomer);
  const problem = apiProblem(result.error);
  return (
    <ActionDialog
      title="Forget customer"
      submitLabel="Forget customer"
      busy={result.fetching}
      notice={problem && !problem.fields.reason && !problem.fields.id ? problem.message : null}
      onClose={onClose}
      onSubmit={async () => {
        if (typedId.trim() !== customerId) {
          setMismatch(`Type the customer id, ${customerId}, to confirm.`);
          return;
        }
        setMismatch(undefined);
        const answer = await forget({ input: { id: customerId, reason: reason.trim() } });
        if (answer.data) onForgotten();
      }}
    >
      <p className="dialog-subject">
        This destroys the customer's key: their name, email and every free text typed about them become unreadable, for good. Their promises, errors and
        figures stay.
      </p>
      <LabelledField label="Customer id" error={mismatch ?? problem?.fields.id} hint={`Type ${customerId} to confirm.`}>
        {(control) => <input {...control} value={typedId} autoComplete="off" onChange={(e) => setTypedId(e.target.value)} />}
      </LabelledField>
      <LabelledField label="Reason" error={problem?.fields.reason}>
        {(control) => <textarea {...control} value={reason} rows={2} onChange={(e) => setReason(e.target.value)} placeholder="Erasure request of 3 Dec 2026, ticket 4411" />}
      </LabelledField>
    </ActionDialog>
  );
}
