import type pg from 'pg';
import { CalendarQueries, type CalendarReads } from './calendars/calendar.queries.js';
import { CustomerQueries, type CustomerReads } from './customers/customer.queries.js';
import { ErrorCostQueries, type ErrorCostReads } from './error-costs/error-cost.queries.js';
import { PromiseLedgerQueries, type PromiseLedgerReads } from './promises/promise-ledger.queries.js';
import { PromiseQueries, type PromiseReads } from './promises/promise.queries.js';
import { TimelineQueries, type TimelineReads } from './timeline/timeline.queries.js';

/**
 * Everything the views answer, by view (the promises view answers promises and ledgers). Wrappers
 * (the read cache, the GraphQL metrics) implement this interface method by method, so a new
 * query fails to compile until each has decided what to do with it.
 */
export interface ReadSide {
  readonly customers: CustomerReads;
  readonly promises: PromiseReads;
  readonly ledgers: PromiseLedgerReads;
  readonly errorCosts: ErrorCostReads;
  readonly timeline: TimelineReads;
  readonly calendars: CalendarReads;
}

/** The views' queries straight on the database. */
export const createReadSide = (pool: pg.Pool): ReadSide => ({
  customers: new CustomerQueries(pool),
  promises: new PromiseQueries(pool),
  ledgers: new PromiseLedgerQueries(pool),
  errorCosts: new ErrorCostQueries(pool),
  timeline: new TimelineQueries(pool),
  calendars: new CalendarQueries(pool),
});

/** A query's name: unique across the views (it names the query in metrics and cache keys). */
export type QueryName = { [V in keyof ReadSide]: keyof ReadSide[V] & string }[keyof ReadSide];

/** Runs around one query: `run` performs it. */
export type AroundQuery = <R>(query: QueryName, run: () => Promise<R>) => Promise<R>;

/** The read side with `around` run around each query (metrics, tests counting database queries). */
export function aroundEachQuery(inner: ReadSide, around: AroundQuery): ReadSide {
  const { customers: c, promises: p, ledgers: l, errorCosts: e, timeline: t, calendars: k } = inner;
  return {
    customers: {
      customer: (id) => around('customer', () => c.customer(id)),
      customersByIds: (ids) => around('customersByIds', () => c.customersByIds(ids)),
      customers: (args) => around('customers', () => c.customers(args)),
      searchCustomers: (args) => around('searchCustomers', () => c.searchCustomers(args)),
    },
    promises: {
      promise: (id) => around('promise', () => p.promise(id)),
      promises: (args) => around('promises', () => p.promises(args)),
    },
    ledgers: {
      customerLedger: (customerId, asOf) => around('customerLedger', () => l.customerLedger(customerId, asOf)),
      customerWithLedger: (customerId) => around('customerWithLedger', () => l.customerWithLedger(customerId)),
      brandLedger: (args) => around('brandLedger', () => l.brandLedger(args)),
    },
    errorCosts: {
      errorIncident: (id) => around('errorIncident', () => e.errorIncident(id)),
      errors: (args) => around('errors', () => e.errors(args)),
      errorCostSummary: (args) => around('errorCostSummary', () => e.errorCostSummary(args)),
      errorCosts: (args) => around('errorCosts', () => e.errorCosts(args)),
      errorCostForecast: (args) => around('errorCostForecast', () => e.errorCostForecast(args)),
      errorCostPolicies: (asOf) => around('errorCostPolicies', () => e.errorCostPolicies(asOf)),
    },
    timeline: {
      timeline: (args) => around('timeline', () => t.timeline(args)),
    },
    calendars: {
      businessCalendars: () => around('businessCalendars', () => k.businessCalendars()),
      businessCalendar: (id, version) => around('businessCalendar', () => k.businessCalendar(id, version)),
    },
  };
}
