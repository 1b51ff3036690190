import { useQuery } from 'urql';
import { apiProblem } from '../shared/api-errors.js';
import { formatDateTime } from '../shared/format.js';
import { VerifyLedger } from './integrity.query.js';

export default function IntegrityScreen() {
  // Verification reads the whole log: it runs when asked, never on page load.
  const [result, verify] = useQuery({ query: VerifyLedger, variables: { upTo: null }, pause: true });
  const report = result.data?.verifyLedger;
  const problem = apiProblem(result.error);
  return (
    <section aria-labelledby="integrity-title">
      <h1 id="integrity-title">Integrity</h1>
      <p className="hint">
        Every event is chained to the one before it. Verifying recomputes the chain over the whole log and reports the first event that does not match: any
        changed byte, deleted, inserted or reordered event.
      </p>
      <button type="button" onClick={() => verify({ requestPolicy: 'network-only' })} disabled={result.fetching}>
        {result.fetching ? 'Verifying…' : 'Verify ledger'}
      </button>
      {problem && <p className="field-error">{problem.message}</p>}
      {report && (
        <section aria-label="Integrity report" className="panel">
          <p role="status">
            <span className={`badge ${report.verified ? 'ok' : 'danger'}`}>{report.verified ? 'Verified' : 'Does not verify'}</span>
          </p>
          <dl className="report">
            <dt>Events checked</dt>
            <dd>{report.eventsChecked.toLocaleString()}</dd>
            <dt>Head position</dt>
            <dd>{report.head}</dd>
            <dt>Digest</dt>
            <dd>
              <code>{report.digest}</code>
            </dd>
            {!report.verified && (
              <>
                <dt>First bad position</dt>
                <dd>{report.firstBadPosition ?? '—'}</dd>
                <dt>Problem</dt>
                <dd>{report.problem ?? '—'}</dd>
              </>
            )}
            <dt>Checked at</dt>
            <dd>{formatDateTime(report.checkedAt)}</dd>
          </dl>
        </section>
      )}
    </section>
  );
}
