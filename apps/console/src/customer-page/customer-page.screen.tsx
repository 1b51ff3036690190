import { useCallback, useEffect, useRef, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { useAnnounce } from '../layout/announcer.js';
import { apiProblem } from '../shared/api-errors.js';
import { humanize } from '../shared/labels.js';
import type { Role, Viewer } from '../session/viewer.query.js';
import { AsOfField } from './as-of.field.js';
import { ForgetCustomerDialog } from './forget-customer.dialog.js';
import { formatDateTime } from '../shared/format.js';
import { useCustomerLive } from './customer-live.js';
import { CustomerLedger } from './customer-page.query.js';
import { ErrorsTable } from './errors.table.js';
import { OpenPromisesTable } from './open-promises.table.js';
import { PromiseLedgerRegion } from './promise-ledger.region.js';
import { TimelineList } from './timeline.list.js';
import './customer-page.css';

// The roles the API lets run makePromise/keep/break/amend/releasePromise and recordError (@Allow('AGENT'), and ADMIN).
const ACTING_ROLES: readonly Role[] = ['AGENT', 'ADMIN'];

export default function CustomerPageScreen({ viewer }: { viewer: Viewer }) {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const asOf = params.get('asOf');
  const setAsOf = useCallback((moment: string | null) => setParams(moment ? { asOf: moment } : {}, { replace: true }), [setParams]);
  const announce = useAnnounce();
  const [refreshKey, setRefreshKey] = useState(0);
  const [header, reexecuteHeader] = useQuery({ query: CustomerLedger, variables: { id, asOf } });

  // Live events come in bursts (a batch, a mutation's several read models): one refetch per burst.
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const refresh = useCallback(() => {
    clearTimeout(pending.current);
    pending.current = setTimeout(() => {
      reexecuteHeader({ requestPolicy: 'network-only' });
      setRefreshKey((key) => key + 1);
    }, 100);
  }, [reexecuteHeader]);
  useEffect(() => () => clearTimeout(pending.current), []);

  useCustomerLive(id, {
    onBroken: (promise) => {
      announce(`Promise broken: ${promise.description}`);
      if (!asOf) refresh();
    },
    onLedgerChanged: () => {
      if (!asOf) refresh();
    },
  });

  const customer = header.data?.customer;
  const problem = apiProblem(header.error);
  const canAct = ACTING_ROLES.includes(viewer.role) && !asOf;
  const [forgetting, setForgetting] = useState(false);

  if (header.data && !customer) {
    return (
      <section aria-labelledby="customer-missing">
        <h1 id="customer-missing">Customer not found</h1>
        <p>No customer has the id “{id}”.</p>
      </section>
    );
  }

  return (
    <div className="customer-page">
      <header className="customer-header">
        <h1>{customer ? (customer.name ?? 'Erased customer') : 'Customer'}</h1>
        {customer && (
          <p className="secondary-text">
            {humanize(customer.kind)}
            {customer.region && ` · ${customer.region}`}
            {customer.email && ` · ${customer.email}`} · {customer.id}
          </p>
        )}
        {customer?.erased && (
          <p className="notice">
            This customer's personal data was erased{customer.erasedAt ? ` on ${formatDateTime(customer.erasedAt)}` : ''}: name, email and free texts are gone; promises, errors and figures stay.
          </p>
        )}
        {customer && viewer.role === 'ADMIN' && !customer.erased && !asOf && (
          <button type="button" className="danger forget-customer" onClick={() => setForgetting(true)}>
            Forget customer
          </button>
        )}
        {forgetting && customer && (
          <ForgetCustomerDialog
            customerId={customer.id}
            onClose={() => setForgetting(false)}
            onForgotten={() => {
              setForgetting(false);
              announce('Customer forgotten: their personal data is erased.');
              refresh();
            }}
          />
        )}
        {problem && <p className="field-error">{problem.message}</p>}
        <AsOfField asOf={asOf} onChange={setAsOf} />
      </header>
      <PromiseLedgerRegion ledger={customer?.ledger} />
      <OpenPromisesTable customerId={id} asOf={asOf} canAct={canAct} refreshKey={refreshKey} onChanged={refresh} />
      <ErrorsTable customerId={id} asOf={asOf} canRecord={canAct} refreshKey={refreshKey} onChanged={refresh} />
      <TimelineList key={`${asOf ?? 'now'}-${refreshKey}`} customerId={id} asOf={asOf} />
    </div>
  );
}
