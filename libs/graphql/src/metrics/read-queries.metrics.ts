import { Counter, register } from 'prom-client';
import type { LedgerQueries } from '#libs/projections';

const readQueries =
  (register.getSingleMetric('ledger_read_queries_total') as Counter<'query'> | undefined) ??
  new Counter({ name: 'ledger_read_queries_total', help: 'Read-model queries run for GraphQL requests, by query', labelNames: ['query'] });

/** Counts each read-model query by name (exposed on /metrics): shows N+1 patterns at a glance. */
export function countedQueries(queries: LedgerQueries): LedgerQueries {
  return new Proxy(queries, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
      return (...args: unknown[]) => {
        readQueries.inc({ query: property });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
