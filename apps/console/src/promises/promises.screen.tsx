import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useClient } from 'urql';
import type { Viewer } from '../session/viewer.query.js';
import { apiProblem, type ApiProblem } from '../shared/api-errors.js';
import { browserTimeZone, formatDateTime } from '../shared/format.js';
import { humanize } from '../shared/labels.js';
import { KINDS, RISKS, STATUSES, toPromiseFilter, usePromiseFilters } from './promise-filters.js';
import { PromiseQueue, type PromiseFilter, type QueuedPromise } from './promises.query.js';
import './promises.css';

const PAGE_SIZE = 25;

interface Queue {
  filterKey: string;
  rows: QueuedPromise[];
  totalCount: number;
  endCursor: string | null;
  hasNextPage: boolean;
}

/** The agent's work queue: promises across customers, soonest due first, a page at a time. */
export default function PromisesScreen(_props: { viewer: Viewer }) {
  const { fields, set, clear } = usePromiseFilters();
  const filterKey = JSON.stringify(toPromiseFilter(fields));
  const filter = useMemo(() => JSON.parse(filterKey) as PromiseFilter, [filterKey]);
  const client = useClient();
  const [queue, setQueue] = useState<Queue | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const ids = { status: useId(), risk: useId(), kind: useId(), from: useId(), until: useId(), dueHint: useId() };

  // Only the latest request's answer lands: one for filters since changed is dropped.
  const latest = useRef(0);
  // After Show more, keyboard focus moves to the first new row (the button may be gone).
  const body = useRef<HTMLTableSectionElement>(null);
  const [focusRow, setFocusRow] = useState<number | null>(null);
  useEffect(() => {
    if (focusRow === null) return;
    body.current?.rows[focusRow]?.querySelector('a')?.focus();
    setFocusRow(null);
  }, [focusRow]);

  const load = useCallback(
    async (after: string | null, previous: QueuedPromise[]) => {
      const request = ++latest.current;
      setLoading(true);
      const result = await client.query(PromiseQueue, { filter, first: PAGE_SIZE, after }, { requestPolicy: 'network-only' }).toPromise();
      if (request !== latest.current) return;
      setLoading(false);
      setProblem(apiProblem(result.error));
      const page = result.data?.promises;
      if (!page) return;
      setQueue({ filterKey, rows: [...previous, ...page.nodes], totalCount: page.totalCount, endCursor: page.pageInfo.endCursor, hasNextPage: page.pageInfo.hasNextPage });
      if (after !== null && page.nodes.length > 0) setFocusRow(previous.length);
    },
    [client, filter, filterKey],
  );

  useEffect(() => {
    void load(null, []);
  }, [load]);

  const rows = queue?.filterKey === filterKey ? queue.rows : undefined;

  return (
    <section aria-labelledby="promises-title" className="promises">
      <h1 id="promises-title">Promises</h1>
      <form className="toolbar" role="search" aria-label="Promise filters" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={fields.status} onChange={(event) => set('status', event.target.value)}>
            <option value="">Any status</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {humanize(status)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.risk}>Risk</label>
          <select id={ids.risk} value={fields.risk} onChange={(event) => set('risk', event.target.value)}>
            <option value="">Any risk</option>
            {RISKS.map((risk) => (
              <option key={risk.value} value={risk.value}>
                {risk.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.kind}>Kind</label>
          <select id={ids.kind} value={fields.kind} onChange={(event) => set('kind', event.target.value)}>
            <option value="">Any kind</option>
            {KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {humanize(kind)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.from}>Due from</label>
          <input id={ids.from} type="date" value={fields.dueFrom} aria-describedby={ids.dueHint} onChange={(event) => set('dueFrom', event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.until}>Due until</label>
          <input id={ids.until} type="date" value={fields.dueUntil} aria-describedby={ids.dueHint} onChange={(event) => set('dueUntil', event.target.value)} />
        </div>
        <button type="button" className="secondary" onClick={clear}>
          Clear filters
        </button>
        <p id={ids.dueHint} className="hint filter-hint">
          Due dates are whole days in {browserTimeZone()}, both days included.
        </p>
      </form>

      {problem && (
        <p className="notice" role="alert">
          {problem.message}
        </p>
      )}
      <p className="result-count" aria-live="polite">
        {rows === undefined
          ? 'Loading…'
          : `Showing ${rows.length} of ${queue?.totalCount ?? 0} ${queue?.totalCount === 1 ? 'promise' : 'promises'}, soonest due first`}
      </p>

      <table aria-labelledby="promises-title" aria-busy={loading}>
        <thead>
          <tr>
            <th scope="col">Customer</th>
            <th scope="col">Description</th>
            <th scope="col">Kind</th>
            <th scope="col">Due</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody ref={body}>
          {rows?.length === 0 && (
            <tr>
              <td colSpan={5}>No promises match these filters.</td>
            </tr>
          )}
          {rows?.map((promise) => (
            <tr key={promise.id}>
              <td>
                <Link to={`/customers/${encodeURIComponent(promise.customer.id)}`}>{promise.customer.name ?? 'Erased customer'}</Link>
              </td>
              <td>{promise.description}</td>
              <td>{humanize(promise.kind)}</td>
              <td>{formatDateTime(promise.dueBy)}</td>
              <td>
                <PromiseStanding promise={promise} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {queue?.filterKey === filterKey && queue.hasNextPage && (
        <div className="show-more">
          <button type="button" onClick={() => void load(queue.endCursor, queue.rows)} disabled={loading}>
            Show more
          </button>
        </div>
      )}
    </section>
  );
}

function PromiseStanding({ promise }: { promise: QueuedPromise }) {
  switch (promise.status) {
    case 'OPEN':
      return promise.atRisk ? <span className="badge warn">Open · At risk</span> : <span className="badge info">Open · On track</span>;
    case 'KEPT':
      return <span className="badge ok">Kept</span>;
    case 'BROKEN':
      return <span className="badge danger">Broken</span>;
    case 'RELEASED':
      return <span className="badge neutral">Released</span>;
  }
}
