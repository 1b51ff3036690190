import { useMemo } from 'react';
import { gql, useQuery, type TypedDocumentNode } from 'urql';

/** The API's cost budget allows about 1,000 reads per operation: name the first 100 customers, show the rest by id. */
const MAX_NAMED = 100;

type Names = Record<string, { id: string; name: string | null } | null>;

// errorCosts groups by customer id only: one operation reads the listed customers' names, aliased c0…cN.
function customerNames(count: number): TypedDocumentNode<Names, Record<string, string>> {
  const indexes = Array.from({ length: count }, (_, index) => index);
  return gql`
    query ErrorCostCustomerNames(${indexes.map((i) => `$c${i}: ID!`).join(', ')}) {
      ${indexes.map((i) => `c${i}: customer(id: $c${i}) { id name }`).join('\n')}
    }
  `;
}

/** Names of the customers with these ids (undefined while loading; null name once erased). */
export function useCustomerNames(ids: readonly string[]): Map<string, string | null> | undefined {
  const named = ids.slice(0, MAX_NAMED);
  const key = named.join('\n');
  const query = useMemo(() => customerNames(Math.max(named.length, 1)), [named.length]);
  const variables = useMemo(() => Object.fromEntries(key.split('\n').map((id, index) => [`c${index}`, id])), [key]);
  const [result] = useQuery({ query, variables, pause: named.length === 0 });
  return useMemo(() => {
    if (!result.data) return undefined;
    return new Map(Object.values(result.data).flatMap((customer) => (customer ? [[customer.id, customer.name] as const] : [])));
  }, [result.data]);
}
