import type pg from 'pg';
import type { CalendarReads } from '../views/calendars/calendar.queries.js';
import type { CustomerReads } from '../views/customers/customer.queries.js';
import type { ErrorCostReads } from '../views/error-costs/error-cost.queries.js';
import type { LedgerView, PromiseLedgerReads } from '../views/promises/promise-ledger.queries.js';
import type { PromiseReads } from '../views/promises/promise.queries.js';
import type { ReadSide } from '../views/read-side.js';
import type { TimelineReads } from '../views/timeline/timeline.queries.js';
import { ReadCache, type ReadCacheOptions, type ReadCacheStats } from './read-cache.js';

/** A ledger "now" is true as of the moment its version was checked, not when it was computed. */
const asOfVersion = (ledger: LedgerView, readAt: Date): LedgerView => ({ ...ledger, asOf: readAt });

/**
 * The read side with the answer cache in front (docs/architecture.md, "Read cache"). Support
 * agents looking at the same customers again and again are served without touching the
 * read-model tables; under a steady stream of writes most answers miss and cost one shared, tiny
 * version query more. Each query states here whether it is cached: those that depend on the
 * clock (the forecast; the deadline watcher's, which are not on the read side) are not.
 */
export class CachedReadSide implements ReadSide {
  readonly customers: CustomerReads;
  readonly promises: PromiseReads;
  readonly ledgers: PromiseLedgerReads;
  readonly errorCosts: ErrorCostReads;
  readonly timeline: TimelineReads;
  readonly calendars: CalendarReads;
  private readonly cache: ReadCache;

  constructor(inner: ReadSide, pool: pg.Pool, options: ReadCacheOptions) {
    const cache = (this.cache = new ReadCache(pool, options));
    const { customers: c, promises: p, ledgers: l, errorCosts: e, timeline: t, calendars: k } = inner;
    this.customers = {
      customer: (id) => cache.answer('customer', [id], () => c.customer(id)),
      customersByIds: (ids) => cache.answer('customersByIds', [ids], () => c.customersByIds(ids)),
      customers: (args) => cache.answer('customers', [args], () => c.customers(args)),
      searchCustomers: (args) => cache.answer('searchCustomers', [args], () => c.searchCustomers(args)),
    };
    this.promises = {
      promise: (id) => cache.answer('promise', [id], () => p.promise(id)),
      promises: (args) => cache.answer('promises', [args], () => p.promises(args)),
    };
    this.ledgers = {
      customerLedger: (customerId, asOf) =>
        cache.answer('customerLedger', [customerId, asOf], () => l.customerLedger(customerId, asOf), asOf ? undefined : asOfVersion),
      customerWithLedger: (customerId) =>
        cache.answer('customerWithLedger', [customerId], () => l.customerWithLedger(customerId), (found, readAt) =>
          found && { customer: found.customer, ledger: asOfVersion(found.ledger, readAt) }),
      brandLedger: (args) => cache.answer('brandLedger', [args], () => l.brandLedger(args), args.asOf ? undefined : asOfVersion),
    };
    this.errorCosts = {
      errorIncident: (id) => cache.answer('errorIncident', [id], () => e.errorIncident(id)),
      errors: (args) => cache.answer('errors', [args], () => e.errors(args)),
      errorCostSummary: (args) => cache.answer('errorCostSummary', [args], () => e.errorCostSummary(args)),
      errorCosts: (args) => cache.answer('errorCosts', [args], () => e.errorCosts(args)),
      errorCostForecast: (args) => e.errorCostForecast(args), // depends on `now`: never cached
      errorCostPolicies: (asOf) => cache.answer('errorCostPolicies', [asOf], () => e.errorCostPolicies(asOf)),
    };
    this.timeline = {
      timeline: (args) => cache.answer('timeline', [args], () => t.timeline(args)),
    };
    this.calendars = {
      businessCalendars: () => cache.answer('businessCalendars', [], () => k.businessCalendars()),
      businessCalendar: (id, version) => cache.answer('businessCalendar', [id, version], () => k.businessCalendar(id, version)),
    };
  }

  readCacheStats(): ReadCacheStats {
    return this.cache.stats();
  }

  /** Closes the version reads' session. */
  closeReadCache(): Promise<void> {
    return this.cache.close();
  }
}
