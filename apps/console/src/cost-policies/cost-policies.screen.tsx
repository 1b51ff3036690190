import { useCallback, useState } from 'react';
import { useQuery } from 'urql';
import { apiProblem } from '../shared/api-errors.js';
import { CostPolicies } from './cost-policies.query.js';
import { PolicyHistory } from './policy-history.js';
import { SetPolicyForm } from './set-policy-form.js';
import './cost-policies.css';

export default function CostPoliciesScreen() {
  const [policies, refetch] = useQuery({ query: CostPolicies, variables: {} });
  const [now, setNow] = useState(() => Date.now());
  const problem = apiProblem(policies.error);
  const reload = useCallback(() => {
    setNow(Date.now());
    refetch({ requestPolicy: 'network-only' });
  }, [refetch]);

  return (
    <section aria-labelledby="cost-policies-title" className="cost-policies">
      <h1 id="cost-policies-title">Cost policies</h1>
      <p className="hint">
        What one error costs a customer, by customer kind and error type, from a moment on. An error is priced by the policy in force when it
        occurred; a new policy never re-prices earlier errors. Without a policy (or an explicit cost) an error is unpriced.
      </p>
      <SetPolicyForm onSet={reload} />
      <h2 id="policy-history-title">Policies in force and their history</h2>
      {problem && (
        <p className="notice" role="alert">
          {problem.message}
        </p>
      )}
      {policies.data ? <PolicyHistory policies={policies.data.errorCostPolicies} now={now} /> : !problem && <p className="loading">Loading…</p>}
    </section>
  );
}
