import DataLoader from 'dataloader';
import type { CustomerView, LedgerQueries } from '#libs/projections';

/** Per-request batching: the customers of a page of promises or errors load in one query. */
export interface RequestLoaders {
  customer: DataLoader<string, CustomerView | null>;
}

export const createLoaders = (queries: LedgerQueries): RequestLoaders => ({
  customer: new DataLoader((ids: readonly string[]) => queries.customersByIds(ids)),
});
