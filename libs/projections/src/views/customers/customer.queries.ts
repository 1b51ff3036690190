import type pg from 'pg';
import type { CustomerKind } from '#libs/domain';
import { Where, pageOf, type Page, type PageArgs } from '../shared/query-sql.js';
import { toCustomer, type CustomerRow, type CustomerView } from './customer.rows.js';

/** What the customers view answers. */
export interface CustomerReads {
  customer(id: string): Promise<CustomerView | null>;
  /** In the order of `ids` (for DataLoader), one query. */
  customersByIds(ids: readonly string[]): Promise<(CustomerView | null)[]>;
  customers(args: { kind?: CustomerKind } & PageArgs): Promise<Page<CustomerView>>;
}

export class CustomerQueries implements CustomerReads {
  constructor(private readonly pool: pg.Pool) {}

  async customer(id: string): Promise<CustomerView | null> {
    const { rows } = await this.pool.query<CustomerRow>('select * from rm_customers where id = $1', [id]);
    return rows[0] ? toCustomer(rows[0]) : null;
  }

  async customersByIds(ids: readonly string[]): Promise<(CustomerView | null)[]> {
    const { rows } = await this.pool.query<CustomerRow>('select * from rm_customers where id = any($1)', [ids]);
    const byId = new Map(rows.map((r) => [r.id, toCustomer(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  customers(args: { kind?: CustomerKind } & PageArgs): Promise<Page<CustomerView>> {
    const where = new Where().add((p) => `kind = ${p}`, args.kind);
    return pageOf<CustomerRow, CustomerView>(
      this.pool,
      { table: 'rm_customers', where, order: ['registered_at', 'id'], map: toCustomer, keyOf: (c) => [c.registeredAt.toISOString(), c.id] },
      args,
    );
  }
}
