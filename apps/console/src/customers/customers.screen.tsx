import { useDeferredValue, useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { apiProblem } from '../shared/api-errors.js';
import { formatPercent } from '../shared/format.js';
import { humanize } from '../shared/labels.js';
import { RecentCustomers, SearchCustomers, type CustomerMatch } from './search-customers.query.js';

export default function CustomersScreen() {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  // Answers as one types without queueing a request per keystroke behind a slow one.
  const deferred = useDeferredValue(text.trim());
  const searching = deferred.length > 0;
  const [search] = useQuery({ query: SearchCustomers, variables: { text: deferred, first: 20 }, pause: !searching });
  const [recent] = useQuery({ query: RecentCustomers, variables: { first: 20 }, pause: searching });
  const fieldId = useId();

  useEffect(() => {
    setParams(deferred ? { q: deferred } : {}, { replace: true });
  }, [deferred, setParams]);

  const result = searching ? search : recent;
  const rows: CustomerMatch[] | undefined = searching ? search.data?.searchCustomers : recent.data?.customers.nodes;
  const problem = apiProblem(result.error);

  return (
    <section aria-labelledby="customers-title">
      <h1 id="customers-title">Customers</h1>
      <div className="field search-field">
        <label htmlFor={fieldId}>Search customers</label>
        <input
          id={fieldId}
          type="search"
          role="searchbox"
          value={text}
          placeholder="Name, email, region, customer id, promise id or error reference"
          onChange={(event) => setText(event.target.value)}
          autoFocus
          aria-describedby={problem ? `${fieldId}-error` : undefined}
        />
        {problem && (
          <p id={`${fieldId}-error`} className="field-error">
            {problem.message}
          </p>
        )}
      </div>
      <p className="result-count" aria-live="polite">
        {rows === undefined
          ? 'Searching…'
          : searching
            ? `${rows.length === 20 ? 'Top 20' : rows.length} ${rows.length === 1 ? 'match' : 'matches'} for “${deferred}”`
            : `Showing ${rows.length} of ${recent.data?.customers.totalCount ?? 0} customers`}
      </p>
      <table>
        <caption className="visually-hidden">{searching ? 'Matching customers' : 'Customers'}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Region</th>
            <th scope="col">Kept rate</th>
            <th scope="col">Open</th>
          </tr>
        </thead>
        <tbody>
          {rows?.map((customer) => (
            <tr key={customer.id}>
              <td>
                <Link to={`/customers/${encodeURIComponent(customer.id)}`}>{customer.name ?? 'Erased customer'}</Link>
                <div className="secondary-text">{customer.email ?? customer.id}</div>
              </td>
              <td>{humanize(customer.kind)}</td>
              <td>{customer.region ?? '—'}</td>
              <td>{formatPercent(customer.ledger.keptRate)}</td>
              <td>{customer.ledger.open}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
