import type pg from 'pg';
import { DomainError, type CustomerKind } from '#libs/domain';
import { columnList } from '../../sql/row-batch.writer.js';
import { Where, pageOf, queryPrepared, type Page, type PageArgs } from '../shared/query-sql.js';
import { CUSTOMER_COLUMNS, toCustomer, type CustomerRow, type CustomerView } from './customer.rows.js';

/** What the customers view answers. */
export interface CustomerReads {
  customer(id: string): Promise<CustomerView | null>;
  /** In the order of `ids` (for DataLoader), one query. */
  customersByIds(ids: readonly string[]): Promise<(CustomerView | null)[]>;
  customers(args: { kind?: CustomerKind } & PageArgs): Promise<Page<CustomerView>>;
  /**
   * Customers whose id, name, email or region has a word starting with each word of `text`
   * (case and accents ignored), or whose id, promise id or error reference is `text` whole; best
   * first: the exact id, then promise and error lookups, then whole words of the name, then
   * prefixes. Blank text finds no one.
   * @throws DomainError BAD_USER_INPUT when `first` is not 1..100 or `text` is too long.
   */
  searchCustomers(args: { text: string; first: number }): Promise<CustomerView[]>;
}

export const MAX_SEARCH_RESULTS = 100;
/** Longer than any name, email or reference an agent would type (names are at most 200). */
export const MAX_SEARCH_TEXT = 320;

// Never the search columns: only the search reads them.
const COLUMNS = columnList(CUSTOMER_COLUMNS);

// ledger_search_customers (migration 0105) ranks: the exact id, the customer of a promise id or
// an error reference, whole words of the name, prefixes; each rank by folded name, then id. It
// walks each word rank in that order through an index and stops at `first`, so a broad word
// costs no more than a rare one. An erased customer's search columns are empty (its name and email
// are gone), and a promise id or error reference never leads to it either: found by its id only.
const SEARCH_SQL = `
select ${CUSTOMER_COLUMNS.map(([name]) => `c.${name}`).join(', ')}
  from ledger_search_customers($1, $2, $3) with ordinality as found (id, position)
  join rm_customers c on c.id = found.id
 where c.erased_at is null or c.id = $1
 order by found.position`;

/** Index entries a walk reads per range at most: enough for `first` matches among 1 % of customers. */
const walkLength = (first: number) => Math.min(5_000, Math.max(2_000, 100 * first));

export class CustomerQueries implements CustomerReads {
  constructor(private readonly pool: pg.Pool) {}

  async customer(id: string): Promise<CustomerView | null> {
    const { rows } = await queryPrepared<CustomerRow>(this.pool, `select ${COLUMNS} from rm_customers where id = $1`, [id]);
    return rows[0] ? toCustomer(rows[0]) : null;
  }

  async customersByIds(ids: readonly string[]): Promise<(CustomerView | null)[]> {
    const { rows } = await queryPrepared<CustomerRow>(this.pool, `select ${COLUMNS} from rm_customers where id = any($1)`, [ids]);
    const byId = new Map(rows.map((r) => [r.id, toCustomer(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  customers(args: { kind?: CustomerKind } & PageArgs): Promise<Page<CustomerView>> {
    const where = new Where().add((p) => `kind = ${p}`, args.kind);
    return pageOf<CustomerRow, CustomerView>(
      this.pool,
      { table: 'rm_customers', columns: COLUMNS, where, order: ['registered_at', 'id'], map: toCustomer, keyOf: (c) => [c.registeredAt.toISOString(), c.id] },
      args,
    );
  }

  async searchCustomers(args: { text: string; first: number }): Promise<CustomerView[]> {
    const { first } = args;
    if (!Number.isInteger(first) || first < 1 || first > MAX_SEARCH_RESULTS) {
      throw new DomainError('BAD_USER_INPUT', `first must be between 1 and ${MAX_SEARCH_RESULTS}`, { first: `must be between 1 and ${MAX_SEARCH_RESULTS}` });
    }
    if (args.text.length > MAX_SEARCH_TEXT) {
      throw new DomainError('BAD_USER_INPUT', `text must be at most ${MAX_SEARCH_TEXT} characters`, { text: `must be at most ${MAX_SEARCH_TEXT} characters` });
    }
    const text = args.text.trim();
    if (text === '') return [];
    const { rows } = await this.pool.query<CustomerRow>(SEARCH_SQL, [text, first, walkLength(first)]);
    return rows.map(toCustomer);
  }
}
