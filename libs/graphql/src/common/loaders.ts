import DataLoader from 'dataloader';
import type { CustomerView, ReadSide } from '#libs/projections';

/** Per-request batching: the customers of a page of promises or errors load in one query. */
export interface RequestLoaders {
  customer: DataLoader<string, CustomerView | null>;
}

export const createLoaders = (readSide: ReadSide): RequestLoaders => ({
  customer: new DataLoader((ids: readonly string[]) => readSide.customers.customersByIds(ids)),
});
