import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { useAnnounce } from '../layout/announcer.js';
import { apiProblem } from '../shared/api-errors.js';
import { formatDateTime } from '../shared/format.js';
import { humanize } from '../shared/labels.js';
import { OpenPromises, type OpenPromise } from './customer-page.query.js';
import { Countdown, RiskBadge } from './countdown.js';
import { NewPromiseDialog } from './new-promise.dialog.js';
import { PromiseActionDialog, type PromiseAction } from './promise-action.dialog.js';

const PAGE = 50;
// Pause or Resume, whichever the promise's clock allows.
const actionsFor = (promise: OpenPromise): readonly PromiseAction[] => ['Keep', 'Break', 'Amend', promise.paused ? 'Resume' : 'Pause', 'Release'];

interface Props {
  customerId: string;
  asOf: string | null;
  canAct: boolean;
  refreshKey: number;
  onChanged: () => void;
}

/** The customer's open promises, soonest due first, a hundred at a time, with their actions. */
export function OpenPromisesTable({ customerId, asOf, canAct, refreshKey, onChanged }: Props) {
  const [first, setFirst] = useState(PAGE);
  const [result, reexecute] = useQuery({ query: OpenPromises, variables: { id: customerId, first, asOf } });
  const [dialog, setDialog] = useState<{ action: PromiseAction; promise: OpenPromise } | null>(null);
  const [making, setMaking] = useState(false);

  useEffect(() => {
    if (refreshKey > 0) reexecute({ requestPolicy: 'network-only' });
  }, [refreshKey, reexecute]);

  const promises = result.data?.customer?.promises;
  const rows = promises?.nodes ?? [];
  const problem = apiProblem(result.error);
  // Stable, so opening a dialog re-renders no row.
  const open = useCallback((action: PromiseAction, promise: OpenPromise) => setDialog({ action, promise }), []);
  useAnnounceTurningAtRisk(rows, asOf);

  return (
    <section aria-labelledby="open-promises-title">
      <div className="section-heading">
        <h2 id="open-promises-title">Open promises</h2>
        {canAct && (
          <button type="button" onClick={() => setMaking(true)}>
            New promise
          </button>
        )}
      </div>
      {problem && <p className="field-error">{problem.message}</p>}
      <table aria-labelledby="open-promises-title">
        <thead>
          <tr>
            <th scope="col">Description</th>
            <th scope="col">Kind</th>
            <th scope="col">Due</th>
            <th scope="col">Time left</th>
            <th scope="col">Risk</th>
            {canAct && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((promise) => (
            <PromiseRow key={promise.id} promise={promise} asOf={asOf} canAct={canAct} open={open} />
          ))}
          {promises && rows.length === 0 && (
            <tr>
              <td colSpan={canAct ? 6 : 5} className="secondary-text">
                No open promises.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <p className="result-count">
        {promises ? `Showing ${rows.length} of ${promises.totalCount} open promises` : 'Loading…'}
        {promises && rows.length < promises.totalCount && (
          <button type="button" className="secondary show-more" onClick={() => setFirst((n) => n + PAGE)} disabled={result.fetching}>
            Show more promises
          </button>
        )}
      </p>
      {making && (
        <NewPromiseDialog
          customerId={customerId}
          onClose={() => setMaking(false)}
          onDone={() => {
            setMaking(false);
            onChanged();
          }}
        />
      )}
      {dialog && (
        <PromiseActionDialog
          key={`${dialog.action}-${dialog.promise.id}`}
          action={dialog.action}
          promise={dialog.promise}
          current={rows.find((row) => row.id === dialog.promise.id) ?? null}
          onClose={() => setDialog(null)}
          onStale={onChanged}
          onDone={() => {
            setDialog(null);
            onChanged();
          }}
        />
      )}
    </section>
  );
}

/** Live: a shown promise the deadline watcher flags at risk is announced (its row's badge changes too). */
function useAnnounceTurningAtRisk(rows: OpenPromise[], asOf: string | null) {
  const announce = useAnnounce();
  const seen = useRef<{ asOf: string | null; atRisk: Map<string, boolean> } | null>(null);
  useEffect(() => {
    const before = seen.current?.asOf === asOf ? seen.current.atRisk : null;
    const turned = before ? rows.filter((row) => row.atRisk && before.get(row.id) === false) : [];
    if (turned.length === 1) announce(`Promise at risk: ${turned[0]!.description}`);
    else if (turned.length > 1) announce(`${turned.length} promises are now at risk`);
    seen.current = { asOf, atRisk: new Map(rows.map((row) => [row.id, row.atRisk])) };
  }, [rows, asOf, announce]);
}

interface RowProps {
  promise: OpenPromise;
  asOf: string | null;
  canAct: boolean;
  open: (action: PromiseAction, promise: OpenPromise) => void;
}

// A refetch brings new objects: a row re-renders only when what it shows changed.
const PromiseRow = memo(
  function PromiseRow({ promise, asOf, canAct, open }: RowProps) {
    return (
      <tr>
        <td>{promise.description}</td>
        <td>{humanize(promise.kind)}</td>
        <td>
          <time dateTime={promise.dueBy}>{formatDateTime(promise.dueBy)}</time>
          {promise.amendments > 0 && <div className="secondary-text">amended {promise.amendments}×</div>}
        </td>
        <td>
          {promise.paused ? <span className="countdown">clock stopped</span> : <Countdown dueBy={promise.dueBy} asOf={asOf} />}
        </td>
        <td>
          <RiskBadge promise={promise} asOf={asOf} />
        </td>
        {canAct && (
          <td>
            <div className="actions">
              {actionsFor(promise).map((action) => (
                <button key={action} type="button" className="secondary" onClick={() => open(action, promise)}>
                  {action}
                </button>
              ))}
            </div>
          </td>
        )}
      </tr>
    );
  },
  (before, after) =>
    before.asOf === after.asOf &&
    before.canAct === after.canAct &&
    before.open === after.open &&
    before.promise.id === after.promise.id &&
    before.promise.version === after.promise.version &&
    before.promise.atRisk === after.promise.atRisk &&
    before.promise.risk === after.promise.risk &&
    before.promise.paused === after.promise.paused &&
    before.promise.dueBy === after.promise.dueBy &&
    before.promise.description === after.promise.description,
);
