import type { CustomerKind } from '#libs/domain';
import type { Columns } from '../../sql/row-batch.writer.js';

/** A row of rm_customers; times are Date when read, ISO strings when a projection writes them. */
export type CustomerRow<Time = Date> = {
  id: string;
  name: string | null;
  kind: CustomerKind;
  region: string | null;
  email: string | null;
  registered_at: Time;
  version: number;
  /** Set when the customer's personal data was erased (name and email are null then). */
  erased_at: Time | null;
};

export const CUSTOMER_COLUMNS: Columns<CustomerRow> = [
  ['id', 'text'], ['name', 'text'], ['kind', 'text'], ['region', 'text'], ['email', 'text'], ['registered_at', 'timestamptz'], ['version', 'int'],
  ['erased_at', 'timestamptz'],
];

export interface CustomerView {
  id: string;
  name: string | null;
  kind: CustomerKind;
  region: string | null;
  email: string | null;
  registeredAt: Date;
  version: number;
  erased: boolean;
  erasedAt: Date | null;
}

export const toCustomer = (r: CustomerRow): CustomerView => ({
  id: r.id, name: r.name, kind: r.kind, region: r.region, email: r.email, registeredAt: r.registered_at, version: r.version,
  erased: r.erased_at !== null, erasedAt: r.erased_at,
});
