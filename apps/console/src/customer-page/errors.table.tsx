import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { apiProblem } from '../shared/api-errors.js';
import { formatDateTime, formatMoney } from '../shared/format.js';
import { humanize } from '../shared/labels.js';
import { CustomerErrors } from './customer-page.query.js';
import { RecordErrorDialog } from './record-error.dialog.js';

const PAGE = 50;

interface Props {
  customerId: string;
  asOf: string | null;
  canRecord: boolean;
  refreshKey: number;
  onChanged: () => void;
}

/** Billing and shipping errors made against the customer, with what each cost. */
export function ErrorsTable({ customerId, asOf, canRecord, refreshKey, onChanged }: Props) {
  const [first, setFirst] = useState(PAGE);
  const [result, reexecute] = useQuery({ query: CustomerErrors, variables: { id: customerId, first, asOf } });
  const [recording, setRecording] = useState(false);

  useEffect(() => {
    if (refreshKey > 0) reexecute({ requestPolicy: 'network-only' });
  }, [refreshKey, reexecute]);

  const errors = result.data?.customer?.errors;
  const rows = errors?.nodes ?? [];
  const problem = apiProblem(result.error);

  return (
    <section aria-labelledby="errors-title">
      <div className="section-heading">
        <h2 id="errors-title">Errors</h2>
        {canRecord && (
          <button type="button" onClick={() => setRecording(true)}>
            Record error
          </button>
        )}
      </div>
      {problem && <p className="field-error">{problem.message}</p>}
      <table aria-labelledby="errors-title">
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Reference</th>
            <th scope="col">Description</th>
            <th scope="col">Occurred</th>
            <th scope="col" className="number">
              Cost
            </th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((error) => (
            <tr key={error.id}>
              <td>{humanize(error.type)}</td>
              <td>{error.reference ?? '—'}</td>
              <td>{error.description ?? '—'}</td>
              <td>
                <time dateTime={error.occurredAt}>{formatDateTime(error.occurredAt)}</time>
              </td>
              <td className="number">{formatMoney(error.cost)}</td>
              <td>
                <span className={`badge ${error.status === 'OPEN' ? 'warn' : 'neutral'}`}>{humanize(error.status)}</span>
              </td>
            </tr>
          ))}
          {errors && rows.length === 0 && (
            <tr>
              <td colSpan={6} className="secondary-text">
                No errors recorded.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {errors && rows.length < errors.totalCount && (
        <p className="result-count">
          Showing {rows.length} of {errors.totalCount} errors
          <button type="button" className="secondary show-more" onClick={() => setFirst((n) => n + PAGE)} disabled={result.fetching}>
            Show more errors
          </button>
        </p>
      )}
      {recording && (
        <RecordErrorDialog
          customerId={customerId}
          onClose={() => setRecording(false)}
          onDone={() => {
            setRecording(false);
            onChanged();
          }}
        />
      )}
    </section>
  );
}
