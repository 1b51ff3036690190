import { useId, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { apiProblem } from '../shared/api-errors.js';
import { startOfLocalDay, toLocalSecondsInput, localToday } from '../shared/date-fields.js';
import { browserTimeZone, formatMoney } from '../shared/format.js';
import { humanize } from '../shared/labels.js';
import { ErrorCostChart } from './error-cost-chart.js';
import { amountIn, currenciesOf, downloadText, errorCostsCsv } from './error-costs.csv.js';
import { ErrorCosts, type CustomerKind, type ErrorCostFilters, type ErrorCostGroup, type ErrorCostRow } from './error-costs.query.js';
import { useCustomerNames } from './customer-names.query.js';
import { YearlyRunRate } from './yearly-run-rate.js';
import './error-costs.css';

const GROUPS: { value: ErrorCostGroup; label: string }[] = [
  { value: 'CUSTOMER', label: 'Customer' },
  { value: 'CUSTOMER_KIND', label: 'Customer kind' },
  { value: 'ERROR_TYPE', label: 'Error type' },
  { value: 'MONTH', label: 'Month' },
];
const KINDS: CustomerKind[] = ['DISTRIBUTOR', 'RESELLER', 'END_USER'];

const isGroup = (value: string | null): value is ErrorCostGroup => GROUPS.some((group) => group.value === value);
const isKind = (value: string | null): value is CustomerKind => KINDS.includes(value as CustomerKind);

/** The filters live in the address: a view can be shared, bookmarked and reloaded. */
function useFilters() {
  const [params, setParams] = useSearchParams();
  const groupParam = params.get('groupBy');
  const kindParam = params.get('kind');
  const fields = {
    groupBy: isGroup(groupParam) ? groupParam : ('MONTH' as ErrorCostGroup),
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    asOf: params.get('asOf') ?? '',
    kind: isKind(kindParam) ? kindParam : ('' as const),
  };
  const set = (name: keyof typeof fields, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  return { fields, set };
}

export default function ErrorCostsScreen() {
  const { fields, set } = useFilters();
  const ids = { group: useId(), from: useId(), to: useId(), asOf: useId(), kind: useId(), range: useId(), asOfHint: useId() };

  const filters = useMemo((): Omit<ErrorCostFilters, 'groupBy'> => {
    const asOf = fields.asOf ? new Date(fields.asOf) : null;
    return {
      from: fields.from ? startOfLocalDay(fields.from) : null,
      // "To" names the last day counted: the API's `to` is exclusive, so the next day's start.
      to: fields.to ? startOfLocalDay(fields.to, 1) : null,
      asOf: asOf && !Number.isNaN(asOf.getTime()) ? asOf.toISOString() : null,
      customerKind: fields.kind || null,
    };
  }, [fields.from, fields.to, fields.asOf, fields.kind]);

  const [byMonth] = useQuery({ query: ErrorCosts, variables: { ...filters, groupBy: 'MONTH' } });
  const [grouped] = useQuery({ query: ErrorCosts, variables: { ...filters, groupBy: fields.groupBy } });
  const problem = apiProblem(grouped.error ?? byMonth.error);
  const groupLabel = GROUPS.find((group) => group.value === fields.groupBy)?.label ?? 'Key';
  const zone = browserTimeZone();

  const download = () => {
    if (!grouped.data) return;
    const parts = [`error-costs-by-${fields.groupBy.toLowerCase().replaceAll('_', '-')}`];
    if (fields.kind) parts.push(fields.kind.toLowerCase().replaceAll('_', '-'));
    if (fields.from) parts.push(`from-${fields.from}`);
    if (fields.to) parts.push(`to-${fields.to}`);
    parts.push(fields.asOf ? `as-of-${fields.asOf.replaceAll(':', '')}` : `as-of-${localToday()}`);
    downloadText(`${parts.join('-')}.csv`, errorCostsCsv(groupLabel, grouped.data.errorCosts));
  };

  return (
    <section aria-labelledby="error-costs-title" className="error-costs">
      <h1 id="error-costs-title">Error costs</h1>

      <form className="toolbar" role="search" aria-label="Error cost filters" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={ids.group}>Group by</label>
          <select id={ids.group} value={fields.groupBy} onChange={(event) => set('groupBy', event.target.value)}>
            {GROUPS.map((group) => (
              <option key={group.value} value={group.value}>
                {group.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.kind}>Customer kind</label>
          <select id={ids.kind} value={fields.kind} onChange={(event) => set('kind', event.target.value)}>
            <option value="">All kinds</option>
            {KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {humanize(kind)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.from}>From</label>
          <input id={ids.from} type="date" value={fields.from} aria-describedby={ids.range} onChange={(event) => set('from', event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>To</label>
          <input id={ids.to} type="date" value={fields.to} aria-describedby={ids.range} onChange={(event) => set('to', event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.asOf}>As of</label>
          <div className="as-of">
            <input
              id={ids.asOf}
              type="datetime-local"
              step={1}
              value={fields.asOf}
              aria-describedby={ids.asOfHint}
              onChange={(event) => set('asOf', event.target.value)}
            />
            <button type="button" className="secondary" onClick={() => set('asOf', '')} disabled={!fields.asOf}>
              Now
            </button>
          </div>
        </div>
        <p id={ids.range} className="hint filter-hint">
          From and To count errors by when they occurred, whole days in {zone}, both days included.
        </p>
        <p id={ids.asOfHint} className="hint filter-hint">
          As of shows the figures as the ledger knew them at that moment ({zone}); empty means now.
        </p>
      </form>

      {problem && (
        <p className="notice" role="alert">
          {problem.message}
        </p>
      )}

      <figure className="panel chart-figure">
        <figcaption>Error cost by month</figcaption>
        {byMonth.data ? <ErrorCostChart rows={byMonth.data.errorCosts} /> : <p className="loading">Loading…</p>}
        <p className="hint">Months in UTC, as the ledger groups them. Unpriced errors have no bar: they are counted in the table.</p>
      </figure>

      <div className="table-heading">
        <h2 id="error-costs-table-title">Error costs by {groupLabel.toLowerCase()}</h2>
        {/* Never a file of the previous filters' figures while the new ones are on their way. */}
        <button type="button" onClick={download} disabled={!grouped.data || grouped.stale || grouped.fetching}>
          Download CSV
        </button>
      </div>
      {grouped.data ? (
        <CostTable rows={grouped.data.errorCosts} groupBy={fields.groupBy} groupLabel={groupLabel} busy={grouped.fetching || grouped.stale} />
      ) : (
        <p className="loading">Loading…</p>
      )}

      <YearlyRunRate />
      <p className="hint">Generated {fields.asOf ? `as of ${fields.asOf.replace('T', ' ')}` : `as of now (${toLocalSecondsInput(new Date()).replace('T', ' ')})`}, {zone}.</p>
    </section>
  );
}

function CostTable({ rows, groupBy, groupLabel, busy }: { rows: ErrorCostRow[]; groupBy: ErrorCostGroup; groupLabel: string; busy: boolean }) {
  const currencies = currenciesOf(rows);
  const names = useCustomerNames(groupBy === 'CUSTOMER' ? rows.map((row) => row.key) : []);
  return (
    <table aria-labelledby="error-costs-table-title" aria-busy={busy}>
      <thead>
        <tr>
          <th scope="col">{groupBy === 'MONTH' ? 'Month' : groupLabel}</th>
          <th scope="col" className="number">
            Errors
          </th>
          <th scope="col" className="number">
            Unpriced errors
          </th>
          {currencies.map((currency) => (
            <th key={currency} scope="col" className="number">
              Cost ({currency})
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={3 + currencies.length}>No errors for these filters.</td>
          </tr>
        )}
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">
              <GroupKey groupBy={groupBy} value={row.key} names={names} />
            </th>
            <td className="number">{row.errors}</td>
            <td className="number">{row.unpricedErrors > 0 ? `${row.unpricedErrors} unpriced` : 'None'}</td>
            {currencies.map((currency) => {
              const amount = amountIn(row, currency);
              return (
                <td key={currency} className="number">
                  {amount === undefined ? '—' : formatMoney({ amount, currency })}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function GroupKey({ groupBy, value, names }: { groupBy: ErrorCostGroup; value: string; names: Map<string, string | null> | undefined }) {
  switch (groupBy) {
    case 'CUSTOMER': {
      const name = names?.get(value);
      return (
        <>
          <Link to={`/customers/${encodeURIComponent(value)}`}>{name === undefined ? value : (name ?? 'Erased customer')}</Link>
          {name !== undefined && <div className="secondary-text">{value}</div>}
        </>
      );
    }
    case 'CUSTOMER_KIND':
    case 'ERROR_TYPE':
      return <>{humanize(value)}</>;
    case 'MONTH':
      return <>{value}</>;
  }
}
