import { Counter, register } from 'prom-client';
import { aroundEachQuery, type ReadSide } from '#libs/projections';

const readQueries =
  (register.getSingleMetric('ledger_read_queries_total') as Counter<'query'> | undefined) ??
  new Counter({ name: 'ledger_read_queries_total', help: 'Read-model queries run for GraphQL requests, by query', labelNames: ['query'] });

/** The read side with each query counted by name (exposed on /metrics): shows N+1 patterns at a glance. */
export const countedReadSide = (readSide: ReadSide): ReadSide =>
  aroundEachQuery(readSide, (query, run) => {
    readQueries.inc({ query });
    return run();
  });
